// In-place ops on views. When an in-place op writes through a view, the base's
// gradient must see it: the base's grad_fn becomes CopySlices (which routes the
// region's gradient through the in-place op's node) and the view's becomes
// AsStridedBackward0 over the base's new node, as in PyTorch.

import { Tensor } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import { Node, Edge, edgeOf } from './node.js';
import { copyInto } from '../tensor/copy.js';
import { fill } from '../kernels/memory.js';

interface Geometry {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

/** A zero tensor laid out like `base` (same strides and storage offset). */
function likeBase(base: Geometry, dtype: Tensor['dtype'], nbytes: number): Tensor {
  const t = new Tensor(new Storage(nbytes), dtype, base.shape, base.strides, base.offset);
  fill(t, 0);
  return t;
}

function region(t: Tensor, view: Geometry): Tensor {
  return t._view(view.shape, view.strides, view.offset);
}

/** The gradient of the base after an in-place op wrote through one of its views. */
class CopySlices extends Node {
  constructor(
    next: (Edge | null)[],
    private readonly base: Geometry & { nbytes: number; dtype: Tensor['dtype'] },
    private readonly view: Geometry,
    private fn: Node | null,
  ) {
    super('CopySlices', next);
    fn?.use(); // this node applies fn: it must keep fn's saved tensors
  }
  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    const g = grads[0]!;
    const result = likeBase(this.base, g.dtype, this.base.nbytes);
    copyInto(result, g);
    const slice = region(result, this.view);
    const res = this.fn!.apply([slice.clone()]);
    if (res[0]) copyInto(slice, res[0]);
    else fill(slice, 0);
    slice.dispose();
    return [result, ...res.slice(1)];
  }
  override release(): void {
    this.fn?.release();
  }
  override drop(): void {
    const last = this.uses === 1;
    super.drop();
    if (last) {
      this.fn?.drop();
      this.fn = null;
    }
  }
}

/** The view's gradient after the rebase: its region of the base's gradient. */
class AsStridedBackward extends Node {
  constructor(
    next: (Edge | null)[],
    private readonly base: Geometry & { nbytes: number },
    private readonly view: Geometry,
  ) {
    super('AsStridedBackward0', next);
  }
  apply(grads: (Tensor | null)[]): (Tensor | null)[] {
    const g = grads[0]!;
    const result = likeBase(this.base, g.dtype, this.base.nbytes);
    const r = region(result, this.view);
    copyInto(r, g);
    r.dispose();
    return [result];
  }
}

/**
 * Called after an in-place op recorded node N as `view`'s grad_fn, where N's first
 * edge is the view's old gradient edge.
 */
export function rebaseView(view: Tensor): void {
  const base = view._base!;
  const fn = view._gradFn!;
  const baseEdge = edgeOf(base);
  const geomBase = {
    shape: base._shape, strides: base._strides, offset: base._offset, nbytes: base._s.nbytes, dtype: base.dtype,
  };
  const geomView = { shape: view._shape, strides: view._strides, offset: view._offset };
  const copySlices = new CopySlices([baseEdge, ...fn.next.slice(1)], geomBase, geomView, fn);
  base._gradFn = copySlices;
  base._outputNr = 0;
  base._requiresGrad = true;
  view._gradFn = new AsStridedBackward([{ node: copySlices, inputNr: 0 }], geomBase, geomView);
  view._outputNr = 0;
}
