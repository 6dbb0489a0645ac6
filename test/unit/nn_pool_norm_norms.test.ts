// Normalization modules: BatchNorm1d/2d/3d (running statistics over training steps,
// momentum = null as a cumulative average, eval mode, num_batches_tracked and its
// state_dict rule), InstanceNorm1d/2d/3d (unbatched inputs, tracked statistics),
// LayerNorm, GroupNorm: values recorded from PyTorch 1.13 (inputs drawn after
// manualSeed, whose streams match PyTorch's), gradcheck, reprs, errors, memory.
import { describe, it, expect } from 'vitest';
import { torch, expectClose, values } from '../helpers.js';
import { det } from './nn_helpers.js';

const nn = torch.nn;
type T = torch.Tensor;
const gc = torch.autograd.gradcheck;

describe('BatchNorm', () => {
  it('BatchNorm2d: running statistics after three training steps, then eval mode (PyTorch values)', () => {
    torch.manualSeed(0);
    const bn = new nn.BatchNorm2d(3, { momentum: 0.3 });
    const xs = [0, 1, 2].map((i) => torch.randn(4, 3, 2, 3).mul(i + 1).add(i));
    let y: T | null = null;
    for (const x of xs) y = bn(x);
    expectClose(bn.running_mean!, [1.033594, 0.8663471, 0.8981199]);
    expectClose(bn.running_var!, [3.3172, 2.605893, 3.335919]);
    expect(bn.num_batches_tracked!.item()).toBe(3);
    expectClose(y!.flatten().narrow(0, 0, 6), [-0.1627684, -0.5129117, -1.95466, -0.508464, 1.21189, 0.07403334]);
    bn.eval();
    torch.manualSeed(10);
    expectClose(bn(torch.randn(2, 3, 2, 2)), [
      -1.016256, -0.8725329, -1.021392, -1.279592, -0.6589472, -1.134053, -0.8546505, 1.091159, -0.4819583, -0.5619013, -0.5434154, -0.4629453,
      -0.4364755, -1.422104, 0.3368644, -1.165474, -0.6271088, -0.6798669, -0.8461193, -0.3429642, -0.5340217, -0.3041506, -0.9064363, -1.349147,
    ]);
    expect(bn.num_batches_tracked!.item()).toBe(3);
  });

  it('BatchNorm1d with momentum = null keeps a cumulative average', () => {
    torch.manualSeed(1);
    const bn = new nn.BatchNorm1d(4, { momentum: null });
    for (let i = 0; i < 3; i++) bn(torch.randn(5, 4).add(i));
    expectClose(bn.running_mean!, [1.359295, 1.339723, 0.7094941, 0.6613354]);
    expectClose(bn.running_var!, [0.5177809, 0.7145646, 1.016682, 1.143466]);
  });

  it('without tracked statistics uses batch statistics in eval mode too', () => {
    torch.manualSeed(2);
    const bn = new nn.BatchNorm1d(3, { trackRunningStats: false, affine: false }).eval();
    expect([bn.running_mean, bn.running_var, bn.num_batches_tracked, bn.weight, bn.bias]).toEqual([null, null, null, null, null]);
    expect(Object.keys(bn.stateDict())).toEqual([]);
    expectClose(bn(torch.randn(4, 3, 2)), [
      -1.351197, 1.611134, -1.339106, -1.071099, -1.06593, 1.717007, -1.376306, 0.04409688, -0.6595492, 1.386043, -0.9545888, 0.2482195,
      0.02411317, -0.1923254, 0.1340704, 0.5870066, -0.5070845, -1.093538, -0.04126883, 1.281754, -0.4875436, 1.450178, 0.5843098, 1.071605,
    ]);
  });

  it('BatchNorm3d: input, weight and bias gradients (PyTorch values) and gradcheck', () => {
    torch.manualSeed(3);
    const bn = new nn.BatchNorm3d(2);
    const x = torch.randn(2, 2, 2, 2, 3).requiresGrad_(true);
    const y = bn(x);
    y.mul(torch.randn(y.shape)).sum().backward();
    expectClose(bn.running_mean!, [0.02548202, 0.01410157]);
    expectClose(bn.running_var!, [1.000666, 0.9424919]);
    expectClose(x.grad!.flatten().narrow(0, 0, 6), [-0.1539552, 2.529685, -0.02152257, 0.152389, 0.9142157, -2.042358], 1e-4, 1e-5);
    expectClose(bn.weight!.grad!, [1.725691, -5.521918], 1e-4, 1e-5);
    expectClose(bn.bias!.grad!, [-6.718632, 1.829033], 1e-4, 1e-5);
    const b64 = new nn.BatchNorm2d(3, { dtype: torch.float64 });
    const a = det([3, 3, 2, 2], 2, { requiresGrad: true });
    expect(gc((t: T) => b64(t), [a])).toBe(true);
    b64.eval();
    expect(gc((t: T) => b64(t), [a])).toBe(true);
  });

  it('default initialisation: weight 1, bias 0, running statistics 0 and 1, a 0-d int64 count, no random draws', () => {
    torch.manualSeed(4);
    const bn = new nn.BatchNorm2d(3);
    expect(values(bn.weight!)).toEqual([1, 1, 1]);
    expect(values(bn.bias!)).toEqual([0, 0, 0]);
    expect(values(bn.running_mean!)).toEqual([0, 0, 0]);
    expect(values(bn.running_var!)).toEqual([1, 1, 1]);
    expect([bn.num_batches_tracked!.shape, bn.num_batches_tracked!.dtype]).toEqual([[], torch.int64]);
    expect(bn.weight!.requiresGrad && !bn.running_mean!.requiresGrad).toBe(true);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    // PyTorch draws nothing either: the next number is the seed's first
    expectClose(torch.randn(1), [-1.605276346206665]);
    const b64 = new nn.BatchNorm1d(2, { dtype: torch.float64 });
    expect([b64.weight!.dtype, b64.running_var!.dtype, b64.num_batches_tracked!.dtype]).toEqual([torch.float64, torch.float64, torch.int64]);
    expect(() => new nn.BatchNorm1d(2, { device: 'cuda' })).toThrow("BatchNorm1d: device \"cuda\" is not available: this runtime has only the 'cpu' device");
  });

  it('loads a state_dict without num_batches_tracked as 0 (PyTorch _load_from_state_dict rule)', () => {
    const bn = new nn.BatchNorm2d(3);
    bn.num_batches_tracked!.fill_(5);
    const sd = bn.stateDict();
    delete sd.num_batches_tracked;
    const r = bn.loadStateDict(sd);
    expect(r).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(bn.num_batches_tracked!.item()).toBe(0);
    const net = new nn.Sequential(new nn.BatchNorm1d(2));
    const old = { '0.weight': torch.ones(2), '0.bias': torch.zeros(2), '0.running_mean': torch.zeros(2), '0.running_var': torch.ones(2) };
    const before = torch.memory();
    net.loadStateDict(old);
    expect(torch.memory().bytesInUse).toBe(before.bytesInUse); // the zero it loads is freed with the load
    expect(net[0].num_batches_tracked!.item()).toBe(0);
    expect(() => new nn.BatchNorm2d(3).loadStateDict({ weight: torch.ones(4) })).toThrow(
      'Error(s) in loading state_dict for BatchNorm2d:\n\tMissing key(s) in state_dict: "bias", "running_mean", "running_var". \n\tsize mismatch for weight: copying a param with shape torch.Size([4]) from checkpoint, the shape in current model is torch.Size([3]).',
    );
  });

  it('checks input ranks, and a rejected input changes no statistic', () => {
    expect(() => new nn.BatchNorm2d(3)(torch.zeros(2, 3, 4))).toThrow('expected 4D input (got 3D input)');
    expect(() => new nn.BatchNorm1d(3)(torch.zeros(2, 3, 4, 5))).toThrow('expected 2D or 3D input (got 4D input)');
    expect(() => new nn.BatchNorm3d(3)(torch.zeros(2, 3, 4))).toThrow(torch.ValueError);
    const bn = new nn.BatchNorm1d(3, { momentum: null });
    expect(() => bn(torch.ones(1, 3))).toThrow('Expected more than 1 value per channel when training, got input size torch.Size([1, 3])');
    expect(() => bn(torch.ones(2, 4))).toThrow('running_mean should contain 4 elements not 3');
    expect(bn.num_batches_tracked!.item()).toBe(0);
    expect(values(bn.running_mean!)).toEqual([0, 0, 0]);
  });

  it('prints as PyTorch', () => {
    expect(String(new nn.BatchNorm1d(5))).toBe('BatchNorm1d(5, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(String(new nn.BatchNorm2d(3, { momentum: null, affine: false }))).toBe('BatchNorm2d(3, eps=1e-05, momentum=None, affine=False, track_running_stats=True)');
    expect(String(new nn.BatchNorm3d(4, 1e-3, 0.3, true, false))).toBe('BatchNorm3d(4, eps=0.001, momentum=0.3, affine=True, track_running_stats=False)');
  });

  it('keeps the wasm heap flat over 1000 training steps', () => {
    const bn = new nn.BatchNorm2d(4);
    const x = det([3, 4, 3, 3], 1, { dtype: torch.float32 }).requiresGrad_(true);
    const step = (): void => {
      torch.tidy(() => bn(x).square().sum().backward());
      for (const p of [...bn.parameters(), x]) {
        p.grad?.dispose();
        p.grad = null;
      }
    };
    step();
    const before = torch.memory().bytesInUse;
    for (let i = 0; i < 1000; i++) step();
    expect(torch.memory().bytesInUse).toBe(before);
    expect(bn.num_batches_tracked!.item()).toBe(1001);
  });
});

describe('InstanceNorm', () => {
  it('InstanceNorm1d with affine and tracked statistics: training output and statistics, eval on an unbatched input', () => {
    torch.manualSeed(4);
    const m = new nn.InstanceNorm1d(3, { affine: true, trackRunningStats: true });
    torch.noGrad(() => {
      m.weight!.copy_(torch.tensor([1, 2, 0.5]));
      m.bias!.copy_(torch.tensor([0, -1, 1]));
    });
    expectClose(m(torch.randn(2, 3, 4)), [
      -1.277546, 1.501336, -0.3225646, 0.09877422, 0.04421017, -0.5803752, -4.345539, 0.8817036, 0.3214369, 1.014784, 1.731275, 0.9325041,
      -0.6908293, 0.3425535, 1.467339, -1.119063, 1.465503, -3.499469, -2.338245, 0.3722115, 1.85062, 0.865748, 0.6720281, 0.6116036,
    ]);
    expectClose(m.running_mean!, [0.005338955, -0.001373952, 0.005844736]);
    expectClose(m.running_var!, [1.042083, 1.122526, 1.095372]);
    expect(m.num_batches_tracked!.item()).toBe(0);
    m.eval();
    expectClose(m(torch.randn(3, 4)), [0.1525302, 1.14661, -0.359367, 0.4533627, -2.373413, -2.721183, -1.094303, -0.795147, 1.538723, 0.8674864, 1.14522, 1.221834]);
  });

  it('InstanceNorm2d/3d normalise each sample and channel, unbatched or not', () => {
    torch.manualSeed(5);
    expectClose(new nn.InstanceNorm2d(3)(torch.randn(3, 2, 3)), [
      1.944863, 0.5050048, -0.4255709, -1.109477, -0.2005944, -0.7142256, 0.09555845, -0.1202996, 1.903672, -0.3283749, -0.05331643, -1.497239,
      1.103876, -0.4751491, -0.8660663, 1.525579, -0.07477967, -1.21346,
    ]);
    expectClose(new nn.InstanceNorm3d(2)(torch.randn(1, 2, 2, 2, 2)), [
      1.065478, -0.3675669, 1.237251, -0.01097557, 0.4843476, -2.065323, 0.393921, -0.7371328, 1.353545, -0.9943045, -1.183427, 0.543364,
      0.2005956, -1.057222, -0.3474041, 1.484853,
    ]);
    const m = new nn.InstanceNorm2d(2, { affine: true, dtype: torch.float64 });
    expect(gc((t: T) => m(t), [det([2, 2, 3, 2], 3, { requiresGrad: true })])).toBe(true);
  });

  it('checks input ranks and loading, as PyTorch', () => {
    expect(() => new nn.InstanceNorm1d(3)(torch.zeros(2, 3, 4, 5))).toThrow('expected 2D or 3D input (got 4D input)');
    expect(() => new nn.InstanceNorm3d(3)(torch.zeros(2, 3, 4))).toThrow('expected 4D or 5D input (got 3D input)');
    expect(() => new nn.InstanceNorm1d(3, { trackRunningStats: true }).eval()(torch.zeros(2, 4, 5))).toThrow('running_mean should contain 8 elements not 6');
    expect(() => new nn.InstanceNorm2d(3)(torch.zeros(2, 3, 1, 1))).toThrow('Expected more than 1 spatial element when training, got input size torch.Size([2, 3, 1, 1])');
    expect(new nn.InstanceNorm1d(3)(torch.randn(2, 4, 5)).shape).toEqual([2, 4, 5]); // no channel check without affine or statistics
    expect(() => new nn.InstanceNorm2d(3).loadStateDict({ running_mean: torch.zeros(3), running_var: torch.ones(3) })).toThrow(
      'Error(s) in loading state_dict for InstanceNorm2d:\n\tUnexpected running stats buffer(s) "running_mean" and "running_var" for InstanceNorm2d with track_running_stats=False. If state_dict is a checkpoint saved before 0.4.0, this may be expected because InstanceNorm2d does not track running stats by default since 0.4.0. Please remove these keys from state_dict. If the running stats are actually needed, instead set track_running_stats=True in InstanceNorm2d to enable them. See the documentation of InstanceNorm2d for details.',
    );
  });

  it('prints as PyTorch', () => {
    expect(String(new nn.InstanceNorm1d(3))).toBe('InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)');
    expect(String(new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true }))).toBe('InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
  });
});

describe('LayerNorm and GroupNorm', () => {
  it('give PyTorch values', () => {
    torch.manualSeed(6);
    const ln = new nn.LayerNorm([3, 2]);
    const gn = new nn.GroupNorm(2, 4, { eps: 1e-3 });
    torch.noGrad(() => {
      ln.weight!.copy_(torch.randn(3, 2));
      ln.bias!.copy_(torch.randn(3, 2));
    });
    expectClose(ln(torch.randn(2, 3, 2)), [-0.7327731, 0.728347, 1.505225, 0.1336162, -1.366573, 0.4856991, 0.830853, 0.1562496, 0.5777748, -0.9149364, -2.234139, 0.3894787]);
    torch.noGrad(() => {
      gn.weight!.copy_(torch.randn(4));
      gn.bias!.copy_(torch.randn(4));
    });
    expectClose(gn(torch.randn(2, 4, 3)), [
      0.1818568, 0.8539014, -0.391435, -2.803893, 0.1203309, -2.587955, -0.2088712, 0.557227, 0.146612, 0.2241114, 0.9499823, -0.01531162,
      0.2997396, 0.4944681, 0.6533966, -4.204197, -0.5047039, 1.816299, 0.2180032, 0.2969556, 1.158737, 0.5128034, 0.2513422, -1.028618,
    ]);
  });

  it('have PyTorch parameters, attributes and reprs', () => {
    const ln = new nn.LayerNorm(5);
    expect([ln.normalizedShape, ln.eps, ln.elementwiseAffine, ln.weight!.shape]).toEqual([[5], 1e-5, true, [5]]);
    expect(values(ln.weight!)).toEqual([1, 1, 1, 1, 1]);
    expect(String(ln)).toBe('LayerNorm((5,), eps=1e-05, elementwise_affine=True)');
    const ln2 = new nn.LayerNorm([6, 5], { eps: 1e-3, elementwiseAffine: false });
    expect([ln2.weight, ln2.bias, ln2.parameters().length]).toEqual([null, null, 0]);
    expect(String(ln2)).toBe('LayerNorm((6, 5), eps=0.001, elementwise_affine=False)');
    const gn = new nn.GroupNorm(3, 6, { affine: false });
    expect(String(gn)).toBe('GroupNorm(3, 6, eps=1e-05, affine=False)');
    expect(String(new nn.GroupNorm(2, 4))).toBe('GroupNorm(2, 4, eps=1e-05, affine=True)');
    expect(new nn.GroupNorm(2, 4, { dtype: torch.float64 }).weight!.dtype).toBe(torch.float64);
  });

  it('have exact gradients', () => {
    const ln = new nn.LayerNorm([3, 2], { dtype: torch.float64 });
    const gn = new nn.GroupNorm(2, 4, { dtype: torch.float64 });
    torch.noGrad(() => {
      ln.weight!.copy_(det([3, 2], 4));
      gn.weight!.copy_(det([4], 5));
    });
    expect(gc((t: T, w: T) => torch.nn.functional.layerNorm(t, [3, 2], w, ln.bias), [det([2, 3, 2], 6, { requiresGrad: true }), det([3, 2], 7, { requiresGrad: true })])).toBe(true);
    expect(gc((t: T) => gn(t), [det([2, 4, 3], 8, { requiresGrad: true })])).toBe(true);
  });

  it('reproduce PyTorch errors', () => {
    expect(() => new nn.GroupNorm(3, 4)).toThrow('num_channels must be divisible by num_groups');
    expect(() => new nn.GroupNorm(0, 4)).toThrow(torch.ZeroDivisionError);
    expect(() => new nn.LayerNorm(4)(torch.zeros(2, 3))).toThrow('Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]');
    expect(() => new nn.GroupNorm(2, 4)(torch.zeros(2, 6, 3))).toThrow(
      'Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [4] and input of shape [2, 6, 3]');
    expect(() => new nn.GroupNorm(2, 2)(torch.zeros(1, 2))).toThrow('Expected more than 1 value per channel when training, got input size [1, 2]');
  });
});
