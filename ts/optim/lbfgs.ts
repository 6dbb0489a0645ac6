// torch.optim.LBFGS (PyTorch 1.13's lbfgs.py): limited-memory BFGS over all parameters
// flattened into one vector, with an optional strong-Wolfe line search.
//
// PyTorch keeps the scalars of the two-loop recursion (ys, ro, al, H_diag, the first
// step t) as 0-d tensors of the parameters' dtype; here they are numbers rounded to
// that dtype at the same points, so float32 runs take the same steps. The strong-Wolfe
// line search mixes Python floats and 0-d tensors in its arithmetic; here it runs in
// doubles, so its float32 trajectories drift from PyTorch's in the last bits.

import { Tensor } from '../tensor/tensor.js';
import { float64 } from '../tensor/dtype.js';
import { RuntimeError, ValueError } from '../tensor/shape.js';
import { tidy, keep } from '../tensor/scope.js';
import { enableGrad, noGrad } from '../autograd/grad_mode.js';
import { cat, zeros } from '../ops/all.js';
import { Optimizer, type Closure, type Params, type ParamState } from './optimizer.js';
import { bindOptions } from './options.js';

const SIG =
  'float lr=1, int max_iter=20, int? max_eval=None, float tolerance_grad=1e-07, float tolerance_change=1e-09, int history_size=100, str? line_search_fn=None';

export interface LBFGSOptions {
  lr?: number;
  maxIter?: number;
  maxEval?: number | null;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  lineSearchFn?: 'strong_wolfe' | null;
}

type Round = (x: number) => number;

/** Tensors made during one step: whatever does not end in the state is freed when the step ends. */
class Arena {
  private readonly made = new Set<Tensor>();
  own(t: Tensor): Tensor {
    this.made.add(t);
    return t;
  }
  free(t: Tensor | null | undefined): void {
    if (t && this.made.delete(t)) t.dispose();
  }
  /** Frees every tensor made, except `kept` (which the state keeps). */
  release(kept: Iterable<Tensor>): void {
    for (const t of kept) {
      if (this.made.delete(t)) keep(t);
    }
    for (const t of this.made) t.dispose();
    this.made.clear();
  }
}

const dot = (a: Tensor, b: Tensor): number => tidy(() => a.dot(b).item() as number);
const maxAbs = (a: Tensor): number => tidy(() => a.abs().max().item() as number);

/** Minimum of the cubic interpolating (x1, f1, g1), (x2, f2, g2), clamped to bounds. */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

type Evaluate = (t: number) => [number, Tensor];

/** PyTorch's _strong_wolfe: a step t along d meeting the strong Wolfe conditions. */
function strongWolfe(
  arena: Arena, evaluate: Evaluate, t: number, d: Tensor, f: number, g: Tensor, gtd: number, toleranceChange: number,
  c1 = 1e-4, c2 = 0.9, maxLs = 25,
): [number, Tensor, number, number] {
  const dNorm = maxAbs(d);
  const clone = (x: Tensor): Tensor => arena.own(x.clone());
  g = clone(g);
  let [fNew, gNew] = evaluate(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let [tPrev, fPrev, gPrev, gtdPrev] = [0, f, g, gtd];
  let done = false;
  let iter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  while (iter < maxLs) {
    if (fNew > f + c1 * t * gtd || (iter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, clone(gNew)], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, clone(gNew)], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, clone(gNew), gtdNew];
    [fNew, gNew] = evaluate(t);
    evals++;
    gtdNew = dot(gNew, d);
    iter++;
  }
  if (iter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];

  // zoom: shrink the bracket until a point meets the conditions
  let insufProgress = false;
  let [low, high] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && iter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    const bMax = Math.max(...bracket);
    const bMin = Math.min(...bracket);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = evaluate(t);
    evals++;
    gtdNew = dot(gNew, d);
    iter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]) {
      [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [t, fNew, clone(gNew), gtdNew];
      [low, high] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
        [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]];
      }
      [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]] = [t, fNew, clone(gNew), gtdNew];
    }
  }
  return [bracketF[low], bracketG[low], bracket[low], evals];
}

/**
 * L-BFGS. Every step calls `closure` (which must recompute the loss and its gradients)
 * up to max_eval times. One parameter group only.
 *
 * @example
 * const opt = new torch.optim.LBFGS([x], { lineSearchFn: 'strong_wolfe' });
 * opt.step(() => { opt.zeroGrad(); const loss = f(x); loss.backward(); return loss; });
 */
export class LBFGS extends Optimizer {
  private readonly _params: Tensor[];

  constructor(params: Params, ...args: (number | string | LBFGSOptions | null | undefined)[]) {
    const o = bindOptions('LBFGS', SIG, args);
    const maxEval = o.maxEval ?? Math.floor((o.maxIter * 5) / 4);
    super(params, {
      lr: o.lr, maxIter: o.maxIter, maxEval, toleranceGrad: o.toleranceGrad, toleranceChange: o.toleranceChange,
      historySize: o.historySize, lineSearchFn: o.lineSearchFn,
    });
    if (this.paramGroups.length !== 1) throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
    this._params = this.paramGroups[0].params;
  }

  private _gatherFlatGrad(arena: Arena): Tensor {
    return arena.own(
      tidy(() => cat(this._params.map((p) => (p.grad ? p.grad.reshape(-1) : zeros([p.numel()], { dtype: p.dtype }))), 0)),
    );
  }

  /** p += step * update[slice of p], parameter by parameter. */
  private _addGrad(step: number, update: Tensor): void {
    let offset = 0;
    tidy(() => {
      for (const p of this._params) {
        const n = p.numel();
        p.add_(update.slice(0, offset, offset + n).viewAs(p), { alpha: step });
        offset += n;
      }
    });
  }

  override step(closure?: Closure): Tensor | number | null {
    if (typeof closure !== 'function') throw new TypeError("step() missing 1 required positional argument: 'closure'");
    const group = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    if (lineSearchFn !== null && lineSearchFn !== undefined && lineSearchFn !== 'strong_wolfe') {
      throw new RuntimeError("only 'strong_wolfe' is supported");
    }
    for (const p of this._params) p._check('LBFGS.step', 'param');
    const evalLoss = (): [Tensor | number, number] => {
      const out = enableGrad(closure);
      return [out, typeof out === 'number' ? out : (out.item() as number)];
    };
    const state = this._stateOf(this._params[0]);
    state.func_evals ??= 0;
    state.n_iter ??= 0;
    const arena = new Arena();
    return noGrad(() => {
      try {
        const [origLoss, firstLoss] = evalLoss();
        let loss = firstLoss;
        let currentEvals = 1;
        state.func_evals += 1;
        let flatGrad = this._gatherFlatGrad(arena);
        const r: Round = flatGrad.dtype === float64 ? (x) => x : Math.fround;
        if (maxAbs(flatGrad) <= r(toleranceGrad)) {
          arena.release([]);
          return origLoss;
        }
        let d: Tensor | null = state.d ?? null;
        let t: number = state.t ?? lr;
        let oldDirs: Tensor[] = state.old_dirs ?? [];
        let oldStps: Tensor[] = state.old_stps ?? [];
        let ro: number[] = state.ro ?? [];
        let hDiag: number = state.H_diag ?? 1;
        let prevFlatGrad: Tensor | null = state.prev_flat_grad ?? null;
        let prevLoss: number | null = state.prev_loss ?? null;
        const dropped: Tensor[] = []; // state tensors replaced during this step
        let nIter = 0;
        while (nIter < maxIter) {
          nIter++;
          state.n_iter++;
          // the direction
          if (state.n_iter === 1) {
            if (d) dropped.push(d);
            d = arena.own(flatGrad.neg());
            dropped.push(...oldDirs, ...oldStps);
            [oldDirs, oldStps, ro, hDiag] = [[], [], [], 1];
          } else {
            const y = arena.own(flatGrad.sub(prevFlatGrad!));
            const s = arena.own(d!.mul(t));
            const ys = r(dot(y, s));
            if (ys > r(1e-10)) {
              if (oldDirs.length === historySize) {
                dropped.push(oldDirs.shift()!, oldStps.shift()!);
                ro.shift();
              }
              oldDirs.push(y);
              oldStps.push(s);
              ro.push(r(1 / ys));
              hDiag = r(ys / r(dot(y, y)));
            } else {
              arena.free(y);
              arena.free(s);
            }
            const al: (number | null)[] = (state.al ??= new Array(historySize).fill(null));
            const q = arena.own(flatGrad.neg());
            for (let i = oldDirs.length - 1; i >= 0; i--) {
              al[i] = r(r(dot(oldStps[i], q)) * ro[i]);
              q.add_(oldDirs[i], { alpha: -al[i]! });
            }
            if (d) dropped.push(d);
            d = q.mul_(hDiag);
            for (let i = 0; i < oldDirs.length; i++) {
              const be = r(r(dot(oldDirs[i], d)) * ro[i]);
              d.add_(oldStps[i], { alpha: r(al[i]! - be) });
            }
          }
          if (prevFlatGrad === null) prevFlatGrad = arena.own(flatGrad.clone());
          else prevFlatGrad.copy_(flatGrad);
          prevLoss = loss;
          // the step length
          if (state.n_iter === 1) {
            const inv = r(1 / tidy(() => flatGrad.abs().sum().item() as number));
            t = inv < 1 ? r(inv * r(lr)) : lr;
          } else {
            t = lr;
          }
          const gtd = r(dot(flatGrad, d!));
          if (gtd > r(-toleranceChange)) break;
          let lsEvals = 0;
          let optCond = false;
          if (lineSearchFn === 'strong_wolfe') {
            const xInit = this._params.map((p) => arena.own(p.clone()));
            const evaluate: Evaluate = (step) => {
              this._addGrad(step, d!);
              const [, value] = evalLoss();
              const g = this._gatherFlatGrad(arena);
              tidy(() => this._params.forEach((p, i) => p.copy_(xInit[i])));
              return [value, g];
            };
            let newGrad: Tensor;
            [loss, newGrad, t, lsEvals] = strongWolfe(arena, evaluate, t, d!, loss, flatGrad, gtd, toleranceChange);
            flatGrad = newGrad;
            this._addGrad(t, d!);
            optCond = maxAbs(flatGrad) <= r(toleranceGrad);
            xInit.forEach((x) => arena.free(x));
          } else {
            this._addGrad(t, d!);
            if (nIter !== maxIter) {
              [, loss] = evalLoss();
              arena.free(flatGrad);
              flatGrad = this._gatherFlatGrad(arena);
              optCond = maxAbs(flatGrad) <= r(toleranceGrad);
              lsEvals = 1;
            }
          }
          currentEvals += lsEvals;
          state.func_evals += lsEvals;
          // the stopping conditions
          if (nIter === maxIter) break;
          if (currentEvals >= maxEval) break;
          if (optCond) break;
          if (tidy(() => d!.mul(t).abs().max().item() as number) <= r(toleranceChange)) break;
          if (Math.abs(loss - prevLoss) < toleranceChange) break;
        }
        Object.assign(state, {
          d, t, old_dirs: oldDirs, old_stps: oldStps, ro, H_diag: hDiag, prev_flat_grad: prevFlatGrad, prev_loss: prevLoss,
        });
        const kept = [d, prevFlatGrad, ...oldDirs, ...oldStps].filter((x): x is Tensor => x !== null);
        arena.release(kept);
        for (const x of dropped) if (!kept.includes(x)) x.dispose();
        return origLoss;
      } catch (e) {
        arena.release([]); // the state was not updated: what the step made goes
        throw e;
      }
    });
  }

  protected override _upgradeState(_state: ParamState): void {}
}
