// The gradients of batch, layer and group norm written in differentiable ops. The
// native backward kernels are not differentiable; when a backward pass is itself
// recorded (createGraph), the norm ops use these instead, so second and higher
// derivatives come from the formulas of the ops below.

import type { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../autograd/grad_mode.js';

/** How a norm sees its input: statistics over `reduce` of x viewed as `view`. */
export interface NormView {
  view: number[];
  reduce: number[];
  /** weight (and bias) broadcast to the view */
  weightView: number[];
  /** dims summed for the weight and bias gradients */
  weightSum: number[];
  weightShape: readonly number[];
}

/**
 * [gx, gw, gb] of y = (x - mean) * rstd * w + b. With `statsConst` (batch norm in eval)
 * mean and rstd are constants; otherwise they are recomputed from x so that their
 * dependence on x is recorded (eps recovered from the saved rstd).
 */
export function normGradsComposite(
  g: Tensor, x: Tensor, w: Tensor | null, mean: Tensor, rstd: Tensor, v: NormView, statsConst: boolean, mask: boolean[],
): (Tensor | null)[] {
  const keptShape = v.view.map((n, i) => (v.reduce.includes(i) ? 1 : n));
  const xr = x.reshape(v.view);
  const gr = g.reshape(v.view);
  let m: Tensor;
  let r: Tensor;
  if (statsConst) {
    m = mean.detach().reshape(keptShape);
    r = rstd.detach().reshape(keptShape);
  } else {
    m = xr.mean(v.reduce, true);
    const variance = xr.sub(m).pow(2).mean(v.reduce, true);
    const eps = noGrad(() => rstd.reshape(keptShape).pow(-2).sub(variance));
    r = variance.add(eps).rsqrt();
  }
  const xhat = xr.sub(m).mul(r);
  const gxhat = w === null ? gr : gr.mul(w.reshape(v.weightView));
  let gx: Tensor | null = null;
  if (mask[0]) {
    const centred = statsConst ? gxhat : gxhat.sub(gxhat.mean(v.reduce, true)).sub(xhat.mul(gxhat.mul(xhat).mean(v.reduce, true)));
    gx = centred.mul(r).reshape(x.shape);
  }
  const gw = mask[1] ? gr.mul(xhat).sum(v.weightSum).reshape(v.weightShape) : null;
  const gb = mask[2] ? gr.sum(v.weightSum).reshape(v.weightShape) : null;
  return [gx, gw, gb];
}
