// The ceiling a WebAssembly kernel can reach here: a register-resident loop of
// independent f32x4 multiply-adds (mul then add, or the relaxed-SIMD fused
// multiply-add where the runtime has it), as ../shared/bench/README.md measures it.

// Independent accumulators: enough to cover the latency, few enough to stay in
// registers (x64 V8: 15 vector registers; measured best: 13 for mul+add, 12 for FMA).
const chainsFor = (relaxed) => (relaxed ? 12 : 13);

function wat(relaxed) {
  const CHAINS = chainsFor(relaxed);
  const locals = Array.from({ length: CHAINS }, (_, i) => `(local $a${i} v128)`).join(' ');
  const step = Array.from({ length: CHAINS }, (_, i) =>
    relaxed
      ? `(local.set $a${i} (f32x4.relaxed_madd (local.get $a${i}) (local.get $b) (local.get $c)))`
      : `(local.set $a${i} (f32x4.add (f32x4.mul (local.get $a${i}) (local.get $b)) (local.get $c)))`,
  ).join('\n');
  const sum = Array.from({ length: CHAINS - 1 }, () => '(f32x4.add').join(' ') + ' (local.get $a0)' +
    Array.from({ length: CHAINS - 1 }, (_, i) => ` (local.get $a${i + 1}))`).join('');
  return `(module (func (export "run") (param $n i32) (result f32)
    ${locals} (local $b v128) (local $c v128)
    (local.set $b (f32x4.splat (f32.const 0.5))) (local.set $c (f32x4.splat (f32.const 1)))
    (loop $l ${step}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f32x4.extract_lane 0 ${sum})))`;
}

/** { run(iterations), flopsPerIteration, relaxed } with the best variant this runtime
 * validates (the strict one only when `strictOnly`). */
export async function peakKernel(strictOnly = false) {
  const binaryen = (await import('binaryen')).default;
  for (const relaxed of strictOnly ? [false] : [true, false]) {
    const m = binaryen.parseText(wat(relaxed));
    m.setFeatures(binaryen.Features.SIMD128 | (relaxed ? binaryen.Features.RelaxedSIMD : 0));
    const bytes = m.emitBinary();
    m.dispose();
    if (!WebAssembly.validate(bytes)) continue;
    const { instance } = await WebAssembly.instantiate(bytes);
    return { run: instance.exports.run, flopsPerIteration: chainsFor(relaxed) * 8, relaxed };
  }
  throw new Error('n/a: no SIMD128');
}
