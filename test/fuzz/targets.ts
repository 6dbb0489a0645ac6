// What the fuzz suite calls: every public op of the registry (torch._ops) as a torch.*
// function, a Tensor method, an in-place form and an out= form; torch.nn.functional;
// the Tensor methods that are not ops; torch.* functions outside the registry; module
// constructors and forward calls (and backward through them); optimizers and lr
// schedulers (construction, step, zeroGrad).
import { torch } from '../helpers.js';
import { argsFor, Param } from './args.js';
import { Gen, hostile } from './values.js';

type Tensor = torch.Tensor;

/** One prepared call: what it is (for the report) and how to run it. */
export interface Call {
  target: string;
  args: unknown[];
  run: () => unknown;
  /** Objects holding tensors that the call made (modules, optimizers): freed after it. */
  owned?: unknown[];
}

export interface Target {
  name: string;
  make: (g: Gen) => Call;
}

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const api = torch as unknown as Record<string, unknown>;
const proto = torch.Tensor.prototype as unknown as Record<string, unknown>;

interface OpEntry {
  params: Param[];
  fn?: boolean;
  method?: boolean;
  inplace?: boolean;
  out?: boolean;
  aliases?: string[];
}

/** Adds `out` to a call's trailing options object (or appends one). */
function withOut(args: unknown[], out: Tensor): unknown[] {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && Object.getPrototypeOf(last) === Object.prototype) {
    return [...args.slice(0, -1), { ...(last as object), out }];
  }
  return [...args, { out }];
}

function opTargets(): Target[] {
  const out: Target[] = [];
  for (const [name, entry] of torch._ops as unknown as Map<string, OpEntry>) {
    // overloads are reached through their main name; private ops (_foo) take internal arguments
    if (name.includes('.') || name.startsWith('_')) continue;
    const c = camel(name);
    const params = entry.params;
    const fn = api[c];
    if (entry.fn !== false && typeof fn === 'function') {
      out.push({
        name: `torch.${c}`,
        make: (g) => {
          let args = argsFor(params, g);
          if (entry.out && g.rng.chance(0.15)) args = withOut(args, g.tensor());
          return { target: `torch.${c}`, args, run: () => (fn as (...a: unknown[]) => unknown)(...args) };
        },
      });
    }
    const isMethod = entry.method ?? params[0]?.name === 'self';
    if (isMethod && typeof proto[c] === 'function') out.push(methodTarget(c, params.slice(1)));
    if (entry.inplace && typeof proto[`${c}_`] === 'function') out.push(methodTarget(`${c}_`, params.slice(1)));
  }
  return out;
}

function methodTarget(method: string, params: Param[]): Target {
  return {
    name: `Tensor.${method}`,
    make: (g) => {
      const self = g.rng.chance(0.03) ? g.disposedTensor() : g.tensor();
      const args = argsFor(params, g);
      return { target: `Tensor.${method}`, args: [self, ...args], run: () => (self as any)[method](...args) };
    },
  };
}

/** A few arguments of any kind after a leading tensor: for functions without a schema. */
function genericArgs(g: Gen, lead = true): unknown[] {
  const args: unknown[] = lead && g.rng.chance(0.9) ? [g.tensor()] : [];
  const n = g.rng.int(0, 3);
  for (let i = 0; i < n; i++) args.push(g.rng.chance(0.3) ? g.tensor() : g.any());
  return args;
}

function functionalTargets(): Target[] {
  const F = torch.nn.functional as unknown as Record<string, unknown>;
  const out: Target[] = [];
  for (const key of Object.keys(F).sort()) {
    const fn = F[key];
    if (typeof fn !== 'function') continue;
    const params = (fn as { _params?: Param[] })._params;
    out.push({
      name: `F.${key}`,
      make: (g) => {
        const args = params ? argsFor(params, g) : genericArgs(g);
        return { target: `F.${key}`, args, run: () => (fn as (...a: unknown[]) => unknown)(...args) };
      },
    });
  }
  return out;
}

/** Tensor methods that are not ops (conversions, element access, autograd, ...). */
function tensorMethodTargets(): Target[] {
  const fromOps = new Set<string>();
  for (const [name, entry] of torch._ops as unknown as Map<string, OpEntry>) {
    for (const n of [name, ...(entry.aliases ?? [])]) {
      fromOps.add(camel(n));
      fromOps.add(`${camel(n)}_`);
    }
  }
  const out: Target[] = [];
  for (const key of Object.getOwnPropertyNames(torch.Tensor.prototype).sort()) {
    const d = Object.getOwnPropertyDescriptor(torch.Tensor.prototype, key)!;
    if (typeof d.value !== 'function' || fromOps.has(key) || key === 'constructor' || key.startsWith('_')) continue;
    if (key === 'backward') continue; // backwardTarget below
    out.push({
      name: `Tensor.${key}`,
      make: (g) => {
        const self = g.rng.chance(0.03) ? g.disposedTensor() : g.tensor();
        const args = genericArgs(g, false);
        return { target: `Tensor.${key}`, args: [self, ...args], run: () => (self as any)[key](...args) };
      },
    });
  }
  return out;
}

/** backward() on a graph, with the gradient and options spelled in every way. */
function backwardTarget(): Target {
  return {
    name: 'Tensor.backward',
    make: (g) => {
      const r = g.rng;
      const x = g.tensor({ dtype: r.chance(0.8) ? torch.float32 : torch.float64 });
      if (r.chance(0.8) && !x.isDisposed && x.dtype.isFloatingPoint && !x.requiresGrad) x.requiresGrad_(true);
      const pick = (): unknown => {
        switch (r.int(0, 7)) {
          case 0: return undefined;
          case 1: return null;
          case 2: return g.tensor({ shape: r.chance(0.5) ? [] : undefined });
          case 3: return { retainGraph: r.chance(0.5) };
          case 4: return { createGraph: r.chance(0.5), inputs: [x] };
          case 5: return { gradient: g.tensor({ shape: [] }), retainGraph: true };
          case 6: return { inputs: r.chance(0.5) ? [] : hostile(g) };
          default: return hostile(g);
        }
      };
      const args = Array.from({ length: r.int(0, 2) }, pick);
      return {
        target: 'Tensor.backward',
        args: [x, ...args],
        run: () => {
          const y = torch.tidy(() => (r.chance(0.7) ? x.mul(x).sum() : x.mul(2)));
          try {
            (y as any).backward(...args);
            if (r.chance(0.3)) {
              // a second backward: a freed graph, or accumulation; with createGraph the accumulated
              // .grad is a new tensor and the first one is the caller's to free (as in PyTorch, where
              // the collector takes it)
              const first = x.grad;
              (y as any).backward(...args);
              if (first !== null && first !== x.grad) first.dispose();
            }
          } finally {
            y.dispose();
          }
          return x.grad;
        },
      };
    },
  };
}

const isClass = (f: unknown): boolean => /^class\b/.test(Function.prototype.toString.call(f));

/** torch.* functions that PyTorch has and that are not registry ops. */
const TORCH_FUNCTIONS = [
  'tensor', 'asTensor', 'fromArray', 'allclose', 'equal', 'einsum', 'broadcastTo', 'broadcastShapes', 'numel', 'promoteTypes',
  'canCast', 'manualSeed', 'zerosLike', 'onesLike', 'emptyLike', 'fullLike', 'randLike', 'randnLike', 'randintLike',
  'indexPut', 'indexPut_', 'swapaxes', 'swapdims', 'moveaxis', 'concat', 'concatenate', 'columnStack', 'rowStack',
  'splitWithSizes', 'stdMean', 'varMean', 'qr', 'svd', 'slogdet', 'uniqueConsecutive', 'repeatInterleave', 'takeAlongDim',
  'countNonzero', 'nanToNum', 'floatPower', 'matrixPower', 'detach', 'rand', 'randn', 'randint', 'randperm', 'normal',
  'bernoulli', 'multinomial', 'poisson', 'isTensor', 'isStorage', 'asStrided', 'bilinear', 'convTranspose1d',
  'convTranspose2d', 'conv3d', 'convTranspose3d', 'cosineSimilarity', 'pairwiseDistance', 'channelShuffle', 'pixelShuffle',
  'pixelUnshuffle', 'logSoftmax', 'relu_', 'selu_', 'celu_', 'threshold_',
];

function torchFunctionTargets(known: Set<string>): Target[] {
  const out: Target[] = [];
  for (const key of TORCH_FUNCTIONS) {
    const fn = api[key];
    if (typeof fn !== 'function' || known.has(`torch.${key}`)) continue;
    out.push({
      name: `torch.${key}`,
      make: (g) => {
        const args = genericArgs(g, g.rng.chance(0.7));
        return { target: `torch.${key}`, args, run: () => (fn as (...a: unknown[]) => unknown)(...args) };
      },
    });
  }
  for (const ns of ['linalg'] as const) {
    const space = api[ns] as Record<string, unknown>;
    for (const key of Object.keys(space).sort()) {
      const fn = space[key];
      if (typeof fn !== 'function' || isClass(fn)) continue;
      out.push({
        name: `torch.${ns}.${key}`,
        make: (g) => {
          const args = genericArgs(g);
          return { target: `torch.${ns}.${key}`, args, run: () => (fn as (...a: unknown[]) => unknown)(...args) };
        },
      });
    }
  }
  return out;
}

const OPTION_KEYS = [
  'bias', 'stride', 'padding', 'dilation', 'groups', 'batchFirst', 'affine', 'trackRunningStats', 'eps', 'momentum',
  'reduction', 'dim', 'inplace', 'paddingMode', 'numLayers', 'bidirectional', 'dropout', 'p', 'ceilMode', 'returnIndices',
  'elementwiseAffine', 'alpha', 'beta', 'scaleFactor', 'mode', 'alignCorners', 'paddingIdx', 'maxNorm', 'margin',
  'ignoreIndex', 'labelSmoothing', 'weight', 'outputPadding', 'projSize', 'nonlinearity', 'kdim', 'vdim', 'dimFeedforward',
];

/** A constructor argument: a small positive int mostly. */
function ctorArg(g: Gen): unknown {
  const r = g.rng;
  const k = r.next();
  if (k < 0.75) return r.int(1, 4);
  if (k < 0.85) return r.pick([0, -1, 2 ** 31, 1.5]);
  if (k < 0.9) return [r.int(1, 3), r.int(1, 3)];
  return hostile(g);
}

function ctorOptions(g: Gen): Record<string, unknown> {
  const r = g.rng;
  const o: Record<string, unknown> = {};
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) {
    const key = r.pick(OPTION_KEYS);
    o[key] = r.pick([true, false, 0, 1, 2, 0.5, -1, 'mean', 'sum', 'zeros', 'reflect', null, hostile(g)]);
  }
  return o;
}

/** Releases every tensor `v` holds: tensors, modules, and arrays/Maps/plain objects of them. */
export function disposeDeep(v: unknown, seen = new Set<unknown>()): void {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) return;
  seen.add(v);
  if (v instanceof torch.Tensor) return v.dispose();
  if (v instanceof torch.nn.Module) v.dispose();
  if (typeof v === 'function') return;
  const items = v instanceof Map ? [...v.keys(), ...v.values()] : v instanceof Set ? [...v] : Object.values(v as object);
  for (const x of items) disposeDeep(x, seen);
}

/** Constructor arguments that keep the large default models small (PyTorch's defaults build 44M parameters). */
const SMALL_CTOR: Record<string, unknown[]> = {
  Transformer: [4, 2, 1, 1, 8],
  TransformerEncoderLayer: [4, 2, 8],
  TransformerDecoderLayer: [4, 2, 8],
};

const SKIP_MODULES = new Set(['Module', 'Parameter', 'RemovableHandle', 'ParameterList', 'ParameterDict', 'ModuleList', 'ModuleDict']);

function moduleTargets(): Target[] {
  const nn = torch.nn as unknown as Record<string, unknown>;
  const out: Target[] = [];
  for (const key of Object.keys(nn).sort()) {
    const C = nn[key] as { new (...a: unknown[]): torch.nn.Module; length: number; prototype: unknown };
    if (typeof C !== 'function' || SKIP_MODULES.has(key) || !(C.prototype instanceof torch.nn.Module)) continue;
    out.push({
      name: `nn.${key}`,
      make: (g) => {
        const r = g.rng;
        const nArgs = Math.min(4, Math.max(C.length, r.int(0, 2)) + (r.chance(0.1) ? 1 : 0));
        const ctor = SMALL_CTOR[key] ? [...SMALL_CTOR[key]] : Array.from({ length: nArgs }, () => ctorArg(g));
        if (r.chance(0.3)) ctor.push(ctorOptions(g));
        const feature = typeof ctor[0] === 'number' && Number.isInteger(ctor[0]) && (ctor[0] as number) > 0 && (ctor[0] as number) < 9 ? (ctor[0] as number) : 3;
        const call: Call = { target: `nn.${key}`, args: ctor, owned: [], run: () => undefined };
        call.run = () => {
          const m = new C(...ctor);
          call.owned!.push(m);
          if (r.chance(0.15)) return m;
          if (r.chance(0.3)) m.eval();
          const rank = r.int(1, 4);
          const shape = Array.from({ length: rank }, () => r.int(1, 4));
          shape[r.chance(0.5) ? Math.min(1, rank - 1) : rank - 1] = feature;
          g.shape = shape;
          const nIn = Math.max(1, Math.min(3, (m.forward as { length: number }).length || 1));
          const inputs = Array.from({ length: nIn }, (_, i) => (i > 0 && r.chance(0.3) ? g.index(feature, shape.slice(0, 1)) : r.chance(0.05) ? hostile(g) : g.tensor({ shape: r.chance(0.8) ? shape : undefined })));
          call.args = [...ctor, '=>', ...inputs];
          const y = (m as unknown as (...a: unknown[]) => unknown)(...inputs);
          const first = Array.isArray(y) ? y[0] : y;
          if (first instanceof torch.Tensor && first.requiresGrad && r.chance(0.4)) {
            const s = first.sum();
            try {
              s.backward();
            } finally {
              s.dispose();
            }
          }
          return y;
        };
        return call;
      },
    });
  }
  return out;
}

const OPTIM_KEYS = [
  'lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize', 'betas', 'eps', 'amsgrad', 'alpha', 'centered',
  'lrDecay', 'rho', 'etas', 'stepSizes', 'lambd', 't0', 'momentumDecay', 'maxIter', 'historySize', 'lineSearchFn',
  'foreach', 'differentiable', 'initialAccumulatorValue',
];

/** Parameters for an optimizer: small float tensors mostly, some of other kinds. */
function optimParams(g: Gen): unknown {
  const r = g.rng;
  const make = (): Tensor => {
    const dtype = r.chance(0.85) ? torch.float32 : r.pick([torch.float64, torch.int64, torch.float16]);
    const p = g.tensor({ shape: g.randomShape().slice(0, 2), dtype });
    if (p.isDisposed || !dtype.isFloatingPoint || p.requiresGrad) return p;
    const param = new torch.nn.Parameter(p);
    g.made.push(param);
    return param;
  };
  const k = r.next();
  if (k < 0.75) return Array.from({ length: r.int(1, 3) }, make);
  if (k < 0.85) return [{ params: [make()], lr: r.pick([0.1, -1, NaN]) }, { params: [make()] }];
  if (k < 0.9) return [];
  return hostile(g);
}

function optimizerTargets(): Target[] {
  const optim = torch.optim as unknown as Record<string, unknown>;
  const out: Target[] = [];
  for (const key of Object.keys(optim).sort()) {
    const C = optim[key] as { new (...a: unknown[]): any; prototype: unknown };
    if (typeof C !== 'function' || key === 'Optimizer' || !(C.prototype instanceof (torch.optim.Optimizer as any))) continue;
    out.push({
      name: `optim.${key}`,
      make: (g) => {
        const r = g.rng;
        const params = optimParams(g);
        const opts: Record<string, unknown> = {};
        for (let i = r.int(0, 3); i > 0; i--) {
          const k = r.pick(OPTIM_KEYS);
          opts[k] = k === 'betas' || k === 'etas' || k === 'stepSizes' ? r.pick([[0.9, 0.99], [0.5], [2, -1], 0.9]) : r.pick([0.01, 0.9, 0, -0.5, true, false, NaN, null, 'strong_wolfe', hostile(g)]);
        }
        const ctor = r.chance(0.8) ? [params, opts] : [params, r.pick([0.1, -1, 'x'])];
        const call: Call = { target: `optim.${key}`, args: ctor, owned: [], run: () => undefined };
        call.run = () => {
          const opt = new C(...ctor);
          call.owned!.push(opt.state);
          const list: Tensor[] = opt.paramGroups.flatMap((grp: { params: Tensor[] }) => grp.params);
          for (const p of list) {
            if (r.chance(0.85)) {
              const shape = r.chance(0.9) ? p.shape : g.randomShape();
              (p as any).grad = g.tensor({ shape, dtype: r.chance(0.9) ? p.dtype : torch.float64 });
            }
          }
          const steps = r.int(0, 3);
          for (let s = 0; s < steps; s++) {
            const closure = (): Tensor => {
              const loss = torch.tidy(() => list.reduce((acc, p) => acc.add(p.float().square().sum()), torch.zeros([])));
              g.made.push(loss);
              return loss;
            };
            opt.step(key === 'LBFGS' || r.chance(0.2) ? closure : undefined);
          }
          if (r.chance(0.5)) opt.zeroGrad({ setToNone: r.chance(0.5) });
          return list;
        };
        return call;
      },
    });
  }
  return out;
}

/** An lr scheduler argument: small numbers, lists of milestones, lambdas, or something hostile. */
function schedulerArg(g: Gen): unknown {
  const r = g.rng;
  const k = r.next();
  if (k < 0.35) return r.int(1, 5);
  if (k < 0.55) return r.pick([0.1, 0.5, 0.9, 1.5, -1, 0]);
  if (k < 0.65) return [r.int(1, 3), r.int(3, 6)];
  if (k < 0.75) return (epoch: number) => 0.95 ** epoch;
  if (k < 0.8) return r.pick(['triangular', 'cos', 'min', 'max', 'rel']);
  return hostile(g);
}

/** lr schedulers on a valid optimizer: constructed with random arguments, stepped a few times. */
function schedulerTargets(): Target[] {
  const space = torch.optim.lr_scheduler as unknown as Record<string, unknown>;
  const out: Target[] = [];
  for (const key of Object.keys(space).sort()) {
    const C = space[key] as { new (...a: unknown[]): { step(...a: unknown[]): void; getLastLr?: () => number[] } };
    if (typeof C !== 'function' || key.startsWith('_') || key === 'LRScheduler') continue;
    out.push({
      name: `lr_scheduler.${key}`,
      make: (g) => {
        const r = g.rng;
        const data = torch.zeros(2);
        const p = new torch.nn.Parameter(data);
        g.made.push(data, p);
        const opt = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
        const args = Array.from({ length: r.int(0, 3) }, () => schedulerArg(g));
        if (r.chance(0.3)) args.push({ [r.pick(['stepSize', 'gamma', 'milestones', 'tMax', 'maxLr', 'totalSteps', 'mode', 'patience', 'factor', 'baseLr', 'lastEpoch'])]: schedulerArg(g) });
        const ctorArgs = key === 'ChainedScheduler' ? [[new torch.optim.lr_scheduler.StepLR(opt, 1)], ...args] : [opt, ...args];
        return {
          target: `lr_scheduler.${key}`,
          args: ctorArgs.slice(1),
          owned: [opt.state],
          run: () => {
            const s = new C(...ctorArgs);
            for (let i = r.int(0, 4); i > 0; i--) s.step(...(key === 'ReduceLROnPlateau' ? [r.pick([1, 0.5, NaN, 'x'])] : []));
            return s.getLastLr?.();
          },
        };
      },
    });
  }
  return out;
}

/** Every target, in a fixed order (so a seed picks the same calls on every run). */
export function allTargets(): Target[] {
  const targets = [...opTargets(), ...functionalTargets(), ...tensorMethodTargets(), backwardTarget(), ...moduleTargets(), ...optimizerTargets(), ...schedulerTargets()];
  const known = new Set(targets.map((t) => t.name));
  return [...targets, ...torchFunctionTargets(known)];
}
