// Drives one mounted widget figure with real DOM input events and times each one. Injected by the harness
// (WidgetBenchmark) as a function of (figure, options) that resolves to a list of per-control results.
//
// The controls are found in the figure, so a new widget is measured without changes here: every range
// slider ('input' events), select ('change'), number input ('input'), text input ('change', alternating
// its first value and that value's words reversed), button (click) and focusable canvas (arrow keys, and
// pointer moves over a grid of points).
//
// Each event is dispatched at the start of a frame (in a requestAnimationFrame callback), as the browser
// delivers input; the widget's handlers recompute and redraw synchronously. "handler" is the time until the
// dispatch returns; "frame" the time until the browser has finished rendering that frame (a message posted
// from the callback runs once the frame's style, layout and paint are done). An event that made the widget
// fetch (a training checkpoint not loaded yet: data-state goes to "loading") is counted but not timed;
// a sweep over every slider and select value first loads them all. A first row times an event that does
// nothing: the floor of both numbers on this machine at this moment.
(async function (figure, options) {
  const events = options.events;
  const warmup = options.warmup;
  const live = figure.querySelector('.widget-live') || figure;
  const nextFrame = () => new Promise(resolve => requestAnimationFrame(resolve));

  async function settled() { // waits while the widget fetches (data-state "loading")
    const start = performance.now();
    while (figure.getAttribute('data-state') === 'loading') {
      if (performance.now() - start > 20000) throw new Error('still loading after 20 s');
      await nextFrame();
    }
    if (figure.getAttribute('data-state') === 'error') throw new Error('widget error: ' + figure.textContent.trim());
  }

  function once(apply) {
    return new Promise(resolve => {
      requestAnimationFrame(() => {
        const t0 = performance.now();
        apply();
        const t1 = performance.now();
        const fetching = figure.getAttribute('data-state') === 'loading';
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ handler: t1 - t0, frame: performance.now() - t0, fetching });
        channel.port2.postMessage(0);
      });
    });
  }

  function labelOf(el) {
    const id = el.getAttribute('id');
    const label = id ? figure.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
    return (label ? label.textContent : el.textContent || el.getAttribute('aria-label') || el.tagName).trim();
  }

  // one entry per control: a name, a kind, and apply(i) performing the i-th event; first an event that does
  // nothing, timed the same way: the floor under every other row (the browser's own frame work, the load)
  const controls = [{ name: '(no-op)', kind: 'baseline', values: 1, apply: () => {} }];
  for (const el of live.querySelectorAll('input, select, button, canvas[tabindex]')) {
    if (el.disabled || el.hidden) continue;
    const fire = type => el.dispatchEvent(new Event(type, { bubbles: true }));
    if (el.tagName === 'INPUT' && el.type === 'range') {
      const min = Number(el.min || 0);
      const max = Number(el.max || 100);
      const step = Number(el.step || 1);
      const n = Math.floor((max - min) / step + 1e-9) + 1;
      if (n < 2) continue;
      const value = i => { const k = i % (2 * n - 2); return min + step * (k < n ? k : 2 * n - 2 - k); }; // ping-pong
      const start = Math.round((Number(el.value) - min) / step);
      controls.push({ name: labelOf(el), kind: 'slider', values: n,
          apply: i => { el.value = String(value(i + start + 1)); fire('input'); } });
    } else if (el.tagName === 'INPUT' && el.type === 'number') {
      const min = el.min === '' ? 0 : Number(el.min);
      const max = el.max === '' ? min + 20 : Number(el.max);
      const n = max - min + 1;
      const start = Number(el.value) - min;
      controls.push({ name: labelOf(el), kind: 'number', values: n,
          apply: i => { el.value = String(min + (start + i + 1) % n); fire('input'); } });
    } else if (el.tagName === 'INPUT' && (el.type === 'text' || el.type === '')) {
      const first = el.value;
      const reversed = first.trim().split(/\s+/).reverse().join(' ');
      controls.push({ name: labelOf(el), kind: 'text', values: 2,
          apply: i => { el.value = i % 2 === 0 ? reversed : first; fire('change'); } });
    } else if (el.tagName === 'SELECT') {
      const n = el.options.length;
      if (n < 2) continue;
      const start = el.selectedIndex;
      controls.push({ name: labelOf(el), kind: 'select', values: n,
          apply: i => { el.selectedIndex = (start + i + 1) % n; fire('change'); } });
    } else if (el.tagName === 'BUTTON') {
      controls.push({ name: labelOf(el), kind: 'button', values: 1, apply: () => el.click() });
    } else if (el.tagName === 'CANVAS') {
      const keys = ['ArrowRight', 'ArrowDown', 'ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp', 'ArrowLeft', 'ArrowUp'];
      controls.push({ name: 'canvas', kind: 'arrow keys', values: keys.length, prepare: () => el.focus(),
          apply: i => el.dispatchEvent(new KeyboardEvent('keydown', { key: keys[i % keys.length], bubbles: true, cancelable: true })) });
      controls.push({ name: 'canvas', kind: 'pointer move', values: 49, apply: i => {
        const r = el.getBoundingClientRect();
        const gx = i % 7;
        const gy = Math.floor(i / 7) % 7;
        el.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: r.left + r.width * (gx + 1) / 8,
            clientY: r.top + r.height * (((gy + gx) % 7) + 1) / 8, pointerType: 'mouse' }));
      } });
    }
  }

  const results = [];
  for (const c of controls) {
    const out = { control: c.name, kind: c.kind, handler: [], frame: [], fetches: 0, error: null };
    try {
      if (c.prepare) c.prepare();
      if (c.kind === 'slider' || c.kind === 'select') { // load every value once (checkpoints are fetched on demand)
        for (let i = 0; i < 2 * c.values; i++) {
          await once(() => c.apply(i));
          await settled();
        }
      }
      for (let i = 0; i < warmup + events; i++) {
        const r = await once(() => c.apply(i));
        if (r.fetching) {
          out.fetches++;
          await settled();
        } else if (i >= warmup) {
          out.handler.push(r.handler);
          out.frame.push(r.frame);
        }
        await settled();
      }
    } catch (e) {
      out.error = String(e && e.message ? e.message : e);
    }
    results.push(out);
  }
  return results;
})
