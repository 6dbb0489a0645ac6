import { describe, it, expect, vi, afterEach } from 'vitest';
import { torch } from '../helpers.js';

const S = torch.optim.lr_scheduler;
type Sched = { step(metric?: number): void; getLastLr(): number[] };

// Learning rates PyTorch 1.13 gives for these schedules (rows: epochs; columns: the lr of
// each group, then momentum or Adam's beta1 where recorded), from:
//   ps = [nn.Parameter(torch.zeros(1)) for _ in lrs]
//   opt = SGD([{'params': [p], 'lr': lr} for p, lr in zip(ps, lrs)], lr=lrs[0], **kw)
//   each epoch: record group lrs, opt.step(), sched.step() (sched.step(metric) for plateau)
const PYTORCH: Record<string, number[][] | number[] | (number | number)[][]> = {
  step: [[0.1, 0.02], [0.1, 0.02], [0.03, 0.006], [0.03, 0.006], [0.009, 0.0018], [0.009, 0.0018], [0.0026999999999999997, 0.00054], [0.0026999999999999997, 0.00054], [0.0008099999999999998, 0.000162]],
  multistep: [[0.1], [0.1], [0.1], [0.025], [0.025], [0.025], [0.0125], [0.0125], [0.0125]],
  exponential: [[0.1], [0.06999999999999999], [0.048999999999999995], [0.0343], [0.024009999999999997], [0.016806999999999996], [0.011764899999999997], [0.008235429999999997]],
  cosine: [[0.1, 0.05], [0.0775, 0.04], [0.032500000000000015, 0.020000000000000004], [0.01, 0.01], [0.0325, 0.019999999999999997], [0.07750000000000005, 0.040000000000000015], [0.10000000000000007, 0.05000000000000002], [0.07750000000000007, 0.04000000000000002], [0.03250000000000006, 0.020000000000000018], [0.01, 0.01], [0.0325, 0.019999999999999997], [0.07749999999999992, 0.03999999999999996], [0.09999999999999995, 0.04999999999999997], [0.07749999999999996, 0.03999999999999997]],
  cawr: [[0.1], [0.0505], [0.1], [0.0855017856687341], [0.0505], [0.0154982143312659], [0.1], [0.0962320368593087], [0.0855017856687341], [0.06944282990207196], [0.0505], [0.03155717009792806], [0.0154982143312659], [0.004767963140691307], [0.1], [0.09904887137995991]],
  linear: [[0.05], [0.06], [0.07], [0.08], [0.09], [0.09], [0.09], [0.09]],
  constant: [[0.025], [0.025], [0.025], [0.1], [0.1], [0.1]],
  lambda: [[0.1, 0.3], [0.05, 0.27], [0.03333333333333333, 0.243], [0.025, 0.21870000000000003], [0.020000000000000004, 0.19683], [0.016666666666666666, 0.17714700000000003]],
  multiplicative: [[0.1], [0.08000000000000002], [0.07600000000000001], [0.060800000000000014], [0.05776000000000001], [0.04620800000000001], [0.04389760000000001]],
  polynomial: [[0.1], [0.06400000000000002], [0.036000000000000004], [0.016000000000000004], [0.003999999999999999], [0.0], [0.0], [0.0]],
  cyclic_tri: [[0.01, 0.9], [0.039999999999999994, 0.8666666666666667], [0.06999999999999999, 0.8333333333333334], [0.09999999999999999, 0.8], [0.055, 0.8500000000000001], [0.01, 0.9], [0.04000000000000003, 0.8666666666666667], [0.06999999999999999, 0.8333333333333334], [0.09999999999999999, 0.8], [0.05500000000000005, 0.85], [0.01, 0.9], [0.04000000000000003, 0.8666666666666667]],
  cyclic_tri2: [[0.01], [0.05500000000000001], [0.1], [0.05500000000000001], [0.01], [0.0325], [0.05500000000000001], [0.0325], [0.01], [0.02125], [0.0325], [0.02125]],
  cyclic_exp: [[0.01, 0.95], [0.05050000000000001, 0.8374999999999999], [0.0829, 0.7474999999999999], [0.04280500000000001, 0.8588749999999999], [0.01, 0.95], [0.03657205000000001, 0.87618875], [0.05782969000000001, 0.8171397499999999], [0.03152336050000001, 0.8902128874999999], [0.01, 0.95], [0.027433922005000007, 0.9015724388749999]],
  onecycle_linear_adam: [[0.01, 0.9], [0.02333333333333333, 0.8666666666666667], [0.03666666666666667, 0.8333333333333334], [0.05, 0.8], [0.041683333333333336, 0.8166666666666667], [0.03336666666666667, 0.8333333333333334], [0.025050000000000003, 0.8500000000000001], [0.016733333333333336, 0.8666666666666667], [0.00841666666666667, 0.8833333333333333], [0.00010000000000000286, 0.9]],
  plateau_abs: [[0.1], [0.1], [0.1], [0.05], [0.05], [0.05], [0.05], [0.025], [0.025], [0.025]],
  plateau_eps: [[0.1], [0.1], [0.1], [0.1], [0.1], [0.1]],
  sequential: [[0.020000000000000004], [0.04666666666666667], [0.07333333333333333], [0.1], [0.08000000000000002], [0.06400000000000002], [0.051200000000000016], [0.04096000000000002]],
  chained: [[0.05], [0.045000000000000005], [0.08100000000000002], [0.07290000000000002], [0.06561000000000002], [0.05904900000000002]],
  step_closed: [0.1, 0.03, 0.009, 0.03],
  cosine_closed: [0.08681980515339464, 0.023180194846605363, 0.055],
  cawr_epochs: [[0.09330127018922195, 0.5, 3, 0], [0.006698729810778065, 2.5, 3, 2], [0.08966766701456176, 1.25, 6, 4], [0.09829629131445342, 1.0, 12, 10], [0.09957224306869053, 1.0, 24, 22]],
};

/** An SGD (or Adam) optimizer with one single-parameter group per lr. */
function optimizer(lrs: number[] = [0.1], opts: Record<string, unknown> = {}, kind: 'SGD' | 'Adam' = 'SGD') {
  const groups = lrs.map((lr) => {
    const p = torch.zeros(1);
    p.requiresGrad = true;
    return { params: [p], lr };
  });
  return new torch.optim[kind](groups, { lr: lrs[0], ...opts });
}

/** Each epoch: the groups' lrs (and momenta), then optimizer.step() and scheduler.step(). */
function run(opt: torch.optim.Optimizer, sched: Sched, epochs: number, opts: { momentum?: boolean; metrics?: number[] } = {}): number[][] {
  const rows: number[][] = [];
  for (let e = 0; e < epochs; e++) {
    const groups = opt.paramGroups;
    const row = groups.map((g) => g.lr);
    if (opts.momentum) row.push(...groups.map((g) => (Array.isArray(g.betas) ? g.betas[0] : g.momentum)));
    rows.push(row);
    opt.step();
    if (opts.metrics) sched.step(opts.metrics[e]);
    else sched.step();
  }
  return rows;
}

function expectRows(got: number[][] | number[], want: unknown, rtol = 1e-12): void {
  const g = (got as unknown[]).flat(2) as number[];
  const w = (want as unknown[]).flat(2) as number[];
  expect(g.length).toBe(w.length);
  g.forEach((x, i) => expect(Math.abs(x - w[i]), `value ${i}: ${x} vs ${w[i]}`).toBeLessThanOrEqual(rtol * Math.abs(w[i]) + 1e-15));
}

afterEach(() => vi.restoreAllMocks());

// First in this file: each warning shows once per process, as Python's default filter does.
describe('scheduler warnings', () => {
  const messages = (spy: { mock: { calls: unknown[][] } }, part: string) =>
    spy.mock.calls.map((c) => String(c[0])).filter((m) => m.includes(part));

  it('warns once when scheduler.step() comes before optimizer.step(), and the schedule goes on', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const o = optimizer();
    const s = new S.StepLR(o, 1);
    s.step();
    s.step();
    const o2 = optimizer();
    new S.StepLR(o2, 1).step();
    expect(messages(warn, 'Detected call of `lr_scheduler.step()` before `optimizer.step()`')).toEqual([
      'UserWarning: Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
    ]);
    expect(o.paramGroups[0].lr).toBeCloseTo(0.001, 15);
  });

  it('does not warn when optimizer.step() comes first', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const o = optimizer();
    const s = new S.StepLR(o, 1);
    o.step();
    s.step();
    expect(warn).not.toHaveBeenCalled();
  });

  it('step(epoch) warns that the epoch argument is deprecated', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const s = new S.StepLR(optimizer(), 2);
    s.step(3);
    s.step(4);
    expect(messages(warn, 'The epoch parameter in `scheduler.step()` was not necessary').length).toBe(1);
  });

  it('getLr() outside step() warns that getLastLr() is the way to read the rate', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    new S.StepLR(optimizer(), 2).getLr();
    expect(messages(warn, 'please use `get_last_lr()`').length).toBe(1);
  });
});

describe('lr schedules match PyTorch 1.13 (recursive forms)', () => {
  it('StepLR, MultiStepLR (a milestone listed twice decays twice), ExponentialLR', () => {
    let o = optimizer([0.1, 0.02]);
    expectRows(run(o, new S.StepLR(o, 2, { gamma: 0.3 }), 9), PYTORCH.step);
    o = optimizer();
    expectRows(run(o, new S.MultiStepLR(o, [3, 3, 6], 0.5), 9), PYTORCH.multistep);
    o = optimizer();
    expectRows(run(o, new S.ExponentialLR(o, { gamma: 0.7 }), 8), PYTORCH.exponential);
  });

  it('CosineAnnealingLR past T_max (PyTorch climbs back up) and CosineAnnealingWarmRestarts with T_mult', () => {
    let o = optimizer([0.1, 0.05]);
    expectRows(run(o, new S.CosineAnnealingLR(o, 3, { etaMin: 0.01 }), 14), PYTORCH.cosine);
    o = optimizer();
    expectRows(run(o, new S.CosineAnnealingWarmRestarts(o, { T_0: 2, T_mult: 2, eta_min: 0.001 }), 16), PYTORCH.cawr);
  });

  it('LinearLR, ConstantLR, PolynomialLR', () => {
    let o = optimizer();
    expectRows(run(o, new S.LinearLR(o, { startFactor: 0.5, endFactor: 0.9, totalIters: 4 }), 8), PYTORCH.linear);
    o = optimizer();
    expectRows(run(o, new S.ConstantLR(o, 0.25, 3), 6), PYTORCH.constant);
    o = optimizer();
    expectRows(run(o, new S.PolynomialLR(o, { totalIters: 5, power: 2 }), 8), PYTORCH.polynomial);
  });

  it('LambdaLR with one function per group, MultiplicativeLR', () => {
    let o = optimizer([0.1, 0.3]);
    expectRows(run(o, new S.LambdaLR(o, [(e) => 1 / (e + 1), (e) => 0.9 ** e]), 6), PYTORCH.lambda);
    o = optimizer();
    expectRows(run(o, new S.MultiplicativeLR(o, (e) => (e % 2 ? 0.8 : 0.95)), 7), PYTORCH.multiplicative);
  });

  it('CyclicLR: triangular with momentum cycling, triangular2, exp_range', () => {
    let o = optimizer([0.1], { momentum: 0.9 });
    expectRows(run(o, new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 3, stepSizeDown: 2 }), 12, { momentum: true }), PYTORCH.cyclic_tri);
    o = optimizer([0.1], { momentum: 0.9 });
    const tri2 = new S.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, mode: 'triangular2', cycleMomentum: false });
    expectRows(run(o, tri2, 12), PYTORCH.cyclic_tri2);
    o = optimizer([0.1], { momentum: 0.9 });
    const exp = new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 2, mode: 'exp_range', gamma: 0.9, baseMomentum: 0.7, maxMomentum: 0.95 });
    expectRows(run(o, exp, 10, { momentum: true }), PYTORCH.cyclic_exp);
  });

  it("OneCycleLR with linear annealing cycles Adam's beta1", () => {
    const o = optimizer([0.01], {}, 'Adam');
    const s = new S.OneCycleLR(o, 0.05, {
      epochs: 2, stepsPerEpoch: 5, pctStart: 0.4, annealStrategy: 'linear', divFactor: 5, finalDivFactor: 100,
      baseMomentum: 0.8, maxMomentum: 0.9,
    });
    expectRows(run(o, s, 10, { momentum: true }), PYTORCH.onecycle_linear_adam);
    expect(o.paramGroups[0].betas[1]).toBe(0.999);
  });

  it('ReduceLROnPlateau: abs threshold, cooldown, min_lr; eps keeps tiny reductions out', () => {
    let o = optimizer();
    const metrics = [1.0, 0.9, 0.88, 0.87, 0.86, 0.7, 0.69, 0.68, 0.67, 0.66];
    const s1 = new S.ReduceLROnPlateau(o, { factor: 0.5, patience: 0, threshold: 0.05, thresholdMode: 'abs', cooldown: 2, minLr: 0.02 });
    expectRows(run(o, s1, 10, { metrics }), PYTORCH.plateau_abs);
    o = optimizer();
    const s2 = new S.ReduceLROnPlateau(o, 'max', { factor: 0.5, patience: 1, minLr: 0.099, eps: 2e-3 });
    expectRows(run(o, s2, 6, { metrics: [1, 1, 1, 1, 1, 1] }), PYTORCH.plateau_eps);
    expect(s2.getLastLr()).toEqual([0.1]);
  });

  it('ReduceLROnPlateau takes a one-element tensor as the metric', () => {
    const o = optimizer();
    const s = new S.ReduceLROnPlateau(o, { patience: 0 });
    s.step(torch.tensor(1.5, { dtype: torch.float32 }));
    s.step(torch.tensor(2, { dtype: torch.float32 }));
    expect(o.paramGroups[0].lr).toBeCloseTo(0.01, 15);
    expect(s.best).toBe(1.5);
  });

  it('SequentialLR and ChainedScheduler', () => {
    let o = optimizer();
    const seq = new S.SequentialLR(o, [new S.LinearLR(o, { startFactor: 0.2, totalIters: 3 }), new S.ExponentialLR(o, 0.8)], [3]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expectRows(run(o, seq, 8), PYTORCH.sequential);
    warn.mockRestore();
    o = optimizer();
    const chained = new S.ChainedScheduler([new S.ConstantLR(o, { factor: 0.5, totalIters: 2 }), new S.ExponentialLR(o, 0.9)]);
    expectRows(run(o, chained, 6), PYTORCH.chained);
    expect(chained.getLastLr()).toEqual([o.paramGroups[0].lr]);
  });
});

describe('closed forms: step(epoch)', () => {
  it('StepLR and CosineAnnealingLR jump to the closed form', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let o = optimizer();
    const step = new S.StepLR(o, 2, 0.3);
    expectRows([1, 2, 5, 3].map((e) => (step.step(e), o.paramGroups[0].lr)), PYTORCH.step_closed);
    o = optimizer();
    const cos = new S.CosineAnnealingLR(o, 4, 0.01);
    expectRows([1, 3, 6].map((e) => (cos.step(e), o.paramGroups[0].lr)), PYTORCH.cosine_closed);
    warn.mockRestore();
  });

  it('CosineAnnealingWarmRestarts takes fractional epochs', () => {
    const o = optimizer();
    const s = new S.CosineAnnealingWarmRestarts(o, 3, 2);
    const rows = [0.5, 2.5, 4.25, 10.0, 22.0].map((e) => (s.step(e), [o.paramGroups[0].lr, s.TCur, s.Ti, s.lastEpoch]));
    expectRows(rows, PYTORCH.cawr_epochs);
  });
});

describe('scheduler state', () => {
  it('getLastLr, lastEpoch, baseLrs and initial_lr in the groups', () => {
    const o = optimizer([0.1, 0.2]);
    const s = new S.ExponentialLR(o, 0.5);
    expect(s.lastEpoch).toBe(0);
    expect(s.baseLrs).toEqual([0.1, 0.2]);
    expect(o.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.2]);
    o.step();
    s.step();
    expect(s.getLastLr()).toEqual([0.05, 0.1]);
    expect(s.lastEpoch).toBe(1);
    expect(o.stateDict().param_groups[0].initial_lr).toBe(0.1);
  });

  it("stateDict has PyTorch's keys; a new scheduler loading it continues the schedule", () => {
    const o = optimizer();
    const s = new S.StepLR(o, 2, 0.5);
    for (let i = 0; i < 3; i++) {
      o.step();
      s.step();
    }
    const sd = s.stateDict();
    expect(Object.keys(sd).sort()).toEqual(
      ['_get_lr_called_within_step', '_last_lr', '_step_count', 'base_lrs', 'gamma', 'last_epoch', 'step_size', 'verbose'],
    );
    expect(sd.last_epoch).toBe(3);
    const o2 = optimizer([o.paramGroups[0].lr]);
    o2.paramGroups[0].initialLr = 0.1;
    const s2 = new S.StepLR(o2, 7, 0.9, 2);
    s2.loadStateDict(sd);
    expect(s2.stepSize).toBe(2);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 4; i++) {
      o.step();
      s.step();
      o2.step();
      s2.step();
      a.push(o.paramGroups[0].lr);
      b.push(o2.paramGroups[0].lr);
    }
    expect(b).toEqual(a);
  });

  it('MultiStepLR keeps its milestone counts; T_max and friends keep their PyTorch names', () => {
    const o = optimizer();
    expect(new S.MultiStepLR(o, [2, 2, 5]).stateDict().milestones).toEqual(new Map([[2, 2], [5, 1]]));
    const sd = new S.CosineAnnealingWarmRestarts(optimizer(), 3).stateDict();
    expect(['T_0', 'T_i', 'T_mult', 'T_cur', 'eta_min'].every((k) => k in sd)).toBe(true);
    expect(new S.CosineAnnealingLR(optimizer(), 5).stateDict().T_max).toBe(5);
  });

  it('SequentialLR and ChainedScheduler save their schedulers; LambdaLR saves None for functions', () => {
    const o = optimizer();
    const seq = new S.SequentialLR(o, [new S.ConstantLR(o), new S.ExponentialLR(o, 0.9)], [2]);
    const sd = seq.stateDict();
    expect((sd._schedulers as unknown[]).length).toBe(2);
    expect(sd._milestones).toEqual([2]);
    expect(new S.LambdaLR(optimizer(), () => 1).stateDict().lr_lambdas).toEqual([null]);
  });

  it('ReduceLROnPlateau state_dict round trip keeps its comparison mode', () => {
    const o = optimizer();
    const s = new S.ReduceLROnPlateau(o, { mode: 'max', patience: 1 });
    s.step(1);
    s.step(0.5);
    const sd = s.stateDict();
    expect(sd.mode_worse).toBe(-Infinity);
    expect(sd.num_bad_epochs).toBe(1);
    const s2 = new S.ReduceLROnPlateau(optimizer());
    s2.loadStateDict(sd);
    expect(s2.mode).toBe('max');
    expect(s2.isBetter(2, 1)).toBe(true);
  });
});

describe('scheduler errors and warnings', () => {
  it('resuming without initial_lr raises KeyError', () => {
    const o = optimizer();
    expect(() => new S.StepLR(o, 3, { lastEpoch: 4 })).toThrow(torch.KeyError);
    expect(() => new S.StepLR(o, 3, { lastEpoch: 4 })).toThrow(
      "param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer",
    );
    o.paramGroups[0].initialLr = 0.1;
    const s = new S.StepLR(o, 3, { lastEpoch: 4 });
    expect(s.lastEpoch).toBe(5);
  });

  it('OneCycleLR stepped past total_steps raises ValueError', () => {
    const o = optimizer([0.1], { momentum: 0.9 });
    const s = new S.OneCycleLR(o, 1, { totalSteps: 3 });
    for (let i = 0; i < 3; i++) {
      o.step();
      s.step();
    }
    expect(() => s.step()).toThrow(torch.ValueError);
    expect(() => s.step()).toThrow('Tried to step 6 times. The specified number of total steps is 3');
  });

  it("constructor checks with PyTorch's messages", () => {
    const o = optimizer();
    const adam = optimizer([0.1], {}, 'Adam');
    const cases: [() => unknown, string][] = [
      [() => new S.ConstantLR(o, 1.5), 'Constant multiplicative factor expected to be between 0 and 1.'],
      [() => new S.LinearLR(o, -0.1), 'Starting multiplicative factor expected to be between 0 and 1.'],
      [() => new S.LinearLR(o, 0.5, 1.5), 'Ending multiplicative factor expected to be between 0 and 1.'],
      [() => new S.CosineAnnealingWarmRestarts(o, 0), 'Expected positive integer T_0, but got 0'],
      [() => new S.CosineAnnealingWarmRestarts(o, 2, 1.5), 'Expected integer T_mult >= 1, but got 1.5'],
      [() => new S.CyclicLR(o, 0.1, 1, { mode: 'sine' }), 'mode is invalid and scale_fn is None'],
      [() => new S.CyclicLR(adam, 0.1, 1), 'optimizer must support momentum with `cycle_momentum` option enabled'],
      [() => new S.CyclicLR(o, [0.1, 0.2], 1, { cycleMomentum: false }), 'expected 1 values for base_lr, got 2'],
      [() => new S.OneCycleLR(o, 1), 'You must define either total_steps OR (epochs AND steps_per_epoch)'],
      [() => new S.OneCycleLR(o, 1, { totalSteps: 0 }), 'Expected positive integer total_steps, but got 0'],
      [() => new S.OneCycleLR(o, 1, { totalSteps: 10, pctStart: 1.5 }), 'Expected float between 0 and 1 pct_start, but got 1.5'],
      [() => new S.OneCycleLR(o, 1, { totalSteps: 10, annealStrategy: 'cosine' }), "anneal_strategy must by one of 'cos' or 'linear', instead got cosine"],
      [() => new S.ReduceLROnPlateau(o, { factor: 1 }), 'Factor should be < 1.0.'],
      [() => new S.ReduceLROnPlateau(o, 'avg'), 'mode avg is unknown!'],
      [() => new S.ReduceLROnPlateau(o, { thresholdMode: 'pct' }), 'threshold mode pct is unknown!'],
      [() => new S.ReduceLROnPlateau(o, { minLr: [0, 0] }), 'expected 1 min_lrs, got 2'],
      [() => new S.LambdaLR(o, [() => 1, () => 2]), 'Expected 1 lr_lambdas, but got 2'],
      [() => new S.SequentialLR(o, [new S.ConstantLR(o)], [1]), 'Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points'],
      [() => new S.SequentialLR(o, [new S.ConstantLR(adam), new S.ConstantLR(o)], [1]), 'Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 0 to be different than the optimizer passed in.'],
      [() => new S.ChainedScheduler([new S.ConstantLR(o), new S.ConstantLR(adam)]), 'ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and 1 to be different'],
    ];
    for (const [f, msg] of cases) {
      expect(f, msg).toThrow(torch.ValueError);
      expect(f, msg).toThrow(msg);
    }
    expect(() => new S.StepLR({} as never, 2)).toThrow(TypeError);
    expect(() => new S.StepLR({} as never, 2)).toThrow('Object is not an Optimizer');
  });

  it('verbose prints each adjustment as PyTorch does', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const o = optimizer();
    new S.ExponentialLR(o, 0.5, { verbose: true });
    expect(log).toHaveBeenCalledWith('Adjusting learning rate of group 0 to 1.0000e-01.');
  });
});
