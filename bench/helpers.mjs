// What the workload files share: reproducible input values, and the impl makers for
// our runtime's tensors, the tfjs backends and onnxruntime-web; and how a threaded row's
// speedup is worded (run.mjs's table and markdown.mjs).

/** Reproducible uniform values in [-1, 1) (bench/torch_models.py values() is the same). */
export function values(n, seed = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export const prod = (shape) => shape.reduce((a, b) => a * b, 1);

/** Our tensor of `shape` with values(seed). */
export const ours = (torch, shape, seed = 1) => torch.fromArray(values(prod(shape), seed), shape);

/** A tfjs impl on backend `name` ('wasm' | 'cpu'): setup(tf, tfl) returns run
 * (tfl: @tensorflow/tfjs-layers, or null when it is not installed). */
export const tfImpl = (ctx, name, setup) => async () => {
  await ctx.tfjs.use(name);
  const run = await setup(ctx.tfjs.tf, ctx.tfjs.layers);
  return { before: () => ctx.tfjs.use(name), run };
};
export const tfBoth = (ctx, setup) => ({ 'tfjs-wasm': tfImpl(ctx, 'wasm', setup), 'tfjs-cpu': tfImpl(ctx, 'cpu', setup) });

/** tfjs-layers, or an 'n/a' error for the row when the package is missing. */
export function needLayers(tfl) {
  if (!tfl) throw new Error('n/a: @tensorflow/tfjs-layers is not installed (npm install)');
  return tfl;
}

/** An onnxruntime-web session of `model`, or an 'n/a' error naming the missing file. */
export async function ortSession(ctx, model) {
  const s = await ctx.ort.session(model);
  if (!s) throw new Error(`n/a: model ${model} not found (bench/export_onnx.py writes the bench/models/ ones)`);
  return s;
}

/** An onnxruntime-web impl of `model` with inputs {name: [shape, seed]}. */
export const ortImpl = (ctx, model, inputs) => async () => {
  const s = await ortSession(ctx, model);
  const feeds = {};
  for (const [name, [shape, seed]] of Object.entries(inputs)) feeds[name] = new ctx.ort.ort.Tensor('float32', values(prod(shape), seed), shape);
  return { run: () => s.run(feeds) };
};

/** Largest |a[i] - b[i]|. */
export function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** "max |diff| 1.2e-6 (within 1e-4)" for a row's note. */
export const within = (err, tol) => `max |diff| ${err.toExponential(1)} (${err <= tol ? 'within' : 'NOT within'} ${tol})`;

/** The first function among candidates (names under torch.nn.functional or torch). */
export function pick(torch, ...names) {
  for (const n of names) {
    const f = torch.nn?.functional?.[n] ?? torch[n];
    if (typeof f === 'function') return f;
  }
  return null;
}

/** What a threaded row of results.json says about its speedup over one thread
 * (`fmt(value, unit)` formats a figure). */
export const threadsSaid = (r, fmt) =>
  `ours on ${r.threads} threads: ${r.speedup_vs_1_thread?.toFixed(2) ?? 'n/a'}x our single-thread build measured in the same process and rounds` +
  ` (${fmt(r.one_thread_same_process, r.unit)} ${r.unit}), ${r.speedup_vs_1_thread_row?.toFixed(2) ?? 'n/a'}x the one-thread row`;
