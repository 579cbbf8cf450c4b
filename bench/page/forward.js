// The forward-pass benchmark page (forward.html). The harness (WidgetBenchmark) writes models.json beside it:
//   { "peer": true|false, "samples": N, "models": [{ "id": "attn-only-2l", "url": "../models/.../final.safetensors" }] }
// For each model it loads the same safetensors file into the widgets' Java code (TeaVM, forward-benchmark.js)
// and, when the peer runtime was installed, into TensorFlow.js (CPU and WebAssembly backends); runs both on the
// same input; checks that their outputs agree; and times them in interleaved samples. Where the browser runs the
// widgets' WebAssembly SIMD matrix kernel (SimdProduct), the Java code is timed once more with its products in the
// Java loops alone (java.kernel(false)), interleaved with the kernel's: the row "TeaVM, Java loops only". The results go to
// window.__bench (read by the harness) and into the page's table.
import * as java from './forward-benchmark.js';

const result = { done: false, error: null, peer: null, models: [] };
window.__bench = result;

const status = text => { document.getElementById('status').textContent = text; };
const tick = () => new Promise(resolve => setTimeout(resolve, 0));

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error('could not load ' + src));
    document.head.appendChild(s);
  });
}

// safetensors: an 8-byte little-endian header length, a JSON header, then raw little-endian data
function parseSafetensors(buffer) {
  const view = new DataView(buffer);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, n)));
  const tensors = {};
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (t.dtype !== 'F32') throw new Error(`${name}: dtype ${t.dtype}, expected F32`);
    const [begin, end] = t.data_offsets;
    // a copy: the data need not start on a 4-byte boundary
    tensors[name] = { shape: t.shape, data: new Float32Array(buffer.slice(8 + n + begin, 8 + n + end)) };
  }
  return { meta: header.__metadata__ || {}, tensors };
}

function kindOf(file) {
  if (file.meta.model_kind === 'toy-superposition') return 'toy';
  if (file.meta.model_kind === 'sae-toy') return 'sae';
  if (file.meta.config) return 'transformer';
  throw new Error('unknown model kind ' + file.meta.model_kind);
}

function random(seed) { // mulberry32: the same inputs on every run
  return () => {
    seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BATCH = 64;

/** The input a model runs on, as the widgets would give it, with a short description. */
function inputFor(kind, file) {
  const next = random(1);
  if (kind === 'transformer') {
    const cfg = JSON.parse(file.meta.config);
    if (file.meta.model_kind === 'modular-addition') {
      const p = cfg.d_vocab_out; // "a b =", = being token p, as the grokking widget asks
      return { tokens: Int32Array.from([12 % p, 30 % p, p]), text: '1 sequence: a b = (3 tokens)' };
    }
    const half = Math.floor(cfg.n_ctx / 2); // a random half repeated, as the attention widget starts
    const tokens = new Int32Array(2 * half);
    for (let i = 0; i < half; i++) tokens[i] = tokens[i + half] = Math.floor(next() * cfg.d_vocab);
    return { tokens, text: `1 sequence of ${tokens.length} tokens (n_ctx)` };
  }
  const width = kind === 'toy' ? file.tensors.W.shape[1] : file.tensors.W_enc.shape[0];
  const x = new Float32Array(BATCH * width);
  for (let i = 0; i < x.length; i++) {
    x[i] = kind === 'toy' ? (next() < 0.1 ? next() : 0) : 2 * next() - 1; // sparse features; dense activations
  }
  return { x, rows: BATCH, text: `batch ${BATCH} x ${width}` };
}

// ---- the same forward passes in TensorFlow.js ----

/** Builds a function computing the model's output in the current backend; weights are uploaded once. */
function tfModel(kind, file, input) {
  const w = {};
  for (const [name, t] of Object.entries(file.tensors)) w[name] = tf.tensor(t.data, t.shape, 'float32');
  const keep = Object.values(w);
  if (kind === 'toy') {
    const x = tf.tensor(input.x, [input.rows, input.x.length / input.rows]);
    keep.push(x);
    const relu = file.meta.output !== 'linear';
    return {
      run: () => tf.tidy(() => { // ReLU(x W^T W + b)
        const out = tf.add(tf.matMul(tf.matMul(x, w.W, false, true), w.W), w.b_final);
        return relu ? tf.relu(out) : out;
      }),
      dispose: () => keep.forEach(t => t.dispose()),
    };
  }
  if (kind === 'sae') {
    const x = tf.tensor(input.x, [input.rows, input.x.length / input.rows]);
    keep.push(x);
    return {
      run: () => tf.tidy(() => { // f = ReLU((x - b_dec) W_enc + b_enc); x_hat = f W_dec + b_dec
        const f = tf.relu(tf.add(tf.matMul(tf.sub(x, w.b_dec), w.W_enc), w.b_enc));
        return tf.add(tf.matMul(f, w.W_dec), w.b_dec);
      }),
      dispose: () => keep.forEach(t => t.dispose()),
    };
  }
  // a TransformerLens HookedTransformer without LayerNorm, as widgets/.../model/HookedTransformer computes it
  const cfg = JSON.parse(file.meta.config);
  if (!cfg.attn_only && cfg.act_fn !== 'relu') throw new Error('act_fn ' + cfg.act_fn + ' is not written here');
  const pos = input.tokens.length;
  const ids = tf.tensor1d(input.tokens, 'int32');
  const posEmbed = tf.slice(w['pos_embed.W_pos'], [0, 0], [pos, cfg.d_model]);
  const causal = tf.tidy(() => tf.tile(tf.expandDims(
      tf.cast(tf.linalg.bandPart(tf.ones([pos, pos]), -1, 0), 'bool'), 0), [cfg.n_heads, 1, 1]));
  const ignore = tf.fill([cfg.n_heads, pos, pos], -Infinity); // TransformerLens's IGNORE above the diagonal
  keep.push(ids, posEmbed, causal, ignore);
  const scale = Math.sqrt(cfg.d_head);
  return {
    run: () => tf.tidy(() => {
      let resid = tf.add(tf.gather(w['embed.W_E'], ids), posEmbed);                   // [pos, d_model]
      for (let l = 0; l < cfg.n_layers; l++) {
        const a = `blocks.${l}.attn.`;
        const x = tf.tile(tf.expandDims(resid, 0), [cfg.n_heads, 1, 1]);              // [h, pos, d_model]
        const project = (W, b) => tf.add(tf.matMul(x, w[a + W]), tf.expandDims(w[a + b], 1)); // [h, pos, d_head]
        const q = project('W_Q', 'b_Q');
        const k = project('W_K', 'b_K');
        const v = project('W_V', 'b_V');
        const scores = tf.where(causal, tf.div(tf.matMul(q, k, false, true), scale), ignore); // [h, q, k]
        const z = tf.matMul(tf.softmax(scores), v);                                    // [h, pos, d_head]
        resid = tf.add(resid, tf.add(tf.sum(tf.matMul(z, w[a + 'W_O']), 0), w[a + 'b_O']));
        if (!cfg.attn_only) {
          const m = `blocks.${l}.mlp.`;
          const post = tf.relu(tf.add(tf.matMul(resid, w[m + 'W_in']), w[m + 'b_in']));  // [pos, d_mlp]
          resid = tf.add(resid, tf.add(tf.matMul(post, w[m + 'W_out']), w[m + 'b_out']));
        }
      }
      return tf.add(tf.matMul(resid, w['unembed.W_U']), w['unembed.b_U']);            // [pos, d_vocab_out]
    }),
    dispose: () => keep.forEach(t => t.dispose()),
  };
}

// ---- timing ----

/** Repetitions per sample so that one sample takes >= 10 ms (Chromium's timer has 0.1 ms steps); warms up. */
function calibrate(timeReps) {
  let reps = 1;
  let spent = 0;
  const start = performance.now();
  while (performance.now() - start < 150 || spent < 10) { // warm-up, doubling until a sample is long enough
    spent = timeReps(reps) * reps;
    if (spent < 10) reps *= 2;
  }
  return reps;
}

function quantile(sorted, q) { // nearest rank
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), n: samples.length };
}

function maxAbs(values) {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}

async function benchModel(spec, config, backends) {
  const response = await fetch(spec.url);
  if (!response.ok) throw new Error(`HTTP ${response.status} fetching ${spec.url}`);
  const buffer = await response.arrayBuffer();
  const file = parseSafetensors(buffer);
  const kind = kindOf(file);
  const input = inputFor(kind, file);
  java.load(spec.id, kind, buffer);
  if (kind === 'transformer') java.tokens(spec.id, input.tokens); else java.inputs(spec.id, input.x, input.rows);
  const timeJava = reps => {
    const t0 = performance.now();
    java.run(spec.id, reps);
    return (performance.now() - t0) / reps;
  };
  java.run(spec.id, 1);
  const javaOut = java.output(spec.id);
  const out = { id: spec.id, kind, input: input.text, outputs: javaOut.length, maxOutput: maxAbs(javaOut),
      java: null, peers: [] };
  const javaSamples = [];
  const javaReps = calibrate(timeJava);
  if (backends.length === 0) {
    for (let s = 0; s < config.samples; s++) {
      javaSamples.push(timeJava(javaReps));
      await tick();
    }
  }
  for (const backend of backends) {
    await tf.setBackend(backend);
    await tf.ready();
    const model = tfModel(kind, file, input);
    const peerOut = model.run();
    const values = peerOut.dataSync();
    peerOut.dispose();
    let diff = values.length === javaOut.length ? 0 : Infinity;
    for (let i = 0; i < values.length && i < javaOut.length; i++) diff = Math.max(diff, Math.abs(values[i] - javaOut[i]));
    const timePeer = reps => {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) {
        const y = model.run();
        y.dataSync(); // the widget needs the numbers, so reading them back is part of the pass
        y.dispose();
      }
      return (performance.now() - t0) / reps;
    };
    const peerReps = calibrate(timePeer);
    const mine = [];
    const theirs = [];
    for (let s = 0; s < config.samples; s++) { // interleaved, so both see the same machine load
      mine.push(timeJava(javaReps));
      theirs.push(timePeer(peerReps));
      await tick();
    }
    model.dispose();
    javaSamples.push(...mine);
    const peer = stats(theirs);
    out.peers.push({ runtime: 'tfjs-' + backend, ...peer, reps: peerReps, javaP50: stats(mine).p50,
        ratio: stats(mine).p50 / peer.p50, maxDiff: diff });
  }
  out.java = { ...stats(javaSamples), reps: javaReps };
  out.kernel = java.kernel(true);
  if (out.kernel === 'wasm-simd') { // the same Java code with its matrix products in the Java loops alone
    java.kernel(false);
    java.run(spec.id, 1);
    const loopsOut = java.output(spec.id);
    let diff = loopsOut.length === javaOut.length ? 0 : Infinity;
    for (let i = 0; i < loopsOut.length && i < javaOut.length; i++) diff = Math.max(diff, Math.abs(loopsOut[i] - javaOut[i]));
    const loopsReps = calibrate(timeJava);
    const mine = [];
    const loops = [];
    for (let s = 0; s < config.samples; s++) { // interleaved, each with its own kernel
      java.kernel(false);
      loops.push(timeJava(loopsReps));
      java.kernel(true);
      mine.push(timeJava(javaReps));
      await tick();
    }
    java.kernel(true);
    out.loops = { ...stats(loops), reps: loopsReps, javaP50: stats(mine).p50, ratio: stats(mine).p50 / stats(loops).p50,
        maxDiff: diff };
  }
  return out;
}

function fmt(v, digits = 3) {
  if (v === null || v === undefined) return '';
  if (!Number.isFinite(v)) return String(v);
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(Math.max(0, digits - 1)) : v.toPrecision(digits);
}

function render() {
  const body = document.querySelector('#results tbody');
  for (const m of result.models) {
    const rows = [['TeaVM (widgets)', m.java.p50, m.java.p95, '', '', m.maxOutput]];
    for (const p of m.peers) rows.push([`TF.js ${result.peer.version} ${p.runtime.slice(5)}`, p.p50, p.p95, p.ratio, p.maxDiff, '']);
    if (m.loops) rows.push(['TeaVM, Java loops only', m.loops.p50, m.loops.p95, m.loops.ratio, m.loops.maxDiff, '']);
    rows.forEach((r, i) => {
      const tr = document.createElement('tr');
      const cells = [i === 0 ? m.id : '', i === 0 ? m.input : '', r[0], fmt(r[1]), fmt(r[2]),
          r[3] === '' ? '' : fmt(r[3], 2) + 'x', r[4] === '' ? '' : r[4].toExponential(1), r[5] === '' ? '' : fmt(r[5])];
      cells.forEach((c, j) => {
        const td = document.createElement('td');
        td.textContent = c;
        if (j === 6 && r[4] !== '' && !(r[4] <= 1e-4 * Math.max(1, m.maxOutput))) td.className = 'bad';
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }
  document.getElementById('results').hidden = false;
}

async function main() {
  const config = await (await fetch('models.json')).json();
  let backends = [];
  if (config.peer) {
    await loadScript('tfjs/tf-core.min.js');
    await loadScript('tfjs/tf-backend-cpu.min.js');
    await loadScript('tfjs/tf-backend-wasm.min.js');
    tf.wasm.setWasmPaths(new URL('tfjs/', location.href).href);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // one thread, as the widgets run
    backends = ['cpu', 'wasm'];
    result.peer = { name: 'TensorFlow.js', version: tf.version_core, backends };
  }
  for (const spec of config.models) {
    status(`running ${spec.id}…`);
    result.models.push(await benchModel(spec, config, backends));
  }
  render();
  status(`done: ${result.models.length} models, ${config.samples} samples each` +
      (config.peer ? '' : ' (no peer runtime: run bench/run to install it)'));
}

main().catch(e => {
  result.error = String(e && e.stack ? e.stack : e);
  status('failed: ' + result.error);
  console.error(e);
}).finally(() => { result.done = true; });
