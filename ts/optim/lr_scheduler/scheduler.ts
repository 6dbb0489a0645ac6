// The base of the epoch-based schedulers (PyTorch 1.13's _LRScheduler): initial_lr in
// every group, base_lrs, last_epoch, step() writing each group's lr, the counter that
// notices scheduler.step() before optimizer.step(), and state_dicts with PyTorch's keys.

import { RuntimeError, ValueError, KeyError } from '../../tensor/shape.js';
import { formatExp, formatFixed } from '../../tensor/py_format.js';
import { Optimizer } from '../optimizer.js';
import { isPlainObject, pyTypeName } from '../../ops/signature.js';
import { camelCase, snakeCase } from '../options.js';
import { warnOnce } from '../warn.js';

export const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed form is used instead of the new chainable form, where available. Please open an issue if you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.';

const GET_LR_WARNING = 'To get the last learning rate computed by the scheduler, please use `get_last_lr()`.';

// PyTorch attribute names that camelCase would not give back
const SPECIAL: Record<string, string> = { TMax: 'T_max', T0: 'T_0', Ti: 'T_i', TMult: 'T_mult', TCur: 'T_cur' };
const SPECIAL_BACK = Object.fromEntries(Object.entries(SPECIAL).map(([js, py]) => [py, js]));

/** Our attribute name -> PyTorch's (`_stepCount` -> `_step_count`, `TMax` -> `T_max`). */
export function pyName(js: string): string {
  if (js in SPECIAL) return SPECIAL[js];
  const lead = /^_*/.exec(js)![0];
  return lead + snakeCase(js.slice(lead.length));
}

/** PyTorch's attribute name -> ours. */
export function jsName(py: string): string {
  if (py in SPECIAL_BACK) return SPECIAL_BACK[py];
  const lead = /^_*/.exec(py)![0];
  return lead + camelCase(py.slice(lead.length));
}

/** A scheduler's state_dict: its own attributes under PyTorch's names, except the optimizer and functions. */
export function attributesDict(obj: object, exclude: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'optimizer' || exclude.includes(k) || typeof v === 'function') continue;
    out[pyName(k)] = v instanceof Map ? new Map(v) : Array.isArray(v) ? v.map((x) => (isPlainObject(x) ? { ...x } : x)) : v;
  }
  return out;
}

/** Sets attributes from a state_dict (PyTorch's __dict__.update). */
export function updateAttributes(obj: object, stateDict: Record<string, unknown>, exclude: readonly string[] = []): void {
  if (!isPlainObject(stateDict)) throw new TypeError(`${obj.constructor.name}.loadStateDict: expected a dict, got ${pyTypeName(stateDict)}`);
  for (const [k, v] of Object.entries(stateDict)) {
    if (exclude.includes(k)) continue;
    (obj as Record<string, unknown>)[jsName(k)] = Array.isArray(v) ? [...v] : v;
  }
}

/** Python's '%.2f' for a float epoch, '%.5d' for an integer one. */
const epochString = (epoch: number): string =>
  Number.isInteger(epoch) ? (epoch < 0 ? '-' : '') + String(Math.abs(epoch)).padStart(5, '0') : formatFixed(epoch, 2);

/** The optimizer's step wrapped to count calls (PyTorch's with_counter). */
interface CountedStep {
  (...args: unknown[]): unknown;
  _withCounter?: boolean;
}

/**
 * Base class of the learning-rate schedulers that step once per epoch (or batch).
 * A subclass computes the new learning rates in `getLr()`.
 *
 * Built-in schedulers call `super()` without arguments, set their own fields, then
 * `this._init(optimizer, lastEpoch, verbose)`, because the initial step already reads
 * those fields. A user subclass whose getLr() needs only baseLrs and lastEpoch may
 * pass the optimizer to `super(optimizer)` directly.
 */
export class LRScheduler {
  declare optimizer: Optimizer;
  declare baseLrs: number[];
  declare lastEpoch: number;
  declare verbose: boolean;
  /** @internal */ declare _stepCount: number;
  /** @internal */ declare _getLrCalledWithinStep: boolean;
  /** @internal */ declare _lastLr: number[];

  constructor(optimizer?: Optimizer, lastEpoch = -1, verbose = false) {
    if (optimizer !== undefined) this._init(optimizer, lastEpoch, verbose);
  }

  /** @internal PyTorch's _LRScheduler.__init__: attaches to the optimizer and takes the initial step. */
  protected _init(optimizer: Optimizer, lastEpoch = -1, verbose = false): void {
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups) if (!('initialLr' in group)) group.initialLr = group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (!('initialLr' in group)) {
          throw new KeyError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    countSteps(optimizer);
    this.verbose = verbose;
    this._initialStep();
  }

  /** @internal */
  _initialStep(): void {
    this.optimizer._stepCount = 0;
    this._stepCount = 0;
    this.step();
  }

  /** The learning rates the last step set, one per parameter group. */
  getLastLr(): number[] {
    return this._lastLr;
  }

  /** The learning rates for the current lastEpoch (called by step). */
  getLr(): number[] {
    throw new RuntimeError(`${this.constructor.name}.getLr() is not implemented`);
  }

  /** @internal Closed-form rates, used when step() is given an epoch. */
  _getClosedFormLr?(): number[];

  /** @internal PyTorch warns when get_lr() is called outside step(). */
  protected _warnOutsideStep(): void {
    if (!this._getLrCalledWithinStep) warnOnce(GET_LR_WARNING);
  }

  /** Prints the adjusted learning rate when verbose. */
  printLr(isVerbose: boolean, group: number, lr: number, epoch?: number | null): void {
    if (!isVerbose) return;
    if (epoch === undefined || epoch === null) console.log(`Adjusting learning rate of group ${group} to ${formatExp(lr, 4)}.`);
    else console.log(`Epoch ${epochString(epoch)}: adjusting learning rate of group ${group} to ${formatExp(lr, 4)}.`);
  }

  /**
   * Advances one epoch and sets every group's lr. Call it after optimizer.step().
   * An explicit `epoch` (deprecated in PyTorch) uses the closed form where there is one.
   */
  step(epoch?: number | null): void {
    if (this._stepCount === 1) {
      const step = this.optimizer.step as CountedStep;
      if (!step._withCounter) {
        warnOnce(
          'Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make sure to call `optimizer.step()` before `lr_scheduler.step()`. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        );
      } else if ((this.optimizer._stepCount ?? 0) < 1) {
        warnOnce(
          'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        );
      }
    }
    this._stepCount++;
    let values: number[];
    this._getLrCalledWithinStep = true;
    try {
      if (epoch === undefined || epoch === null) {
        this.lastEpoch++;
        values = this.getLr();
      } else {
        warnOnce(EPOCH_DEPRECATION_WARNING);
        this.lastEpoch = epoch;
        values = this._getClosedFormLr ? this._getClosedFormLr() : this.getLr();
      }
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this._apply(values, epoch);
  }

  /** @internal Writes the new rates into the groups and records them. */
  protected _apply(values: number[], epoch?: number | null): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      if (i >= values.length) return;
      group.lr = values[i];
      this.printLr(this.verbose, i, values[i], epoch);
    });
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The scheduler's state (its attributes under PyTorch's names), for loadStateDict or torch.save. */
  stateDict(): Record<string, unknown> {
    return attributesDict(this);
  }

  /** Restores a state from stateDict(). */
  loadStateDict(stateDict: Record<string, unknown>): void {
    updateAttributes(this, stateDict);
  }
}

/** PyTorch 1.13's name for the base class. */
export { LRScheduler as _LRScheduler };

/** The TypeError PyTorch raises when a scheduler is given something else than an optimizer. */
export function checkOptimizer(optimizer: unknown): asserts optimizer is Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${pyTypeName(optimizer)} is not an Optimizer`);
}

/** Wraps optimizer.step so that it counts its calls (once per optimizer). */
function countSteps(optimizer: Optimizer): void {
  const current = optimizer.step as CountedStep;
  if (current._withCounter) return;
  const counted: CountedStep = function (this: unknown, ...args: unknown[]) {
    optimizer._stepCount = (optimizer._stepCount ?? 0) + 1;
    return current.apply(optimizer, args);
  };
  counted._withCounter = true;
  optimizer.step = counted as Optimizer['step'];
}

/** One value per parameter group: a list of that length, or one value repeated. */
export function perGroup(name: string, optimizer: Optimizer, value: number | number[]): number[] {
  const n = optimizer.paramGroups.length;
  const num = (v: unknown): number => {
    if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
    throw new TypeError(`${name} must be a float or a list of floats, not ${pyTypeName(v)}`);
  };
  if (Array.isArray(value)) {
    if (value.length !== n) throw new ValueError(`expected ${n} values for ${name}, got ${value.length}`);
    return value.map(num);
  }
  return new Array(n).fill(num(value));
}
