// Convolution modules (Conv1d/2d/3d, ConvTranspose1d/2d/3d) and the 3-d functional
// convolutions they need: outputs and gradients against PyTorch 1.13 for the same
// det() inputs, gradcheck (first and second order), padding modes, output_size,
// default initialisation bit for bit, reprs, PyTorch's errors, memory.
import { describe, it, expect } from 'vitest';
import { torch, expectClose, values } from '../helpers.js';
import { det, gradOf } from './nn_helpers.js';

const nn = torch.nn;
const F = torch.nn.functional;
const gc = torch.autograd.gradcheck;
const f64 = { dtype: torch.float64 };
const close = (t: torch.Tensor, want: number[]): void => expectClose(t, want, 1e-8, 1e-9);

describe('F.conv3d', () => {
  it('matches PyTorch with stride, padding, dilation and groups', () => {
    const x = det([1, 2, 3, 4, 3], 1, { requiresGrad: true });
    const w = det([2, 1, 2, 3, 2], 2, { requiresGrad: true });
    const b = det([2], 3, { requiresGrad: true });
    const y = F.conv3d(x, w, b, { stride: [1, 2, 1], padding: [1, 1, 0], dilation: [2, 1, 1], groups: 2 });
    expect(y.shape).toEqual([1, 2, 3, 2, 2]);
    close(y, [
      0.130459903, 1.358179817, 0.06860998576, 1.163567553, -0.02215511389, 1.049655191, -0.1896440241, 1.697475288,
      0.1083841107, 0.4609012835, 0.6210024842, 0.2337864431, 0.5830034033, 0.7567427873, 0.5852401009, -0.6976701051,
      1.517641663, -1.831502248, 2.922320142, -0.5952017742, 1.13234127, -0.003267170904, 1.162271358, 1.247410963,
    ]);
    y.backward(det([1, 2, 3, 2, 2], 4));
    close(w.grad!, [
      -0.6147634293, 0.2036013593, 2.185049665, 0.2246133149, 0.6344649819, 1.012430783, 0.005610969208, 0.1589228395,
      1.749185379, -1.37666944, 0.2730048031, -0.3529259328, -0.6430920618, 0.4531738915, -1.67009462, -1.475830371,
      0.4902633407, 1.104400016, 0.2270374643, -0.3451509019, -0.8060719386, -1.27877229, 1.081855903, -1.57393202,
    ]);
    close(b.grad!, [0.1989977956, -2.278646171]);
  });

  it('has exact first and second derivatives', () => {
    const x = det([2, 4, 4, 3, 4], 5, { requiresGrad: true });
    const w = det([4, 2, 2, 2, 3], 6, { requiresGrad: true });
    const b = det([4], 7, { requiresGrad: true });
    const f = (a: torch.Tensor, k: torch.Tensor, c: torch.Tensor) => F.conv3d(a, k, c, { stride: [2, 1, 2], padding: [0, 1, 1], dilation: [1, 2, 1], groups: 2 });
    expect(gc(f, [x, w, b])).toBe(true);
    const xs = det([1, 2, 3, 3, 3], 8, { requiresGrad: true });
    const ws = det([2, 1, 2, 1, 2], 9, { requiresGrad: true });
    expect(gc(gradOf((a: torch.Tensor, k: torch.Tensor) => F.conv3d(a, k, null, { padding: 1, groups: 2 }), 2), [xs, ws])).toBe(true);
  });

  it("accepts unbatched input and padding='same' / 'valid'", () => {
    const x = det([2, 5, 4, 4], 10, { requiresGrad: true });
    const w = det([3, 2, 4, 3, 2], 11, { requiresGrad: true });
    const y = F.conv3d(x, w, null, { padding: 'same', dilation: [1, 2, 1] });
    expect(y.shape).toEqual([3, 5, 4, 4]);
    expect(gc((a: torch.Tensor, k: torch.Tensor) => F.conv3d(a, k, null, { padding: 'same' }), [x, w])).toBe(true);
    expect(F.conv3d(x, w, null, { padding: 'valid' }).shape).toEqual([3, 2, 2, 3]);
    expect(F.conv3d(det([0, 2, 3, 3, 3]), det([2, 2, 1, 1, 1])).shape).toEqual([0, 2, 3, 3, 3]);
  });

  it('checks shapes and arguments with PyTorch messages', () => {
    const w = det([2, 2, 1, 1, 1], 1);
    expect(() => F.conv3d(det([2, 3, 3]), w)).toThrow('Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: [2, 3, 3]');
    expect(() => F.conv3d(det([1, 2, 3, 3, 3]), det([2, 2, 1, 1]))).toThrow(
      'expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but got stride=[1, 1, 1]');
    expect(() => F.conv3d(det([1, 2, 3, 3, 3]), w, null, { stride: [1, 2] })).toThrow(
      'expected stride to be a single integer value or a list of 3 values to match the convolution dimensions, but got stride=[1, 2]');
    expect(() => F.conv3d(det([1, 2, 3, 3, 3]), det([2, 3, 1, 1, 1]))).toThrow(
      'Given groups=1, weight of size [2, 3, 1, 1, 1], expected input[1, 2, 3, 3, 3] to have 3 channels, but got 2 channels instead');
    expect(() => F.conv3d(det([1, 2, 3, 3, 3]), det([2, 2, 4, 1, 1]))).toThrow(
      "Calculated padded input size per channel: (3 x 3 x 3). Kernel size: (4 x 1 x 1). Kernel size can't be greater than actual input size");
    expect(() => F.conv3d(det([1, 4, 3, 3, 3]), det([3, 2, 1, 1, 1]), null, { groups: 2 })).toThrow(
      'Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [[3, 2, 1, 1, 1]] instead');
    expect(() => F.conv3d(det([1, 2, 3, 3, 3]), w, det([3]))).toThrow(
      'Given weight of size [2, 2, 1, 1, 1], expected bias to be 1-dimensional with 2 elements, but got bias of size [3] instead');
    expect(() => F.conv3d(det([1, 2, 3, 3, 3]), w, null, { stride: 2, padding: 'same' })).toThrow("padding='same' is not supported for strided convolutions");
    expect(() => F.conv3d(det([1, 2, 3, 3, 3]), w, null, { padding: 'foo' })).toThrow("Invalid padding string: 'foo'");
    expect(() => F.conv3d(det([1, 2, 3, 3, 3]), w, null, { stride: 0 })).toThrow('non-positive stride is not supported');
    expect(() => F.conv3d(det([1, 2, 3, 3, 3]), w, null, { padding: -1 })).toThrow('negative padding is not supported');
    expect(() => F.conv3d(det([1, 2, 3, 3, 3]), w.float())).toThrow('expected scalar type Double but found Float');
    expect(() => F.conv3d(det([1, 2, 3, 3, 3], 1, { dtype: torch.float32 }), w.float(), null, { groups: 0 })).toThrow(torch.RuntimeError);
  });
});

describe('F.conv_transpose3d', () => {
  it('matches PyTorch with stride, padding, output_padding, groups and dilation', () => {
    const x = det([1, 2, 2, 2, 2], 5, { requiresGrad: true });
    const w = det([2, 1, 2, 2, 2], 6, { requiresGrad: true });
    const b = det([2], 7, { requiresGrad: true });
    const y = F.convTranspose3d(x, w, b, { stride: [2, 1, 2], padding: [1, 0, 1], outputPadding: [1, 0, 0], groups: 2, dilation: [1, 2, 1] });
    expect(y.shape).toEqual([1, 2, 3, 4, 2]);
    close(y, [
      -0.1458665928, -0.6385336087, -0.7320011399, -0.2449621537, -0.3941162551, 0.1240508423, -0.4803360247, -0.9711103246,
      -0.2968608228, -0.3426331729, 0.3488200733, -0.2940047805, -0.401262666, -0.6659714964, -0.2368404033, -0.7840841799,
      -0.3917435144, -0.5436364366, -0.1834410504, -0.5986626314, -0.4302844892, -0.1400122558, -0.3996434179, 0.01310492518,
      -0.8972974432, -1.012553983, -0.7664857605, -0.8540844562, -0.2028630213, -0.710286493, -0.8204905668, -0.7542440792,
      -0.5286872471, -0.393474809, -1.35557009, -0.9167995381, -0.8437691402, -0.9943837909, -0.6168641091, -0.6954555874,
      -0.7189993599, -0.8810916861, -0.9093854663, -0.7371865696, -1.044697675, -0.7467525907, -0.145789403, -0.7866701803,
    ]);
    y.backward(det([1, 2, 3, 4, 2], 8));
    close(x.grad!, [
      0.2792703479, 0.344522121, 0.03340196378, -0.3377103652, -0.6702890349, 0.6639601734, 0.7452955151, 0.2459118239,
      -0.3053317039, 0.1463636177, 0.3658435818, -0.1642034822, 0.4183514538, -0.1481563504, -0.03905291135, -0.3471570277,
    ]);
    close(w.grad!, [
      0.1717975651, 0.4884531187, -0.4143344693, -0.3304953818, -0.2360358859, 1.105517105, 0.7220501733, -0.428824677,
      -0.1134532117, -0.1125580891, -0.1902847158, -0.1292263693, -0.3866419172, 0.3460606344, -0.1852529734, -0.5301585665,
    ]);
    close(b.grad!, [-1.231780291, 1.350364447]);
  });

  it('has exact first and second derivatives, unbatched too', () => {
    const x = det([2, 4, 2, 3, 2], 12, { requiresGrad: true });
    const w = det([4, 1, 2, 2, 3], 13, { requiresGrad: true });
    const b = det([4], 14, { requiresGrad: true });
    const f = (a: torch.Tensor, k: torch.Tensor, c: torch.Tensor) =>
      F.convTranspose3d(a, k, c, { stride: [2, 1, 3], padding: [0, 1, 1], outputPadding: [1, 0, 2], groups: 4, dilation: [2, 1, 1] });
    expect(gc(f, [x, w, b])).toBe(true);
    const xs = det([2, 2, 2, 2], 15, { requiresGrad: true });
    const ws = det([2, 2, 2, 1, 2], 16, { requiresGrad: true });
    expect(gc(gradOf((a: torch.Tensor, k: torch.Tensor) => F.convTranspose3d(a, k, null, { stride: 2 }), 2), [xs, ws])).toBe(true);
  });

  it('checks shapes and arguments with PyTorch messages', () => {
    const x = det([1, 2, 3, 3, 3]);
    expect(() => F.convTranspose3d(x, det([3, 2, 1, 1, 1]))).toThrow(
      'Given transposed=1, weight of size [3, 2, 1, 1, 1], expected input[1, 2, 3, 3, 3] to have 3 channels, but got 2 channels instead');
    expect(() => F.convTranspose3d(x, det([2, 2, 1, 1, 1]), null, { outputPadding: 1 })).toThrow(
      'output padding must be smaller than either stride or dilation, but got output_padding_depth: 1 output_padding_height: 1 output_padding_width: 1 ' +
      'stride_depth: 1 stride_height: 1 stride_width: 1 dilation_depth: 1 dilation_height: 1 dilation_width: 1');
    expect(() => F.convTranspose3d(det([2, 3, 3]), det([2, 2, 1, 1, 1]))).toThrow(
      'Expected 4D (unbatched) or 5D (batched) input to conv_transpose3d, but got input of size: [2, 3, 3]');
    expect(() => F.convTranspose3d(x, det([2, 2, 1, 1, 1]), null, { padding: 2 })).toThrow(
      'Given input size per channel: (3 x 3 x 3). Calculated output size per channel: (-1 x -1 x -1). Output size is too small');
    expect(() => F.convTranspose3d(x, det([2, 2, 1, 1, 1]), det([3]))).toThrow(
      'Given transposed=1, weight of size [2, 2, 1, 1, 1], expected bias to be 1-dimensional with 2 elements, but got bias of size [3] instead');
  });
});

describe('nn.Conv1d / Conv2d / Conv3d', () => {
  it('pads with padding_mode through F.pad as PyTorch (circular, reflect with same, replicate)', () => {
    const c1 = new nn.Conv1d(2, 2, 3, { padding: 2, paddingMode: 'circular', dtype: torch.float64 });
    c1.loadStateDict({ weight: det([2, 2, 3], 9), bias: det([2], 10) });
    let x = det([1, 2, 4], 11, { requiresGrad: true });
    let y = c1(x);
    close(y, [
      -0.3476106501, -0.9287909617, -0.7339924077, 0.03090308466, -0.3476106501, -0.9287909617, 1.046261486, -0.7715800064,
      -0.1272384498, 0.3644404661, 1.046261486, -0.7715800064,
    ]);
    y.backward(det([1, 2, 6], 12));
    close(x.grad!, [0.006174718833, 0.9174836849, -0.1725766046, 0.01830900097, -1.409939902, -0.9331137422, 0.1426675549, 0.000970039486]);

    const c2 = new nn.Conv2d(2, 1, [2, 3], { padding: 'same', paddingMode: 'reflect', bias: false, dtype: torch.float64 });
    c2.loadStateDict({ weight: det([1, 2, 2, 3], 13) });
    x = det([2, 3, 4], 14, { requiresGrad: true });
    y = c2(x);
    close(y, [
      -0.4848192317, -0.1934648698, -0.5846349449, 0.3419073304, -1.157043588, -0.7188843971, -1.164359456, -0.4194392002,
      -0.791294244, 1.106390374, -1.19962954, 0.2323877348,
    ]);
    y.backward(det([1, 3, 4], 15));
    close(x.grad!, [
      0.2430081215, -0.04652264489, -0.2202519603, -0.215416606, -0.317161806, -0.3471977442, -0.5016134173, -0.05669054159,
      0.0487402875, 0.7706482721, 0.007333636479, 0.06896947592, 0.2013795167, 0.1790829353, -0.3892396474, 0.0364663816,
      -0.4526510635, -1.332461417, 0.136785774, -1.012048488, 0.2956260421, 0.9873290357, 1.29294863, -0.7944213839,
    ]);

    const c3 = new nn.Conv3d(1, 2, 2, { padding: 1, paddingMode: 'replicate', stride: 2, dtype: torch.float64 });
    c3.loadStateDict({ weight: det([2, 1, 2, 2, 2], 16), bias: det([2], 17) });
    x = det([1, 1, 2, 3, 3], 18, { requiresGrad: true });
    y = c3(x);
    close(y, [
      0.5644718466, -0.8787042294, -0.1699302023, 0.2193846634, 2.200850535, 2.349318153, 1.329003181, 0.01272678722,
      0.2157044718, 1.105287715, 1.344011197, 0.8610581914, -0.8438311758, -0.9448699377, 1.404704493, 0.6540081614,
    ]);
    y.backward(det([1, 2, 2, 2, 2], 19));
    close(x.grad!, [
      1.662537238, -0.2737057837, -0.9922117145, 1.435637996, -0.1399664157, 0.04318080166, 1.819059422, 0.2819636046,
      0.3168651191, -1.163217838, 0.335389489, 1.239016596, 0.561666101, -0.0852626863, 0.1561711708, -1.002614205,
      0.2827807165, 0.4046909104,
    ]);
  });

  it('draws PyTorch default initialisation bit for bit', () => {
    torch.manualSeed(0);
    const c1 = new nn.Conv1d(2, 3, 2);
    expect(values(c1.weight)).toEqual([
      -0.003743410110473633, 0.26822179555892944, -0.4115225672721863, -0.3679695129394531, -0.19257718324661255,
      0.13407868146896362, -0.009906589984893799, 0.39644473791122437, -0.04437202215194702, 0.1323062777519226,
      -0.15110653638839722, -0.09828269481658936,
    ]);
    expect(values(c1.bias!)).toEqual([-0.4776742458343506, -0.33114105463027954, -0.20611155033111572]);
    torch.manualSeed(5);
    const c3 = new nn.Conv3d(2, 2, [1, 2, 2], { groups: 2 });
    expect(c3.weight.shape).toEqual([2, 1, 1, 2, 2]);
    expect(values(c3.weight)).toEqual([
      0.33025187253952026, -0.37388908863067627, 0.4074696898460388, 0.31992703676223755, 0.42010343074798584,
      -0.3833547830581665, -0.33560848236083984, 0.2379193902015686,
    ]);
    expect(values(c3.bias!)).toEqual([-0.4667353630065918, 0.4941847324371338]);
  });

  it('prints and validates its arguments as PyTorch', () => {
    expect(String(new nn.Conv3d(3, 8, 3, { stride: 2 }))).toBe('Conv3d(3, 8, kernel_size=(3, 3, 3), stride=(2, 2, 2))');
    expect(String(new nn.Conv2d(4, 4, 3, { padding: 'same', paddingMode: 'circular', groups: 2 }))).toBe(
      'Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=same, groups=2, padding_mode=circular)');
    expect(String(new nn.Conv1d(4, 4, 3, { padding: 'valid', bias: false, dilation: 2 }))).toBe(
      'Conv1d(4, 4, kernel_size=(3,), stride=(1,), padding=valid, dilation=(2,), bias=False)');
    expect(String(new nn.Conv2d(3, 64, 7, 2, 3))).toBe('Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3))');
    expect(() => new nn.Conv3d(3, 4, 3, { groups: 2 })).toThrow('in_channels must be divisible by groups');
    expect(() => new nn.Conv3d(4, 3, 3, { groups: 2 })).toThrow('out_channels must be divisible by groups');
    expect(() => new nn.Conv3d(4, 4, 3, { groups: 0 })).toThrow('groups must be a positive integer');
    expect(() => new nn.Conv2d(4, 4, 3, { padding: 'foo' as never })).toThrow("Invalid padding string 'foo', should be one of {'valid', 'same'}");
    expect(() => new nn.Conv2d(4, 4, 3, { padding: 'same', stride: 2 })).toThrow("padding='same' is not supported for strided convolutions");
    expect(() => new nn.Conv2d(4, 4, 3, { paddingMode: 'zero' as never })).toThrow(
      "padding_mode must be one of {'zeros', 'circular', 'replicate', 'reflect'}, but got padding_mode='zero'");
    expect(() => new nn.Conv2d(4, 4, 3)(det([1, 3, 5, 5]).float())).toThrow(
      'Given groups=1, weight of size [4, 4, 3, 3], expected input[1, 3, 5, 5] to have 4 channels, but got 3 channels instead');
    const m = new nn.Conv2d(2, 4, [3, 1]);
    expect([m.inChannels, m.outChannels, m.kernelSize, m.stride, m.padding, m.groups, m.paddingMode]).toEqual([2, 4, [3, 1], [1, 1], [0, 0], 1, 'zeros']);
  });

  it('trains a small Conv3d without leaking memory', () => {
    const m = new nn.Conv3d(2, 3, 2, { padding: 1, paddingMode: 'circular' });
    const x = torch.randn(2, 2, 3, 4, 4);
    const step = (): void => {
      torch.tidy(() => {
        m(x).pow(2).mean().backward();
        torch.noGrad(() => {
          for (const p of m.parameters()) p.sub_(p.grad!.mul(0.01));
        });
      });
      m.zeroGrad();
    };
    step();
    const before = torch.memory().bytesInUse;
    for (let i = 0; i < 10; i++) step();
    expect(torch.memory().bytesInUse).toBe(before);
  });
});

describe('nn.ConvTranspose1d / 2d / 3d', () => {
  it('matches PyTorch, with output_size choosing output_padding', () => {
    const m = new nn.ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1, dtype: torch.float64 });
    m.loadStateDict({ weight: det([2, 2, 3, 3], 20), bias: det([2], 21) });
    let x = det([1, 2, 2, 2], 22, { requiresGrad: true });
    let y = m(x, [4, 4]);
    expect(y.shape).toEqual([1, 2, 4, 4]);
    close(y, [
      -0.2892619609, -0.02447259133, -0.36381363, -0.1098025245, 0.1403770842, 0.1493379214, 1.263732696, -0.6167539364,
      -0.0173454595, -0.4439094303, 0.3057856663, -0.05334984916, 0.3122544306, -0.3935055547, -0.3597132733, 0.05976572969,
      -1.169997443, 0.1056087588, -1.125294624, -0.05336245728, -0.4822406047, -1.274830236, -0.5059299315, -0.7259365065,
      -0.2328455946, -0.6986219549, -0.5627472196, -1.31177708, -0.9093788646, -0.6538819112, -1.415465112, -0.9136526025,
    ]);
    y.backward(det([1, 2, 4, 4], 23));
    close(x.grad!, [0.2499887902, -0.5736941866, -0.7696714345, -0.2611019883, 0.05350553455, 0.5514318534, 1.018326761, 0.1549247237]);
    expect(m(x, { outputSize: [1, 2, 3, 3] }).shape).toEqual([1, 2, 3, 3]);
    expect(m(x).shape).toEqual([1, 2, 3, 3]);

    const t1 = new nn.ConvTranspose1d(2, 3, 2, { stride: 3, dtype: torch.float64 });
    t1.loadStateDict({ weight: det([2, 3, 2], 24), bias: det([3], 25) });
    x = det([2, 3], 26, { requiresGrad: true });
    y = t1(x);
    close(y, [
      -0.6003244595, -0.784910976, -0.6441192627, -0.6375876454, -0.7040879627, -0.6441192627, -0.7624117417, -0.6347606318,
      0.7549103292, 0.03527211262, 0.01757436991, 0.2689594768, 0.006006825998, 0.01757436991, -0.6279860086, -0.1654521638,
      -0.3156372832, -1.05220277, -0.8859264851, -0.6655801262, -0.9733348858, -0.8859264851, -1.138583183, -1.032729988,
    ]);
    y.backward(det([3, 8], 27));
    close(x.grad!, [-0.8320628607, 0.1309912082, 0.3956816762, -0.4987731103, 0.6723329091, -0.8454634422]);
  });

  it('checks output_size and padding_mode like PyTorch', () => {
    const m = new nn.ConvTranspose2d(4, 4, 3, { stride: 2 });
    const x = torch.randn(1, 4, 5, 5);
    expect(m(x, [12, 12]).shape).toEqual([1, 4, 12, 12]);
    expect(() => m(x, [4, 12, 12])).toThrow('ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements (got 3)');
    expect(() => m(x, [14, 14])).toThrow(
      'requested an output size of [14, 14], but valid sizes range from [11, 11] to [12, 12] (for an input of torch.Size([5, 5]))');
    expect(() => m(torch.randn(4, 5, 5), [1, 4, 12, 12])).toThrow('ConvTranspose2D: for 3D input, output_size must have 2 or 3 elements (got 4)');
    expect(() => new nn.ConvTranspose3d(4, 4, 3, { paddingMode: 'reflect' as never })).toThrow('Only "zeros" padding mode is supported for ConvTranspose3d');
  });

  it('draws PyTorch default initialisation bit for bit and prints as PyTorch', () => {
    torch.manualSeed(1);
    const t2 = new nn.ConvTranspose2d(4, 2, [2, 1], { groups: 2 });
    expect(t2.weight.shape).toEqual([4, 1, 2, 1]);
    expect(values(t2.weight)).toEqual([
      0.36434608697891235, -0.3121015429496765, -0.13708077371120453, 0.3318939507007599, -0.665696382522583,
      0.42406412959098816, -0.1454697549343109, 0.35973623394966125,
    ]);
    expect(values(t2.bias!)).toEqual([0.09829985350370407, -0.08658108860254288]);
    torch.manualSeed(9);
    const t3 = new nn.ConvTranspose3d(1, 2, [2, 1, 1], { bias: false });
    expect(values(t3.weight)).toEqual([0.1557844877243042, -0.19797730445861816, -0.0201035737991333, 0.27737361192703247]);
    expect(String(new nn.ConvTranspose3d(3, 8, [1, 2, 3], { outputPadding: 1, stride: 2, dilation: 2, bias: false }))).toBe(
      'ConvTranspose3d(3, 8, kernel_size=(1, 2, 3), stride=(2, 2, 2), dilation=(2, 2, 2), output_padding=(1, 1, 1), bias=False)');
  });
});
