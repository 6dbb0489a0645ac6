// The seed notebook's behaviour records.

export const ops = {
  requires_grad_propagation(torch, args, kwargs, c) {
    // "x=torch.randn(5,5); y=torch.randn(5,5); (x+y).requires_grad" and the like: the
    // fixture gives x, y (and which one requires grad through `code`).
    const [x, y] = args;
    if (/z=torch\.randn\(5,5,requires_grad=True\)/.test(c.code)) x.requiresGrad_(true);
    return x.add(y).requiresGrad;
  },
  from_numpy_shares_memory(torch) {
    const t = torch.tensor([1, 2, 3]);
    const before = t.clone();
    const a = t.asTypedArray();
    t.set(0, 100);
    return { tensor_before: before, dtype: t.dtype, tensor_after: t, array_after: Array.from(a, Number) };
  },
  'torch.is_storage'(torch, args, kwargs, c) {
    const t = args[0];
    return torch.isStorage(/storage\(\)/.test(c.code) ? t.storage() : t);
  },
  'torch.is_tensor'(torch, args) {
    return args.length ? torch.isTensor(args[0]) : torch.isTensor([1, 2]);
  },
};
