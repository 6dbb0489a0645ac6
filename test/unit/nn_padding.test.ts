// Padding modules: ConstantPad1d/2d/3d, ZeroPad2d, ReflectionPad1d/2d/3d,
// ReplicationPad1d/2d/3d against PyTorch 1.13 (values and gradients for the same
// det() inputs), argument forms, reprs, errors.
import { describe, it, expect } from 'vitest';
import { torch, expectClose } from '../helpers.js';
import { det } from './nn_helpers.js';

const nn = torch.nn;
const close = (t: torch.Tensor, want: number[]): void => expectClose(t, want, 1e-8, 1e-9);

/** Runs m on det(shape, seed), backward with det(out shape, seed + 1); checks both against PyTorch. */
function check(m: torch.nn.Module, shape: number[], seed: number, outShape: number[], out: number[], grad: number[]): void {
  const x = det(shape, seed, { requiresGrad: true });
  const y = m(x) as torch.Tensor;
  expect(y.shape).toEqual(outShape);
  close(y, out);
  y.backward(det(outShape, seed + 1));
  close(x.grad!, grad);
}

describe('constant padding modules', () => {
  it('pad with the value, negative amounts crop (ConstantPad1d/3d, ZeroPad2d)', () => {
    check(new nn.ConstantPad1d([1, 2], 3.5), [1, 2, 3], 1, [1, 2, 6], [3.5, -0.3678693771, 0.16152668, -0.153834343, 3.5, 3.5, 3.5, -0.6570920944, 0.4370318055, -0.06399178505, 3.5, 3.5], [0.4043092728, 0.1922807693, 0.2960176468, -0.9819669724, -0.07589239627, -0.2648706436]);
    check(new nn.ConstantPad3d([1, 0, 0, 1, 1, 0], -1), [1, 1, 2, 2, 1], 3, [1, 1, 3, 3, 2], [
      -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, 0.2757759094, -1.0, 0.2529449463, -1.0, -1.0, -1.0, 0.3756980896, -1.0,
      -0.6094436646, -1.0, -1.0,
    ], [-0.9011916518, 0.9324163198, -0.6719505787, 0.5637335777]);
    check(new nn.ZeroPad2d([1, 1, -1, 0]), [1, 1, 2, 3], 5, [1, 1, 1, 5], [0.0, -0.7032241225, 0.1427410841, 0.3908820152, 0.0], [0.0, 0.0, 0.0, 0.9812927246, -0.5859565735, 0.2498856187]);
  });

  it('expand one int to every side and print as PyTorch', () => {
    expect(new nn.ConstantPad2d(2, 0.5).padding).toEqual([2, 2, 2, 2]);
    expect(new nn.ConstantPad3d({ padding: 1, value: 2 }).padding).toEqual([1, 1, 1, 1, 1, 1]);
    expect(String(new nn.ConstantPad1d(2, 3.5))).toBe('ConstantPad1d(padding=(2, 2), value=3.5)');
    expect(String(new nn.ConstantPad2d([1, 2, 3, 4], 1))).toBe('ConstantPad2d(padding=(1, 2, 3, 4), value=1)');
    expect(String(new nn.ZeroPad2d(1))).toBe('ZeroPad2d((1, 1, 1, 1))');
    expect(new nn.ZeroPad2d(1)(torch.ones(1, 1, 1)).tolist()).toEqual([[[0, 0, 0], [0, 1, 0], [0, 0, 0]]]);
    expect(() => new (nn.ConstantPad2d as any)(1)).toThrow("ConstantPad2d() missing required argument 'value' (pos 2)");
    expect(() => new nn.ConstantPad1d('a' as never, 0)).toThrow(TypeError);
  });
});

describe('reflection and replication padding modules', () => {
  it('match PyTorch values and gradients', () => {
    check(new nn.ReflectionPad1d(2), [2, 3], 7, [2, 7], [
      -0.2398414016, -0.7759246826, -0.4369316101, -0.7759246826, -0.2398414016, -0.7759246826, -0.4369316101, -0.1144714355,
      0.397190094, 0.9776294231, 0.397190094, -0.1144714355, 0.397190094, 0.9776294231,
    ], [0.1010873914, -0.3404507637, 0.8663556576, -1.008999527, 0.0849044323, -0.05290102959]);
    check(new nn.ReflectionPad3d([1, 0, 1, 1, 0, 1]), [1, 1, 2, 2, 2], 9, [1, 1, 3, 4, 3], [
      -0.3250694275, -0.1984024048, -0.3250694275, 0.1330528259, 0.2067108154, 0.1330528259, -0.3250694275, -0.1984024048,
      -0.3250694275, 0.1330528259, 0.2067108154, 0.1330528259, -0.8378717899, -0.07219052315, -0.8378717899, -0.4396247268,
      -0.9188842773, -0.4396247268, -0.8378717899, -0.07219052315, -0.8378717899, -0.4396247268, -0.9188842773,
      -0.4396247268, -0.3250694275, -0.1984024048, -0.3250694275, 0.1330528259, 0.2067108154, 0.1330528259, -0.3250694275,
      -0.1984024048, -0.3250694275, 0.1330528259, 0.2067108154, 0.1330528259,
    ], [2.991609387, -3.130550921, -0.1440977752, 0.5814080611, 1.066526651, -1.355653234, 0.7483366728, -2.452307701]);
    check(new nn.ReplicationPad2d([2, 0, 1, 1]), [1, 1, 2, 2], 11, [1, 1, 4, 4], [
      0.8503570557, 0.8503570557, 0.8503570557, 0.6186180115, 0.8503570557, 0.8503570557, 0.8503570557, 0.6186180115,
      0.4938278198, 0.4938278198, 0.4938278198, -0.4188499451, 0.4938278198, 0.4938278198, 0.4938278198, -0.4188499451,
    ], [2.181358337, -0.04383087158, -1.553429544, 0.6883756518]);
    check(new nn.ReplicationPad3d(1), [1, 1, 1, 2, 1], 13, [1, 1, 3, 4, 3], [
      -0.5059890747, -0.5059890747, -0.5059890747, -0.5059890747, -0.5059890747, -0.5059890747, 0.257358551, 0.257358551,
      0.257358551, 0.257358551, 0.257358551, 0.257358551, -0.5059890747, -0.5059890747, -0.5059890747, -0.5059890747,
      -0.5059890747, -0.5059890747, 0.257358551, 0.257358551, 0.257358551, 0.257358551, 0.257358551, 0.257358551,
      -0.5059890747, -0.5059890747, -0.5059890747, -0.5059890747, -0.5059890747, -0.5059890747, 0.257358551, 0.257358551,
      0.257358551, 0.257358551, 0.257358551, 0.257358551,
    ], [3.270681322, -1.181055248]);
  });

  it('print and check as PyTorch', () => {
    expect(String(new nn.ReflectionPad3d(1))).toBe('ReflectionPad3d((1, 1, 1, 1, 1, 1))');
    expect(String(new nn.ReplicationPad1d([1, 2]))).toBe('ReplicationPad1d((1, 2))');
    expect(String(new nn.ReflectionPad2d(1))).toBe('ReflectionPad2d((1, 1, 1, 1))');
    expect(new nn.ReplicationPad2d(1)(torch.zeros(3, 2, 2)).shape).toEqual([3, 4, 4]);
    expect(() => new nn.ReflectionPad2d(3)(torch.zeros(1, 1, 3, 3))).toThrow(
      /^Argument #4: Padding size should be less than the corresponding input dimension, but got: padding \(3, 3\)/);
  });
});
