// nn.Identity, nn.Linear, nn.Bilinear: outputs and gradients against PyTorch 1.13,
// default initialisation bit for bit after manualSeed, reprs, errors, memory.
// Expected values were printed by PyTorch 1.13 for the same det() inputs.
import { describe, it, expect } from 'vitest';
import { torch, expectClose, values } from '../helpers.js';
import { det } from './nn_helpers.js';

const nn = torch.nn;
const f64 = { dtype: torch.float64 };

describe('nn.Identity', () => {
  it('accepts and ignores any arguments and returns its input', () => {
    const m = new nn.Identity(54, { unusedArgument1: 0.1, unusedArgument2: false });
    const x = det([3, 2]);
    expect(m(x)).toBe(x);
    expect(String(m)).toBe('Identity()');
    expect(m.parameters()).toEqual([]);
  });
});

describe('nn.Linear', () => {
  it('computes x W^T + b and its gradients as PyTorch', () => {
    const m = new nn.Linear(4, 3, f64);
    m.loadStateDict({ weight: det([3, 4], 2), bias: det([3], 3) });
    const x = det([2, 4], 1, { requiresGrad: true });
    const y = m(x);
    expectClose(y, [-0.2339379666, 0.8991188515, 0.5419292615, 0.3516967092, 1.259843685, 0.4567403681], 1e-9, 1e-10);
    y.backward(det([2, 3], 4));
    expectClose(x.grad!, [-0.4280900558, -0.5341606145, 0.2948676411, -0.9429182853, 0.3061313396, -0.2801615435, 0.1356423383, -0.9042717956], 1e-9, 1e-10);
    expectClose(m.weight.grad!, [0.2982240003, -0.08699029849, -0.06071937068, -0.02177230994, 0.1601967735, 0.02991437951, -0.3559368558,
      -0.9784726509, -0.04434297121, 0.08420464626, -0.2916263779, -0.8957665102], 1e-9, 1e-10);
    expectClose(m.bias!.grad!, [-0.0587348938, 1.279560089, 1.227931976], 1e-9, 1e-10);
  });

  it('takes any number of leading dims, and passes gradcheck', () => {
    const m = new nn.Linear(4, 2, { bias: false, dtype: torch.float64 });
    expect(m(det([4])).shape).toEqual([2]);
    expect(m(det([2, 3, 5, 4])).shape).toEqual([2, 3, 5, 2]);
    expect(m.bias).toBeNull();
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(torch.autograd.gradcheck((x: torch.Tensor) => m(x), [det([3, 4], 5, { requiresGrad: true })])).toBe(true);
  });

  it('draws PyTorch default initialisation bit for bit (kaiming_uniform_, then the bias)', () => {
    torch.manualSeed(0);
    let m = new nn.Linear(3, 2);
    expect(values(m.weight)).toEqual([-0.004322517663240433, 0.3097158372402191, -0.4751853346824646, -0.4248946011066437, -0.2223689705133438, 0.15482072532176971]);
    expect(values(m.bias!)).toEqual([-0.011439144611358643, 0.45777493715286255]);
    torch.manualSeed(3);
    m = new nn.Linear(3, 2);
    expect(values(m.weight)).toEqual([-0.5724271535873413, -0.45544925332069397, -0.2472877949476242, -0.5462254881858826, -0.032776910811662674, -0.5079339742660522]);
    expect(values(m.bias!)).toEqual([0.3139236271381378, 0.28139978647232056]);
    torch.manualSeed(11);
    m = new nn.Linear(5, 2, false);
    expect(values(m.weight)).toEqual([-0.31390663981437683, -0.012027244083583355, 0.4343888461589813, -0.29659077525138855, 0.07508128136396408,
      0.1731603592634201, 0.07431337982416153, -0.33233538269996643, 0.06450844556093216, 0.3799879252910614]);
    torch.manualSeed(2);
    m = new nn.Linear(3, 2, { dtype: torch.float64 });
    expect(m.weight.dtype).toBe(torch.float64);
    expect(values(m.weight)).toEqual([0.48215752542811824, -0.46544222124001233, 0.24104509612931826, 0.04648997545125775, 0.477188948401218, 0.02968976056435173]);
    expect(values(m.bias!)).toEqual([-0.43831628661525507, -0.2691060474034722]);
  });

  it('binds positional and named arguments, with reprs as PyTorch prints them', () => {
    expect(String(new nn.Linear(2, 3))).toBe('Linear(in_features=2, out_features=3, bias=True)');
    expect(String(new nn.Linear({ inFeatures: 2, outFeatures: 3, bias: false }))).toBe('Linear(in_features=2, out_features=3, bias=False)');
    const m = new nn.Linear(2, 3, { device: 'cpu' });
    expect([m.inFeatures, m.outFeatures, m.weight.requiresGrad, m.training]).toEqual([2, 3, true, true]);
  });

  it('rejects bad arguments and inputs with PyTorch messages', () => {
    expect(() => new nn.Linear(5)).toThrow(TypeError);
    expect(() => new nn.Linear(5, 2, { foo: 1 } as never)).toThrow("Linear() got an unexpected keyword argument 'foo'");
    expect(() => new nn.Linear(5, 2, { dtype: torch.int64 })).toThrow(/floating point/);
    expect(() => new nn.Linear(5, 2, { device: 'cuda' })).toThrow(torch.RuntimeError);
    const m = new nn.Linear(4, 3);
    expect(() => m(torch.zeros(2, 5))).toThrow('mat1 and mat2 shapes cannot be multiplied (2x5 and 4x3)');
  });

  it('keeps memory flat over training steps', () => {
    const m = new nn.Linear(8, 4);
    const x = torch.randn(16, 8);
    const step = (): void => {
      torch.tidy(() => {
        m(x).pow(2).mean().backward();
        torch.noGrad(() => {
          for (const p of m.parameters()) p.sub_(p.grad!.mul(0.1));
        });
      });
      m.zeroGrad();
    };
    step();
    const before = torch.memory().bytesInUse;
    for (let i = 0; i < 20; i++) step();
    expect(torch.memory().bytesInUse).toBe(before);
  });
});

describe('nn.Bilinear', () => {
  it('computes x1^T A x2 + b and its gradients as PyTorch', () => {
    const m = new nn.Bilinear(3, 2, 2, f64);
    m.loadStateDict({ weight: det([2, 3, 2], 7), bias: det([2], 8) });
    const x1 = det([2, 3], 5, { requiresGrad: true });
    const x2 = det([2, 2], 6, { requiresGrad: true });
    const y = m(x1, x2);
    expectClose(y, [0.7690612412, -1.875476829, 0.7939777229, -0.8342376521], 1e-9, 1e-10);
    y.backward(det([2, 2], 9));
    expectClose(x1.grad!, [-0.214607796, 0.1225304612, 0.1026955621, -0.04142425115, 0.1067846311, 0.1830255335], 1e-9, 1e-10);
    expectClose(x2.grad!, [-0.2751388397, -0.1387647668, -0.2912058635, -0.2189782438], 1e-9, 1e-10);
    expectClose(m.weight.grad!, [-0.03590370661, 0.221363481, 0.05342242033, 0.1427254114, -0.001038492594, -0.208444093, -0.1044357697,
      0.1771662407, 0.05089379948, 0.08482778381, 0.04453588764, -0.1534462078], 1e-9, 1e-10);
  });

  it('draws PyTorch default initialisation, prints and checks like PyTorch', () => {
    torch.manualSeed(0);
    const m = new nn.Bilinear(2, 3, 2);
    expect(values(m.weight)).toEqual([-0.005293981172144413, 0.37932288646698, -0.5819807648658752, -0.5203874707221985, -0.27234524488449097,
      0.1896158903837204, -0.014010033570230007, 0.5606575012207031, -0.06275151669979095, 0.1871093362569809, -0.2136969119310379, -0.13899271190166473]);
    expect(values(m.bias!)).toEqual([-0.6755334138870239, -0.4683041572570801]);
    expect(String(new nn.Bilinear(2, 3, 4, { bias: false }))).toBe('Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)');
    expect(() => m(torch.zeros(4, 2), torch.zeros(4, 2))).toThrow('bilinear(): input2 size does not match weight size: got 2 but expected 3');
  });
});
