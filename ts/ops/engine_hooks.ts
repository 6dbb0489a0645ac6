// Wires the ops the autograd engine needs (it cannot import ops: they import it).
import { engineOps } from '../autograd/engine.js';
import { Tensor } from '../tensor/tensor.js';
import { add } from './arith.js';
import { onesLike } from './creation.js';
import { contiguousCopy } from './kernels.js';
import { binary } from './elementwise.js';
import { BIN } from './codes.js';

engineOps.add = (a: Tensor, b: Tensor) => add(a, b);
engineOps.addInPlace = (a: Tensor, b: Tensor) => {
  binary('add', BIN.ADD, a, b, a);
  a._s.version++;
};
engineOps.onesLike = (t: Tensor) => onesLike(t);
engineOps.clone = (t: Tensor) => contiguousCopy(t);

