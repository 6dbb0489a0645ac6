// Ops shared by several areas: Python indexing (getitem / setitem), spelled with the
// runtime's x.index(...) and x.indexPut_([...], value).

/** Fixture index spec -> x.index() items: {slice: [start, stop, step]} becomes torch.slice. */
export function indexItems(torch, spec) {
  return spec.map((it) => (it !== null && typeof it === 'object' && !(it instanceof torch.Tensor) && 'slice' in it ? torch.slice(...it.slice) : it));
}

export const ops = {
  getitem: (torch, args) => args[0].index(...indexItems(torch, args[1])),
  // the fixtures record y = x.clone(); y[idx] = v
  setitem: (torch, args) => {
    const y = args[0].clone();
    y.indexPut_(indexItems(torch, args[1]), args[2]);
    return y;
  },
};
