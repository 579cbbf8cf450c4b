// The model-size benchmark page (sizes.html), driven step by step by ImportedSizesBenchmark through
// window.__sizes, one weights file per browser. Each step returns a promise of plain numbers:
//   load({url, integrity})   fetches the file as the widgets do (Dom.fetchBytes: fetch with Subresource Integrity,
//                            then arrayBuffer) and parses it into a HookedTransformer as they do (ForwardBenchmark.load:
//                            SafeTensors.fromBytes on a copy of the bytes, then HookedTransformer.fromWeights);
//                            returns {fetchMs, loadMs, bytes}. A second load first forgets the first model.
//   fetchOnly({url, integrity}) the fetch alone, its bytes dropped; returns {fetchMs, bytes}.
//   forward({tokens, samples, budgetMs, warmup, logits})
//                            sets the token sequence and times the forward pass on it: a sample is one pass, or
//                            several when one pass is under 10 ms (Chromium's timer has 0.1 ms steps); at most
//                            `samples`, fewer once the next would go past budgetMs (at least one). warmup: one
//                            untimed pass first. Returns {samples (ms per pass), reps, maxAbs, finite, logits?}.
import * as java from './forward-benchmark.js';

const ID = 'model';
const status = text => { document.getElementById('status').textContent = text; };
const tick = () => new Promise(resolve => setTimeout(resolve, 0));
let loaded = false;

async function load(spec) {
  if (loaded) {
    java.unload(ID);
    loaded = false;
    await tick();
  }
  status('fetching ' + spec.url);
  const t0 = performance.now();
  const response = await fetch(spec.url, spec.integrity ? { integrity: spec.integrity } : {});
  if (!response.ok) throw new Error('HTTP ' + response.status + ' fetching ' + spec.url);
  const buffer = await response.arrayBuffer();
  const t1 = performance.now();
  status('parsing ' + spec.url);
  java.load(ID, 'transformer', buffer);
  const t2 = performance.now();
  loaded = true;
  status('loaded ' + spec.url);
  return { fetchMs: t1 - t0, loadMs: t2 - t1, bytes: buffer.byteLength };
}

// the fetch alone, its bytes dropped: with integrity "" it shows what the browser's integrity check costs
async function fetchOnly(spec) {
  const t0 = performance.now();
  const response = await fetch(spec.url, spec.integrity ? { integrity: spec.integrity } : {});
  if (!response.ok) throw new Error('HTTP ' + response.status + ' fetching ' + spec.url);
  const bytes = (await response.arrayBuffer()).byteLength;
  return { fetchMs: performance.now() - t0, bytes };
}

async function forward(spec) {
  status(`forward pass on ${spec.tokens.length} tokens`);
  java.tokens(ID, Int32Array.from(spec.tokens));
  const time = reps => {
    const t0 = performance.now();
    java.run(ID, reps);
    return (performance.now() - t0) / reps;
  };
  if (spec.warmup) time(1);
  const samples = [];
  let reps = 1;
  let start = performance.now();
  const first = time(1);
  if (first < 10) { // too short for the timer: repeat within a sample, after a further 200 ms of warm-up
    reps = Math.ceil(10 / Math.max(first, 0.05));
    const until = performance.now() + 200;
    while (performance.now() < until) time(reps);
    start = performance.now();
  } else {
    samples.push(first);
  }
  while (samples.length < spec.samples) {
    const last = samples.length ? samples[samples.length - 1] * reps : 0;
    if (samples.length > 0 && performance.now() - start + last > spec.budgetMs) break;
    samples.push(time(reps));
    await tick();
  }
  const out = java.output(ID);
  let maxAbs = 0;
  let finite = true;
  for (const v of out) {
    if (!Number.isFinite(v)) finite = false;
    else if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  status(`done: forward pass on ${spec.tokens.length} tokens`);
  const result = { samples, reps, maxAbs, finite, outputs: out.length };
  if (spec.logits) result.logits = Array.from(out);
  return result;
}

window.__sizes = { load, fetchOnly, forward };
status('ready');
