// torch.Generator: a handle to PyTorch's CPU generator (MT19937 plus the cached
// normal sample), whose state lives in wasm memory (crate/src/abi/random.rs).
// The default generator serves every random op called without `generator`.

import { heapU8 } from '../wasm/heap.js';
import { Tensor } from '../tensor/tensor.js';
import { uint8 } from '../tensor/dtype.js';
import { RuntimeError } from '../tensor/shape.js';
import { pyTypeName } from '../ops/signature.js';
import { rngNew, rngFree, rngManualSeed, rngInitialSeed, rngGetState, rngSetState } from '../kernels/random.js';

/** The seed of `new torch.Generator()` (c10's default_rng_seed_val). */
const DEFAULT_SEED = 67280421310721n;
const U64 = 1n << 64n;

// Hosts without FinalizationRegistry (older Cloudflare Workers) free generators by dispose() only.
const registry: Pick<FinalizationRegistry<number>, 'register' | 'unregister'> =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<number>((ptr) => rngFree(ptr))
    : { register: () => undefined, unregister: () => false };

/** A seed as PyTorch reads it: any int in [-2^63, 2^64), negatives taken modulo 2^64. */
function toSeed(seed: unknown, op: string): bigint {
  let s: bigint;
  if (typeof seed === 'bigint') s = seed;
  else if (typeof seed === 'number' && Number.isInteger(seed)) s = BigInt(seed);
  else if (typeof seed === 'boolean') s = seed ? 1n : 0n;
  else throw new TypeError(`${op}(): argument 'seed' must be int, not ${pyTypeName(seed)}`);
  if (s < -(1n << 63n) || s >= U64) throw new RuntimeError('Overflow when unpacking long');
  return BigInt.asUintN(64, s);
}

/** int64/uint64 values cross into JavaScript as numbers when exact. */
const exactNumber = (v: bigint): number | bigint => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

/** A fresh nondeterministic seed (53 bits, so it is an exact JavaScript number). */
function nondeterministicSeed(): bigint {
  const words = new Uint32Array(2);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => void } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(words);
  else {
    words[0] = Math.floor(Math.random() * 2 ** 32);
    words[1] = Math.floor(Math.random() * 2 ** 32);
  }
  return (BigInt(words[0] & 0x1fffff) << 32n) | BigInt(words[1]);
}

/**
 * A random number generator: seed it, save and restore its state, and pass it to
 * random ops as `{ generator }`.
 * @example
 * const g = new torch.Generator().manualSeed(42);
 * torch.rand(3, { generator: g });
 */
export class Generator {
  /** @internal Created on first use, so generators can exist before the wasm module loads. */
  private ptr = 0;
  private disposed = false;
  /** The seed to start from; null: a nondeterministic one, drawn on first use. */
  private pendingSeed: bigint | null;

  constructor(device: string = 'cpu') {
    if (device !== 'cpu') throw new RuntimeError(`Generator: only the 'cpu' device is available, got '${device}'`);
    this.pendingSeed = DEFAULT_SEED;
  }

  /** @internal The generator's address in wasm memory. */
  get _ptr(): number {
    if (this.disposed) throw new Error('Generator: used after dispose()');
    if (this.ptr === 0) {
      this.ptr = rngNew(this.pendingSeed ?? nondeterministicSeed());
      registry.register(this, this.ptr, this);
    }
    return this.ptr;
  }

  get device(): string {
    return 'cpu';
  }

  /** Seeds the generator (only the low 32 bits reach MT19937) and returns it. */
  manualSeed(seed: number | bigint): this {
    const s = toSeed(seed, 'manual_seed');
    if (this.ptr === 0 && !this.disposed) this.pendingSeed = s;
    else rngManualSeed(this._ptr, s);
    return this;
  }

  /** Seeds from a nondeterministic source and returns the seed used. */
  seed(): number {
    const s = nondeterministicSeed();
    this.manualSeed(s);
    return Number(s);
  }

  /** The seed last given (a bigint beyond 2^53). */
  initialSeed(): number | bigint {
    return exactNumber(this.ptr === 0 && !this.disposed && this.pendingSeed !== null ? this.pendingSeed : rngInitialSeed(this._ptr));
  }

  /** The state as a uint8 tensor of 5056 bytes (PyTorch's layout). */
  getState(): Tensor {
    return rngGetState(this._ptr, uint8);
  }

  /** Restores a state from getState() (a uint8 tensor or a Uint8Array). */
  setState(state: Tensor | Uint8Array): this {
    const g = this._ptr;
    if (state instanceof Uint8Array) {
      const t = Tensor._empty([state.length], uint8);
      try {
        heapU8().set(state, t._ptr);
        rngSetState(g, t);
      } finally {
        t.dispose();
      }
      return this;
    }
    if (!(state instanceof Tensor) || state.dtype !== uint8) throw new TypeError('RNG state must be a torch.ByteTensor');
    state._check('set_state', 'new_state');
    if (!state.isContiguous()) throw new RuntimeError('RNG state must be contiguous');
    rngSetState(g, state);
    return this;
  }

  /** Frees the generator's wasm memory now (it is freed on collection otherwise). */
  dispose(): void {
    if (this.ptr !== 0) {
      registry.unregister(this);
      rngFree(this.ptr);
      this.ptr = 0;
    }
    this.disposed = true;
  }

  toString(): string {
    return '<torch._C.Generator object>';
  }

  /** @internal Start from a nondeterministic seed, drawn on first use (Cloudflare Workers
   * forbid generating random values while a module loads). */
  _seedOnFirstUse(): this {
    this.pendingSeed = null;
    return this;
  }
}

/** torch.default_generator: seeded nondeterministically, as PyTorch's is at startup. */
export const defaultGenerator = new Generator()._seedOnFirstUse();


/** The generator an op should draw from. */
export function generatorOf(gen: unknown, op: string): Generator {
  if (gen === null || gen === undefined) return defaultGenerator;
  if (gen instanceof Generator) return gen;
  throw new TypeError(`${op}(): argument 'generator' must be torch.Generator, not ${pyTypeName(gen)}`);
}

/** torch.manual_seed: seeds the default generator and returns it. */
export function manualSeed(seed: number | bigint): Generator {
  const s = typeof seed === 'number' && Number.isFinite(seed) ? Math.trunc(seed) : seed;
  return defaultGenerator.manualSeed(s);
}

/** torch.seed: a nondeterministic seed for the default generator, returned. */
export function seed(): number {
  return defaultGenerator.seed();
}

/** torch.initial_seed */
export function initialSeed(): number | bigint {
  return defaultGenerator.initialSeed();
}

/** torch.get_rng_state: the default generator's state as a uint8 tensor. */
export function getRngState(): Tensor {
  return defaultGenerator.getState();
}

/** torch.set_rng_state */
export function setRngState(state: Tensor | Uint8Array): void {
  defaultGenerator.setState(state);
}
