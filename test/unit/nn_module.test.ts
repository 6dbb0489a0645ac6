// nn.Module, Parameter and the containers: registration by assignment, traversal order,
// state_dict keys and loading (errors, nothing half-applied), hooks, modes, dtype
// conversion, reprs (PyTorch 1.13's, recorded from it).
import { describe, it, expect } from 'vitest';
import { torch, values } from '../helpers.js';

const nn = torch.nn;

class Affine extends nn.Module {
  declare weight: torch.nn.Parameter;
  declare bias: torch.nn.Parameter | null;
  constructor(inF: number, outF: number, bias = true) {
    super();
    this.weight = new nn.Parameter(torch.ones(outF, inF));
    if (bias) this.bias = new nn.Parameter(torch.zeros(outF));
    else this.registerParameter('bias', null); // as PyTorch's Linear(bias=False)
    this.registerBuffer('running_mean', torch.zeros(outF));
    this.registerBuffer('scratch', torch.zeros(1), false);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    const y = x.matmul(this.weight.t());
    return this.bias ? y.add(this.bias) : y;
  }
}

class Net extends nn.Module {
  declare body: torch.nn.Sequential;
  declare fc: torch.nn.Module;
  constructor() {
    super();
    this.body = new nn.Sequential(new Affine(2, 3), new Affine(3, 3, false));
    this.fc = new Affine(3, 1);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc(this.body(x));
  }
}

describe('nn.Module registration', () => {
  it('registers parameters, buffers and children by assignment, in order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([k]) => k)).toEqual(['body.0.weight', 'body.0.bias', 'body.1.weight', 'fc.weight', 'fc.bias']);
    expect(net.namedBuffers().map(([k]) => k)).toEqual(['body.0.running_mean', 'body.0.scratch', 'body.1.running_mean', 'body.1.scratch', 'fc.running_mean', 'fc.scratch']);
    expect(Object.keys(net.stateDict())).toEqual([
      'body.0.weight', 'body.0.bias', 'body.0.running_mean', 'body.1.weight', 'body.1.running_mean',
      'fc.weight', 'fc.bias', 'fc.running_mean',
    ]);
    expect(net.namedModules().map(([k]) => k)).toEqual(['', 'body', 'body.0', 'body.1', 'fc']);
    expect(net.children().length).toBe(2);
    expect(net instanceof Net && net instanceof nn.Module).toBe(true);
  });

  it('replacing a child keeps its place and swaps its parameters (the fine-tuning cell)', () => {
    const net = new Net();
    for (const p of net.parameters()) p.requiresGrad = false;
    net.fc = new Affine(3, 5);
    expect(net.namedParameters().map(([k]) => k)).toEqual(['body.0.weight', 'body.0.bias', 'body.1.weight', 'fc.weight', 'fc.bias']);
    expect(net.fc.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(net.parameters().filter((p) => p.requiresGrad).length).toBe(2);
    expect(net(torch.ones(4, 2)).shape).toEqual([4, 5]);
  });

  it('a module is callable and runs its hooks around forward', () => {
    const m = new Affine(2, 2);
    const calls: string[] = [];
    const pre = m.registerForwardPreHook((_mod, args) => {
      calls.push('pre');
      return [(args[0] as torch.Tensor).mul(2)];
    });
    const post = m.registerForwardHook((_mod, _args, out) => {
      calls.push('post');
      return (out as torch.Tensor).add(1);
    });
    expect(values(m(torch.ones(1, 2)))).toEqual([5, 5]);
    expect(calls).toEqual(['pre', 'post']);
    pre.remove();
    post.remove();
    expect(values(m(torch.ones(1, 2)))).toEqual([2, 2]);
    expect(values(m.forward(torch.ones(1, 2)))).toEqual([2, 2]);
  });

  it('rejects wrong assignments and names with PyTorch errors', () => {
    const m = new Affine(2, 2);
    expect(() => {
      (m as any).weight = torch.zeros(2, 2);
    }).toThrow("cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(() => m.registerBuffer('weight', torch.zeros(1))).toThrow("attribute 'weight' already exists");
    expect(() => m.registerParameter('a.b', null)).toThrow('parameter name can\'t contain ".", got: a.b');
    expect(() => m.addModule('', new nn.Sequential())).toThrow('module name can\'t be empty string ""');
    expect(() => m.registerBuffer('x', 3 as any)).toThrow("cannot assign 'int' object to buffer 'x' (torch Tensor or None required)");
    const w = torch.ones(2, { requiresGrad: true });
    expect(() => m.registerParameter('p', new nn.Parameter(w.mul(2)))).not.toThrow(); // a Parameter is a leaf
    expect(() => new nn.ModuleDict({ train: new nn.Sequential() })).toThrow("attribute 'train' already exists");
    expect(() => new nn.Module()(1)).toThrow('Module [Module] is missing the required "forward" function');
  });

  it('deleting an attribute unregisters it', () => {
    const net = new Net();
    delete (net as any).fc;
    expect(net.namedModules().map(([k]) => k)).toEqual(['', 'body', 'body.0', 'body.1']);
  });
});

describe('nn.Module state_dict', () => {
  it('loads a state_dict into another module and round-trips', () => {
    const a = new Net();
    a.fc.weight.data = torch.tensor([[1, 2, 3]], { dtype: torch.float32 });
    const b = new Net();
    const r = b.loadStateDict(a.stateDict());
    expect(r).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(values((b.fc as Affine).weight)).toEqual([1, 2, 3]);
    // the loaded values are copies: changing a does not change b
    (a.fc as Affine).weight.data = torch.zeros(1, 3);
    expect(values((b.fc as Affine).weight)).toEqual([1, 2, 3]);
  });

  it('reports missing, unexpected and mis-shaped keys as PyTorch does, changing nothing', () => {
    const m = new Affine(2, 3);
    const before = values(m.weight);
    expect(() => m.loadStateDict({ weight: torch.zeros(2, 2), foo: torch.zeros(1), running_mean: torch.zeros(3) })).toThrow(
      'Error(s) in loading state_dict for Affine:\n\tMissing key(s) in state_dict: "bias". \n\tUnexpected key(s) in state_dict: "foo". \n\tsize mismatch for weight: copying a param with shape torch.Size([2, 2]) from checkpoint, the shape in current model is torch.Size([3, 2]).',
    );
    // a valid key next to an invalid one was not copied either
    expect(() => m.loadStateDict({ weight: torch.full([3, 2], 7), bias: torch.zeros(4), running_mean: torch.zeros(3) })).toThrow('size mismatch for bias');
    expect(values(m.weight)).toEqual(before);
    expect(m.loadStateDict({ weight: torch.full([3, 2], 7) }, { strict: false })).toEqual({ missingKeys: ['bias', 'running_mean'], unexpectedKeys: [] });
    expect(values(m.weight)).toEqual([7, 7, 7, 7, 7, 7]);
    expect(() => m.loadStateDict({ weight: 3 } as any, { strict: false })).toThrow(
      'While copying the parameter named "weight", expected torch.Tensor or Tensor-like object from checkpoint but received <class \'int\'>',
    );
  });

  it('stateDict tensors share storage but are detached; keepVars gives the parameters', () => {
    const m = new Affine(2, 2);
    const sd = m.stateDict();
    expect(sd.weight.requiresGrad).toBe(false);
    sd.weight.fill_(3);
    expect(values(m.weight)).toEqual([3, 3, 3, 3]);
    expect(m.stateDict({ keepVars: true }).weight).toBe(m.weight);
  });
});

describe('nn.Module modes, gradients, dtypes', () => {
  it('train/eval recurse; requiresGrad_ and zeroGrad', () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.body.training && (net.body[0] as Affine).training).toBe(true);
    net(torch.ones(2, 2)).sum().backward();
    const w = (net.fc as Affine).weight;
    expect(w.grad).not.toBeNull();
    net.zeroGrad();
    expect(values(w.grad!)).toEqual([0, 0, 0]);
    net.zeroGrad({ setToNone: true });
    expect(w.grad).toBeNull();
    net.requiresGrad_(false);
    expect(net.parameters().some((p) => p.requiresGrad)).toBe(false);
  });

  it('double() converts floating parameters in place and keeps their identity', () => {
    const m = new Affine(2, 2);
    const w = m.weight;
    m.double();
    expect(m.weight).toBe(w);
    expect(w.dtype).toBe(torch.float64);
    expect(m.running_mean.dtype).toBe(torch.float64);
    expect(w.requiresGrad).toBe(true);
    expect(() => m.to(torch.int64)).toThrow('nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64');
  });

  it('apply visits children first', () => {
    const names: string[] = [];
    new Net().apply((m) => names.push(m._getName()));
    expect(names).toEqual(['Affine', 'Affine', 'Sequential', 'Affine', 'Net']);
  });
});

describe('containers', () => {
  it('Sequential: order, indexing, slicing, insertion, named entries', () => {
    const a = new Affine(2, 2);
    const b = new Affine(2, 2);
    const s = new nn.Sequential(a, b);
    expect(s.length).toBe(2);
    expect(s[0]).toBe(a);
    expect(s.at(-1)).toBe(b);
    expect(s.slice(1).at(0)).toBe(b);
    s.insert(0, new Affine(2, 2));
    expect(s.at(1)).toBe(a);
    s.delete(0);
    expect([...s]).toEqual([a, b]);
    const named = new nn.Sequential(new Map([['first', a], ['second', b]]));
    expect(Object.keys(named.stateDict())[0]).toBe('first.weight');
  });

  it('ModuleList, ModuleDict, ParameterList, ParameterDict register their entries', () => {
    const list = new nn.ModuleList([new Affine(1, 1), new Affine(1, 1)]);
    list.append(new Affine(1, 1));
    expect(list.length).toBe(3);
    expect(Object.keys(list.stateDict())).toContain('2.weight');
    const dict = new nn.ModuleDict({ enc: new Affine(1, 1) });
    dict.set('dec', new Affine(1, 1));
    expect(dict.keys()).toEqual(['enc', 'dec']);
    expect(Object.keys(dict.stateDict())[0]).toBe('enc.weight');
    const plist = new nn.ParameterList([torch.zeros(3)]);
    expect(plist.at(0)).toBeInstanceOf(nn.Parameter);
    const pdict = new nn.ParameterDict({ a: torch.zeros(2) });
    expect(pdict.parameters().length).toBe(1);
  });

  it('print as PyTorch 1.13 prints them', () => {
    expect(String(new nn.ParameterList([torch.zeros(3), torch.zeros(2, 2)]))).toBe(
      'ParameterList(\n    (0): Parameter containing: [torch.float32 of size 3]\n    (1): Parameter containing: [torch.float32 of size 2x2]\n)',
    );
    expect(String(new nn.ParameterDict({ a: torch.zeros(3) }))).toBe('ParameterDict(  (a): Parameter containing: [torch.FloatTensor of size 3])');
    expect(String(new nn.Sequential())).toBe('Sequential()');
    expect(String(new nn.Sequential(new nn.ModuleList([new nn.Sequential()])))).toBe(
      'Sequential(\n  (0): ModuleList(\n    (0): Sequential()\n  )\n)',
    );
    expect(String(new nn.Parameter(torch.zeros(2)))).toBe('Parameter containing:\ntensor([0., 0.], requires_grad=True)');
  });
});

describe('memory', () => {
  it('a training loop through modules keeps the heap flat', () => {
    const net = new Net();
    const step = (): void => {
      torch.tidy(() => {
        net.zeroGrad();
        net(torch.ones(4, 2)).pow(2).mean().backward();
      });
    };
    for (let i = 0; i < 5; i++) step();
    const before = torch.memory();
    for (let i = 0; i < 200; i++) step();
    const after = torch.memory();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.liveTensors).toBe(before.liveTensors);
    net.dispose();
  });
});
