// creation.json cases whose Python input has no JS literal: numpy arrays become typed arrays.
export const cases = {
  cr_from_numpy_f64: (torch, c, h) => h.compare(torch, torch.fromArray(new Float64Array([1.5, 2.5])), c.out, c.rtol, c.atol) ?? true,
  cr_from_numpy_f32: (torch, c, h) => h.compare(torch, torch.fromArray(new Float32Array([1.5, 2.5])), c.out, c.rtol, c.atol) ?? true,
};
