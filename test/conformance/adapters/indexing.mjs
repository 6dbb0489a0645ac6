// Indexing cases whose comparison differs from the generic one.

/** Sorted "value@index" strings of a (values, indices) pair, for order-free comparison. */
function pairs(values, indices) {
  const v = values.flat ? values.flat(Infinity) : values;
  const i = indices.flat ? indices.flat(Infinity) : indices;
  return v.map((x, k) => `${x}@${i[k]}`).sort();
}

export const cases = {
  // sorted=False leaves the order to the implementation: compare the (value, index) pairs as a set
  ix_topk_unsorted: (torch, c, h) => {
    const { args, kwargs } = h.prepareInputs(torch, c);
    const [values, indices] = torch.topk(...args, kwargs);
    const got = pairs(values.tolist(), indices.tolist());
    const want = pairs(c.out[0].data.map(h.decode.bind(null, torch)), c.out[1].data);
    if (values.dtype.name !== c.out[0].dtype || indices.dtype.name !== c.out[1].dtype) return 'dtype mismatch';
    return JSON.stringify(got) === JSON.stringify(want) ? true : `pairs ${got}, expected ${want}`;
  },
};
