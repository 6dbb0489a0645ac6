// Saved tensors: what a node keeps of its inputs or outputs for its backward formula,
// with the version check that catches an in-place change made after saving.

import { Tensor } from '../tensor/tensor.js';
import { RuntimeError } from '../tensor/shape.js';
import { keep } from '../tensor/scope.js';
import { gradAccumulator } from './node.js';

export class SavedTensor {
  readonly tensor: Tensor;
  readonly version: number;
  /** The saved input itself: PyTorch's error names its grad_fn as it is when unpacking. */
  private readonly original: { deref(): Tensor | undefined } | null;
  constructor(t: Tensor, readonly isOutput: boolean, readonly nodeName: string) {
    this.version = t._s.version;
    // without WeakRef (older Cloudflare Workers) the reference is strong
    this.original = isOutput ? null : typeof WeakRef === 'function' ? new WeakRef(t) : { deref: () => t };
    this.tensor = keep(new Tensor(t._s, t.dtype, t._shape, t._strides, t._offset));
    this.tensor._requiresGrad = t._requiresGrad;
    if (!isOutput) {
      this.tensor._gradFn = t._gradFn;
      this.tensor._outputNr = t._outputNr;
      if (t._requiresGrad && t._gradFn === null) this.tensor._gradAccumulator = gradAccumulator(t);
    }
  }
  unpack(): Tensor {
    const t = this.tensor;
    if (t._s.version !== this.version) {
      const desc = `[torch.${t.dtype.scalarName}Tensor [${t._shape.join(', ')}]]`;
      const orig = this.original?.deref();
      const which = this.isOutput
        ? `, which is output ${t._outputNr} of ${this.nodeName},`
        : orig?._gradFn
          ? `, which is output ${orig._outputNr} of ${orig._gradFn.name},`
          : '';
      throw new RuntimeError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: ${desc}${which} is at version ${t._s.version}; expected version ${this.version} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
      );
    }
    return t;
  }
  release(): void {
    this.tensor.dispose();
  }
  /** A saved output takes its output's graph position once record() has set it. */
  link(output: Tensor): void {
    // weak: the node owns this saved output, so counting it as a use would keep the node alive forever
    this.tensor._weakFn = output._gradFn;
    this.tensor._outputNr = output._outputNr;
    this.tensor._requiresGrad = output._requiresGrad;
  }
}
