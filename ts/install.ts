// The one place where a lower layer receives functions of a higher one. Both entry
// points (index.ts, manual.ts) import this module before anything runs.
//
// autograd/ sits below ops/ (every op records into its graph), yet backward needs a
// few ops: adding gradients (recorded under createGraph), summing a broadcast gradient
// back to its input's shape, and casting it to its input's dtype.

import type { Tensor } from './tensor/tensor.js';
import { installGraphOps } from './autograd/graph_ops.js';
import { add } from './ops/pointwise/arith.js';
import { binary } from './ops/elementwise.js';
import { BIN } from './kernels/codes.js';
import { sumToShape } from './ops/reduce/reduce.js';
import { toDtype } from './ops/creation/copy.js';
import { installDevtoolsFormatter } from './tensor/devtools.js';

installGraphOps({
  add: (a: Tensor, b: Tensor) => add(a, b),
  addInPlace: (a: Tensor, b: Tensor) => {
    binary('add', BIN.ADD, a, b, a);
    a._s.version++;
  },
  sumToShape,
  cast: (g, dtype) => (g.dtype === dtype ? g : toDtype(g, { dtype })),
});

// console.log(t) in browser devtools prints PyTorch's str() (tensor/devtools.ts)
installDevtoolsFormatter();
