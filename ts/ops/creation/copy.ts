// Copies and conversions: clone, contiguous, to/type conversions, copy_, fill_, zero_, detach.

import { Tensor, Scalar } from '../../tensor/tensor.js';
import { DType, toDType, float32, float64, int64, int32, int16, int8, uint8, bool, float16, bfloat16 } from '../../tensor/dtype.js';
import { RuntimeError, broadcastShapes, shapeEquals } from '../../tensor/shape.js';

import { defineOp } from '../registry.js';
import { functional, method } from '../composite.js';
import { contiguousCopy, copyInto } from '../../tensor/copy.js';
import { fill } from '../../kernels/memory.js';
import type { OpMethod, OpAny } from '../types.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    to: OpMethod; type: OpAny; typeAs: OpMethod;
    float: OpMethod; double: OpMethod; long: OpMethod; int: OpMethod; short: OpMethod; char: OpMethod;
    byte: OpMethod; bool: OpMethod; half: OpMethod; bfloat16: OpMethod;
    detach: OpMethod; detach_: OpMethod;
    requiresGrad_: OpMethod; cpu: OpMethod; numpy: OpAny;
    readonly data: Tensor;
  }
}

/** A copy with its own storage; the gradient flows back unchanged. */
export const clone = defineOp({
  name: 'clone',
  sig: 'Tensor self, *, MemoryFormat? memory_format=None',
  forward: (self: Tensor) => contiguousCopy(self),
  grad: { self: (g) => g },
});

/** self when already contiguous, else a contiguous copy. */
export const contiguous = defineOp({
  name: 'contiguous',
  sig: 'Tensor self, *, MemoryFormat memory_format=contiguous_format',
  fn: false,
  forward: (self: Tensor) => (self.isContiguous() ? self : clone(self)),
});

/** Converts to `dtype` (a no-op returning self when it already matches, unless copy). */
export const toDtype = defineOp({
  name: '_to_copy',
  sig: 'Tensor self, *, ScalarType? dtype=None',
  method: false,
  fn: false,
  nodeName: 'ToCopyBackward0',
  save: [],
  forward: (self: Tensor, dtype: DType | null) => contiguousCopy(self, dtype ?? self.dtype),
  grad: { self: (g, c) => g.to(c.meta.self.dtype) },
});

/**
 * x.to(dtype), x.to(otherTensor), x.to('cpu'), x.to({dtype, copy}).
 * Returns self when nothing changes (PyTorch's semantics), else a converted copy.
 */
function to(this: Tensor, ...args: unknown[]): Tensor {
  this._check('to');
  let dtype: DType | null = null;
  let copy = false;
  for (const a of args) {
    if (a instanceof Tensor) dtype = a.dtype;
    else if (a instanceof DType) dtype = a;
    else if (typeof a === 'string' && a !== 'cpu') dtype = toDType(a, 'to');
    else if (a !== null && typeof a === 'object') {
      const o = a as { dtype?: unknown; copy?: boolean };
      if (o.dtype !== undefined) dtype = toDType(o.dtype, 'to');
      if (o.copy) copy = true;
    }
  }
  if ((dtype === null || dtype === this.dtype) && !copy) return this;
  return toDtype(this, { dtype: dtype ?? this.dtype });
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
proto.to = to;
const conversions: [string, DType][] = [
  ['float', float32], ['double', float64], ['long', int64], ['int', int32], ['short', int16],
  ['char', int8], ['byte', uint8], ['bool', bool], ['half', float16], ['bfloat16', bfloat16],
];
for (const [name, dt] of conversions) {
  proto[name] = function (this: Tensor) {
    return to.call(this, dt);
  };
}
proto.typeAs = method('type_as', 'Tensor other', (self: Tensor, other: Tensor) => to.call(self, other.dtype));
/** x.type() gives PyTorch's type string; x.type(dtype) converts. */
proto.type = function (this: Tensor, dtype?: unknown) {
  if (dtype === undefined) return `torch.${this.dtype.scalarName}Tensor`;
  return to.call(this, dtype);
};
proto.cpu = function (this: Tensor) {
  return this._check('cpu');
};

/** self[...] = src (broadcast, cast). */
export const copy_ = defineOp({
  name: 'copy',
  sig: 'Tensor self, Tensor src, bool non_blocking=False',
  fn: false,
  method: false,
  inplace: true,
  nodeName: 'CopyBackwards',
  forward: () => {
    throw new Error('copy is in-place only');
  },
  into: (out: Tensor, _self: Tensor, src: Tensor) => {
    broadcastTo(src, out._shape);
    copyInto(out, src);
  },
  grad: {
    self: (g) => g.mul(0),
    src: (g, c) => g,
  },
});

function broadcastTo(src: Tensor, shape: readonly number[]): void {
  const b = broadcastShapes(shape, src._shape);
  if (!shapeEquals(b, shape)) {
    throw new RuntimeError(
      `The expanded size of the tensor (${shape[shape.length - 1]}) must match the existing size (${src._shape[src.ndim - 1]}) at non-singleton dimension ${shape.length - 1}.  Target sizes: [${shape.join(', ')}].  Tensor sizes: [${src._shape.join(', ')}]`,
    );
  }
}

/** Fills with a scalar (or a 0-d tensor's value). */
export const fill_ = defineOp({
  name: 'fill',
  sig: 'Tensor self, Tensor|Scalar value',
  inplace: true,
  method: false,
  forward: (self: Tensor, value: Tensor | Scalar) => {
    const r = contiguousCopy(self);
    fillValue(r, value);
    return r;
  },
  into: (out: Tensor, _self: Tensor, value: Tensor | Scalar) => fillValue(out, value),
  grad: { self: (g) => g.mul(0) },
});

function fillValue(t: Tensor, value: Tensor | Scalar): void {
  if (value instanceof Tensor) {
    if (value.ndim !== 0) {
      throw new RuntimeError(`fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
    }
    copyInto(t, value);
  } else {
    fill(t, value);
  }
}

export const zero_ = defineOp({
  name: 'zero',
  sig: 'Tensor self',
  inplace: true,
  method: false,
  fn: false,
  forward: (self: Tensor) => {
    const r = contiguousCopy(self);
    fill(r, 0);
    return r;
  },
  into: (out: Tensor) => fill(out, 0),
  grad: { self: (g) => g.mul(0) },
});

/** A new tensor sharing storage, cut from the graph. */
export const detach = functional<(t: Tensor) => Tensor>('detach', 'Tensor input', (t: Tensor) => t._view(t._shape, t._strides, t._offset));
proto.detach = function (this: Tensor) {
  return detach(this); // bound by functional(): the same checks
};
proto.detach_ = function (this: Tensor) {
  this._check('detach_');
  this._gradFn = null;
  this._requiresGrad = false;
  return this;
};
Object.defineProperty(proto, 'data', {
  get(this: Tensor) {
    return detach(this);
  },
  set(this: Tensor, v: Tensor) {
    copyInto(this, v);
  },
});
proto.requiresGrad_ = function (this: Tensor, requiresGrad = true) {
  this._check('requires_grad_');
  this.requiresGrad = requiresGrad;
  return this;
};
