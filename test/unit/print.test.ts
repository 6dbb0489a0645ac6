// Tensor printing against PyTorch 1.13's str()/repr(). Expected texts are what
// torch/_tensor_str.py produces for these values and options (Python's own float
// formatting, which rounds the exact binary value half-to-even).
import { describe, it, expect, afterEach } from 'vitest';
import { inspect } from 'node:util';
import { torch, expectNoLeak } from '../helpers.js';
import { formatExp, formatFixed, pyTuple } from '../../ts/tensor/py_format.js';

const f32 = (v: number[]) => torch.tensor(v, { dtype: torch.float32 });
const f64 = (v: number[]) => torch.tensor(v, { dtype: torch.float64 });
const str = (t: torch.Tensor) => String(t);

afterEach(() => {
  torch.setPrintoptions({ profile: 'default' });
  torch.setDefaultDtype(torch.float32);
});

describe("Python's float formatting", () => {
  it("'{:.Nf}' rounds exact ties to even where toFixed rounds up", () => {
    const cases: [number, number, string][] = [
      [0.125, 2, '0.12'], [0.375, 2, '0.38'], [2.5, 0, '2'], [3.5, 0, '4'], [-2.5, 0, '-2'],
      [1.03125, 4, '1.0312'], [0.15625, 4, '0.1562'], [2.675, 2, '2.67'], [0.00005, 4, '0.0001'],
      [-0.0, 4, '-0.0000'], [-0.00001, 4, '-0.0000'], [-0.0, 0, '-0'], [1e22, 4, '10000000000000000000000.0000'],
      [NaN, 4, 'nan'], [Infinity, 4, 'inf'], [-Infinity, 0, '-inf'], [5e-324, 4, '0.0000'],
    ];
    for (const [x, p, want] of cases) expect(formatFixed(x, p), `${x} .${p}f`).toBe(want);
  });

  it("'{:.Ne}' normalises, pads the exponent to two digits and rounds ties to even", () => {
    const cases: [number, number, string][] = [
      [0.125, 1, '1.2e-01'], [2.5, 0, '2e+00'], [0, 0, '0e+00'], [-0.0, 4, '-0.0000e+00'],
      [9.99995, 4, '1.0000e+01'], [1e100, 4, '1.0000e+100'], [5e-324, 4, '4.9407e-324'],
      [1234.5, 4, '1.2345e+03'], [1.03125, 4, '1.0312e+00'], [-1e-5, 4, '-1.0000e-05'],
      [1e-4, 4, '1.0000e-04'], [999.99996, 4, '1.0000e+03'], [NaN, 4, 'nan'], [-Infinity, 4, '-inf'],
    ];
    for (const [x, p, want] of cases) expect(formatExp(x, p), `${x} .${p}e`).toBe(want);
  });

  it("str(tuple) has the trailing comma of 1-tuples", () => {
    expect(pyTuple([2, 0])).toBe('(2, 0)');
    expect(pyTuple([0])).toBe('(0,)');
    expect(pyTuple([])).toBe('()');
  });
});

describe('tensor printing', () => {
  it('rounds ties half-to-even in tensors', () => {
    expect(str(f32([1.03125, 0.15625, -2.5]))).toBe('tensor([ 1.0312,  0.1562, -2.5000])');
    torch.setPrintoptions({ precision: 2 });
    expect(str(f64([0.125, 0.375, 2.5]))).toBe('tensor([0.12, 0.38, 2.50], dtype=torch.float64)');
    torch.setPrintoptions({ precision: 0 });
    expect(str(f32([1.5, 2.5, -0.25]))).toBe('tensor([ 2,  2, -0])');
  });

  it('switches to scientific notation on ratio > 1000, max > 1e8 or min < 1e-4', () => {
    expect(str(f32([1.5, 1000]))).toBe('tensor([   1.5000, 1000.0000])');
    expect(str(f32([1.5, 2001]))).toBe('tensor([1.5000e+00, 2.0010e+03])');
    expect(str(f32([1.03125, 1e-5]))).toBe('tensor([1.0312e+00, 1.0000e-05])');
    // float32(1e-4) is just below 1e-4; float64's 1e-4 is not
    expect(str(f32([1e-4, 0.05]))).toBe('tensor([1.0000e-04, 5.0000e-02])');
    expect(str(f64([1e-4, 0.05]))).toBe('tensor([0.0001, 0.0500], dtype=torch.float64)');
    // integer-valued floats: ratio and 1e8 only
    expect(str(f32([100, 100000]))).toBe('tensor([   100., 100000.])');
    expect(str(f32([100, 100001]))).toBe('tensor([1.0000e+02, 1.0000e+05])');
    expect(str(f32([1e8, 2e8]))).toBe('tensor([1.0000e+08, 2.0000e+08])');
  });

  it('sciMode forces the notation but keeps the automatic width', () => {
    torch.setPrintoptions({ sciMode: true });
    expect(str(f32([1.5, 2]))).toBe('tensor([1.5000e+00, 2.0000e+00])');
    torch.setPrintoptions({ sciMode: false });
    expect(str(f32([1e-5, 1]))).toBe('tensor([    0.0000,     1.0000])');
    // no finite nonzero value: PyTorch returns before applying sci_mode
    torch.setPrintoptions({ sciMode: true });
    expect(str(f32([NaN, Infinity]))).toBe('tensor([nan, inf])');
  });

  it('summarises a non-contiguous 2-D tensor, reading only its edge items', () => {
    const t = torch.arange(1200, { dtype: torch.float32 }).div(8).reshape([30, 40]).t();
    expect(t.isContiguous()).toBe(false);
    expect(str(t)).toBe(
      'tensor([[0.0000e+00, 5.0000e+00, 1.0000e+01,  ..., 1.3500e+02, 1.4000e+02,\n' +
        '         1.4500e+02],\n' +
        '        [1.2500e-01, 5.1250e+00, 1.0125e+01,  ..., 1.3512e+02, 1.4012e+02,\n' +
        '         1.4512e+02],\n' +
        '        [2.5000e-01, 5.2500e+00, 1.0250e+01,  ..., 1.3525e+02, 1.4025e+02,\n' +
        '         1.4525e+02],\n' +
        '        ...,\n' +
        '        [4.6250e+00, 9.6250e+00, 1.4625e+01,  ..., 1.3962e+02, 1.4462e+02,\n' +
        '         1.4962e+02],\n' +
        '        [4.7500e+00, 9.7500e+00, 1.4750e+01,  ..., 1.3975e+02, 1.4475e+02,\n' +
        '         1.4975e+02],\n' +
        '        [4.8750e+00, 9.8750e+00, 1.4875e+01,  ..., 1.3988e+02, 1.4488e+02,\n' +
        '         1.4988e+02]])',
    );
  });

  it('printing allocates nothing in wasm memory', () => {
    const big = torch.arange(200000).reshape([400, 500]);
    const live = torch.memory().liveTensors;
    expectNoLeak(() => {
      expect(str(big)).toBe(
        'tensor([[     0,      1,      2,  ...,    497,    498,    499],\n' +
          '        [   500,    501,    502,  ...,    997,    998,    999],\n' +
          '        [  1000,   1001,   1002,  ...,   1497,   1498,   1499],\n' +
          '        ...,\n' +
          '        [198500, 198501, 198502,  ..., 198997, 198998, 198999],\n' +
          '        [199000, 199001, 199002,  ..., 199497, 199498, 199499],\n' +
          '        [199500, 199501, 199502,  ..., 199997, 199998, 199999]])',
      );
    });
    expect(torch.memory().liveTensors).toBe(live);
  });

  it('summarises with edgeitems 1 in 3-D', () => {
    torch.setPrintoptions({ threshold: 10, edgeitems: 1 });
    const t = torch.arange(60, { dtype: torch.float32 }).reshape([3, 4, 5]).sub(30);
    expect(str(t)).toBe(
      'tensor([[[-30.,  ..., -26.],\n' +
        '         ...,\n' +
        '         [-15.,  ..., -11.]],\n\n' +
        '        ...,\n\n' +
        '        [[ 10.,  ...,  14.],\n' +
        '         ...,\n' +
        '         [ 25.,  ...,  29.]]])',
    );
  });

  it("keeps PyTorch 1.13's edgeitems=0 behaviour", () => {
    torch.setPrintoptions({ threshold: 3, edgeitems: 0 });
    // self[-0:] is the whole row
    expect(str(torch.arange(10))).toBe('tensor([ ..., 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])');
    // get_summarized_data stacks an empty list
    expect(() => str(torch.arange(10).reshape([2, 5]))).toThrow('stack expects a non-empty TensorList');
  });

  it('wraps long rows at linewidth', () => {
    const t = torch.arange(30, { dtype: torch.float32 }).div(4).sub(3);
    expect(str(t)).toBe(
      'tensor([-3.0000, -2.7500, -2.5000, -2.2500, -2.0000, -1.7500, -1.5000, -1.2500,\n' +
        '        -1.0000, -0.7500, -0.5000, -0.2500,  0.0000,  0.2500,  0.5000,  0.7500,\n' +
        '         1.0000,  1.2500,  1.5000,  1.7500,  2.0000,  2.2500,  2.5000,  2.7500,\n' +
        '         3.0000,  3.2500,  3.5000,  3.7500,  4.0000,  4.2500])',
    );
    torch.setPrintoptions({ linewidth: 40 });
    expect(str(torch.arange(12, { dtype: torch.float32 }).div(4).sub(3))).toBe(
      'tensor([-3.0000, -2.7500, -2.5000,\n' +
        '        -2.2500, -2.0000, -1.7500,\n' +
        '        -1.5000, -1.2500, -1.0000,\n' +
        '        -0.7500, -0.5000, -0.2500])',
    );
  });

  it('puts suffixes on new lines when the last line is full', () => {
    const a = torch.arange(9, { dtype: torch.float32 }).div(4).sub(1).requiresGrad_();
    expect(str(a)).toBe(
      'tensor([-1.0000, -0.7500, -0.5000, -0.2500,  0.0000,  0.2500,  0.5000,  0.7500,\n' +
        '         1.0000], requires_grad=True)',
    );
    torch.setPrintoptions({ linewidth: 40 });
    const b = torch.arange(8, { dtype: torch.float64 }).div(4).sub(1).reshape([2, 4]).requiresGrad_();
    expect(str(b)).toBe(
      'tensor([[-1.0000, -0.7500, -0.5000,\n' +
        '         -0.2500],\n' +
        '        [ 0.0000,  0.2500,  0.5000,\n' +
        '          0.7500]],\n' +
        '       dtype=torch.float64,\n' +
        '       requires_grad=True)',
    );
  });

  it('prints -0.0, NaN and infinities', () => {
    expect(str(f32([-0.0, 0.5]))).toBe('tensor([-0.0000, 0.5000])');
    expect(str(f32([-0.0, 0, 1]))).toBe('tensor([-0., 0., 1.])');
    expect(str(f32([-0.0]).reshape([]))).toBe('tensor(-0.)');
    expect(str(f32([NaN, 0.25, -Infinity, 12.5]))).toBe('tensor([    nan,  0.2500,    -inf, 12.5000])');
    expect(str(f32([1, NaN, Infinity, -Infinity]))).toBe('tensor([1., nan, inf, -inf])');
    expect(str(f32([NaN, 0]))).toBe('tensor([nan, 0.])');
  });

  it('prints int64 values beyond 2^53 exactly', () => {
    const t = torch.tensor([2n ** 62n, -1n, -(2n ** 63n)], { dtype: torch.int64 });
    expect(str(t)).toBe('tensor([ 4611686018427387904,                   -1, -9223372036854775808])');
    expect(str(torch.tensor([2n ** 60n + 1n]).reshape([]))).toBe('tensor(1152921504606846977)');
  });

  it('prints empty tensors with their size and dtype', () => {
    expect(str(torch.zeros([0]))).toBe('tensor([])');
    expect(str(torch.zeros([0, 3]))).toBe('tensor([], size=(0, 3))');
    expect(str(torch.zeros([2, 0, 3], { dtype: torch.int32 }))).toBe('tensor([], size=(2, 0, 3), dtype=torch.int32)');
    expect(str(torch.zeros([0], { dtype: torch.int64 }))).toBe('tensor([], dtype=torch.int64)');
    expect(str(torch.zeros([0], { dtype: torch.bool }))).toBe('tensor([], dtype=torch.bool)');
    expect(str(torch.zeros([0], { dtype: torch.float64 }))).toBe('tensor([], dtype=torch.float64)');
  });

  it('names the grad_fn of non-leaves and requires_grad of leaves', () => {
    const a = f32([1.5, -2]).requiresGrad_();
    expect(str(a)).toBe('tensor([ 1.5000, -2.0000], requires_grad=True)');
    expect(str(a.mul(2))).toBe('tensor([ 3., -4.], grad_fn=<MulBackward0>)');
    expect(str(a.add(1))).toBe('tensor([ 2.5000, -1.0000], grad_fn=<AddBackward0>)');
    expect(str(a.sum())).toBe('tensor(-0.5000, grad_fn=<SumBackward0>)');
    expect(str(a.mean())).toBe('tensor(-0.2500, grad_fn=<MeanBackward0>)');
    const m = f32([1, 2, 3, 4]).reshape([2, 2]).requiresGrad_();
    expect(str(m.matmul(m))).toBe('tensor([[ 7., 10.],\n        [15., 22.]], grad_fn=<MmBackward0>)');
    expect(str(a.detach())).toBe('tensor([ 1.5000, -2.0000])');
    torch.noGrad(() => expect(str(a.mul(2))).toBe('tensor([ 3., -4.])'));
  });

  it('shows dtypes that are not the default for their kind', () => {
    expect(str(torch.tensor([1, 2, 3], { dtype: torch.int32 }))).toBe('tensor([1, 2, 3], dtype=torch.int32)');
    expect(str(torch.tensor([-128, 127], { dtype: torch.int8 }))).toBe('tensor([-128,  127], dtype=torch.int8)');
    expect(str(torch.tensor([true, false]))).toBe('tensor([ True, False])');
    expect(str(torch.tensor([true]).reshape([]))).toBe('tensor(True)');
    expect(str(torch.tensor([1 / 3, 65504, 0.5], { dtype: torch.float16 }))).toBe(
      'tensor([3.3325e-01, 6.5504e+04, 5.0000e-01], dtype=torch.float16)',
    );
    expect(str(torch.tensor([1.5, 2], { dtype: torch.bfloat16 }))).toBe('tensor([1.5000, 2.0000], dtype=torch.bfloat16)');
    // with float64 as the default, float64 is unmarked and float32 is marked
    torch.setDefaultDtype(torch.float64);
    expect(str(f64([1.5, 2]))).toBe('tensor([1.5000, 2.0000])');
    expect(str(f32([1.5, 2]))).toBe('tensor([1.5000, 2.0000], dtype=torch.float32)');
    expect(str(torch.zeros([0], { dtype: torch.float32 }))).toBe('tensor([], dtype=torch.float32)');
  });

  it('prints 0-d, 4-d and views in logical order', () => {
    expect(str(f32([3.5]).reshape([]))).toBe('tensor(3.5000)');
    expect(str(torch.arange(16).reshape([2, 2, 2, 2]))).toBe(
      'tensor([[[[ 0,  1],\n' +
        '          [ 2,  3]],\n\n' +
        '         [[ 4,  5],\n' +
        '          [ 6,  7]]],\n\n\n' +
        '        [[[ 8,  9],\n' +
        '          [10, 11]],\n\n' +
        '         [[12, 13],\n' +
        '          [14, 15]]]])',
    );
    const base = torch.arange(12).reshape([3, 4]);
    expect(str(base.slice(1, 1, 4, 2))).toBe('tensor([[ 1,  3],\n        [ 5,  7],\n        [ 9, 11]])');
    expect(str(torch.tensor([7, 8]).expand([2, 2]))).toBe('tensor([[7, 8],\n        [7, 8]])');
    expect(str(base.select(0, 2))).toBe('tensor([ 8,  9, 10, 11])');
  });

  it('console.log and util.inspect show the same text as String()', () => {
    const t = f32([1.5, -2]);
    expect(inspect(t)).toBe(str(t));
    expect(`${t}`).toBe('tensor([ 1.5000, -2.0000])');
    expect(inspect({ x: t })).toBe('{ x: tensor([ 1.5000, -2.0000]) }');
  });
});

describe('setPrintoptions / getPrintoptions', () => {
  it('applies a profile, then the options; sciMode resets unless given', () => {
    expect(torch.getPrintoptions()).toEqual({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
    torch.setPrintoptions({ profile: 'short', linewidth: 100, sciMode: true });
    expect(torch.getPrintoptions()).toEqual({ precision: 2, threshold: 1000, edgeitems: 2, linewidth: 100, sciMode: true });
    torch.setPrintoptions({ precision: 3 });
    expect(torch.getPrintoptions()).toEqual({ precision: 3, threshold: 1000, edgeitems: 2, linewidth: 100, sciMode: null });
    torch.setPrintoptions({ profile: 'full' });
    expect(torch.getPrintoptions().threshold).toBe(Infinity);
    expect(str(torch.arange(2000)).includes('...')).toBe(false);
    const opts = torch.getPrintoptions();
    opts.precision = 9;
    expect(torch.getPrintoptions().precision).toBe(4);
  });

  it('uses the short profile', () => {
    torch.setPrintoptions({ profile: 'short' });
    expect(str(f32([1.23456, -7.5]))).toBe('tensor([ 1.23, -7.50])');
    expect(str(torch.arange(1001))).toBe('tensor([   0,    1,  ...,  999, 1000])');
  });

  it('rejects bad options with the option named', () => {
    expect(() => torch.setPrintoptions({ precison: 2 } as never)).toThrow(
      "set_printoptions() got an unexpected keyword argument 'precison'",
    );
    expect(() => torch.setPrintoptions({ precision: -1 })).toThrow('precision must be a non-negative integer');
    expect(() => torch.setPrintoptions({ edgeitems: 1.5 })).toThrow('edgeitems must be a non-negative integer');
    expect(() => torch.setPrintoptions({ sciMode: 'yes' as never })).toThrow(TypeError);
    expect(torch.getPrintoptions().precision).toBe(4);
  });
});

describe('browser devtools', () => {
  it("console.log(t) in devtools shows PyTorch's str() through a custom formatter", () => {
    const formatters = (globalThis as { devtoolsFormatters?: { header(v: unknown): unknown; hasBody(v: unknown): boolean }[] }).devtoolsFormatters ?? [];
    const t = torch.tensor([[1.5, 2], [3, 4]]);
    const headers = formatters.map((f) => f.header(t)).filter((h) => h !== null);
    expect(headers).toEqual([['span', { style: 'font-family: monospace; white-space: pre' }, String(t)]]);
    expect(String(t)).toBe('tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])');
    expect(formatters.every((f) => f.header({ shape: [2] }) === null && f.header(null) === null)).toBe(true);
    expect(formatters.some((f) => f.hasBody(t))).toBe(false);
    t.dispose();
  });
});
