// Loose static types of the methods ops install on Tensor (see ops/registry.ts).
import type { Tensor } from '../tensor/tensor.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpMethod = (...args: any[]) => Tensor;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpFn = (...args: any[]) => Tensor;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpAny = (...args: any[]) => any;
