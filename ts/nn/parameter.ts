// nn.Parameter: a Tensor that a Module registers as a parameter when it is assigned
// to one of its attributes. It shares the storage of the tensor it is made from and
// requires grad by default (PyTorch's torch.nn.Parameter).

import { Tensor } from '../tensor/tensor.js';
import { keep } from '../tensor/scope.js';
import { empty } from '../ops/all.js';

export class Parameter extends Tensor {
  /**
   * @example
   * const w = new nn.Parameter(torch.randn(3, 4));           // requiresGrad: true
   * const frozen = new nn.Parameter(torch.zeros(3), false);
   */
  constructor(data: Tensor | null = null, requiresGrad = true) {
    const src = data ?? (empty(0) as Tensor);
    if (!(src instanceof Tensor)) {
      throw new TypeError(`Parameter(): argument 'data' must be Tensor, not ${typeof src}`);
    }
    src._check('Parameter', 'data');
    super(src._s, src.dtype, src._shape, src._strides, src._offset);
    if (data === null) src.dispose();
    // A module's parameters outlive any tidy() they were made in: they are freed with
    // dispose() or by the garbage collector.
    keep(this);
    this.requiresGrad = requiresGrad;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
  override get [Symbol.toStringTag](): string {
    return 'Parameter';
  }
}

export function isParameter(x: unknown): x is Parameter {
  return x instanceof Parameter;
}
