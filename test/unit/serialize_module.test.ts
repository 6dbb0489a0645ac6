// Whole-model save: torch.save(model) writes each module's registered class and state;
// torch.load(bytes, { weightsOnly: false }) rebuilds instances of the same classes
// without running their constructors.
import { describe, it, expect } from 'vitest';
import { torch, values } from '../helpers.js';
import { unzip, zip } from './serialize_files.js';

const { nn } = torch;
const { registerModuleClass } = torch.serialization;

let constructed = 0;

class Block extends nn.Module {
  declare fc: torch.nn.Linear;
  scale: number;
  tags: string[];
  act: (x: torch.Tensor) => torch.Tensor;
  constructor(width: number) {
    super();
    constructed++;
    this.fc = new nn.Linear(width, width);
    this.registerBuffer('runningMean', torch.zeros(width));
    this.registerBuffer('scratch', torch.ones(1), false);
    this.scale = 0.5;
    this.tags = ['a', 'b'];
    this.act = (x) => x.relu(); // a function: not saved
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc(x).mul(this.scale).add(this.runningMean);
  }
  declare runningMean: torch.Tensor;
}

class Net extends nn.Module {
  declare blocks: torch.nn.Sequential;
  declare head: torch.nn.Linear;
  declare gain: torch.nn.Parameter;
  name = 'net';
  config = { depth: 2, dropout: null as number | null, sizes: [4, 4] };
  dtype = torch.float32;
  constructor() {
    super();
    constructed++;
    this.blocks = new nn.Sequential(new Block(4), new nn.ReLU(), new Block(4));
    this.head = new nn.Linear(4, 2);
    this.gain = new nn.Parameter(torch.ones(2));
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return this.head(this.blocks(x)).mul(this.gain);
  }
}

registerModuleClass(Block);
registerModuleClass(Net, 'tests.Net');

function sameStateDict(a: torch.nn.Module, b: torch.nn.Module): void {
  const sa = a.stateDict();
  const sb = b.stateDict();
  expect(Object.keys(sb)).toEqual(Object.keys(sa));
  for (const k of Object.keys(sa)) {
    expect(sb[k].dtype, k).toBe(sa[k].dtype);
    expect(sb[k].shape, k).toEqual(sa[k].shape);
    const bytes = (t: torch.Tensor): Buffer => Buffer.from(t.toTypedArray().buffer);
    expect(bytes(sb[k]).equals(bytes(sa[k])), k).toBe(true);
  }
}

describe('whole-model save and load', () => {
  it('rebuilds the same classes, state and outputs without running constructors', () => {
    torch.manualSeed(0);
    const net = new Net();
    net.blocks[0].runningMean.fill_(0.25);
    net.eval();
    const file = torch.save(net);
    constructed = 0;
    const back = torch.load(file, { weightsOnly: false });
    expect(constructed).toBe(0);
    expect(back).toBeInstanceOf(Net);
    expect(back.blocks).toBeInstanceOf(nn.Sequential);
    expect(back.blocks[0]).toBeInstanceOf(Block);
    expect(back.blocks[1]).toBeInstanceOf(nn.ReLU);
    expect(back.head).toBeInstanceOf(nn.Linear);
    expect(back.training).toBe(false);
    expect(back.blocks[0].training).toBe(false);
    // plain attributes, including nested plain containers and a dtype
    expect(back.name).toBe('net');
    expect(back.config).toEqual({ depth: 2, dropout: null, sizes: [4, 4] });
    expect(back.dtype).toBe(torch.float32);
    expect(back.blocks[0].scale).toBe(0.5);
    expect(back.blocks[0].tags).toEqual(['a', 'b']);
    expect(back.head.inFeatures).toBe(4);
    // functions are not saved
    expect(back.blocks[0].act).toBeUndefined();
    // registries: parameters are Parameters, buffers keep their persistence
    expect(back.gain).toBeInstanceOf(nn.Parameter);
    expect(back.parameters().length).toBe(net.parameters().length);
    expect(back.namedBuffers().map(([n]: [string]) => n)).toEqual(net.namedBuffers().map(([n]) => n));
    expect(Object.keys(back.stateDict())).not.toContain('blocks.0.scratch');
    sameStateDict(net, back);
    const x = torch.randn(3, 4);
    expect(values(back(x))).toEqual(values(net(x)));
    // the model trains: gradients reach the loaded parameters
    back.train();
    back(x).sum().backward();
    expect(back.head.weight.grad).not.toBeNull();
    expect(String(back)).toBe(String(net));
  });

  it('library classes load by their nn names: Sequential of layers, MultiheadAttention, Embedding', () => {
    torch.manualSeed(1);
    const models: torch.nn.Module[] = [
      new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 5 * 5, 2)),
      new nn.MultiheadAttention(8, 2),
      new nn.Embedding(10, 4, { paddingIdx: 0 }),
      new nn.ModuleDict({ a: new nn.Linear(2, 2), b: new nn.Identity() }),
      new nn.ParameterDict({ w: torch.ones(2) }),
    ];
    for (const m of models) {
      const back = torch.load(torch.save(m), { weightsOnly: false });
      expect(back.constructor).toBe(m.constructor);
      expect(String(back)).toBe(String(m));
      sameStateDict(m, back);
    }
    const seq = models[0];
    const x = torch.randn(2, 3, 5, 5);
    expect(values(torch.load(torch.save(seq), { weightsOnly: false })(x))).toEqual(values(seq(x)));
  });

  it('torchvision models load by their models names (ResNet-18, MobileNetV2)', () => {
    torch.manualSeed(3);
    for (const m of [torch.models.resnet18({ numClasses: 10 }), torch.models.mobilenetV2({ numClasses: 5 })]) {
      m.eval();
      const file = torch.save(m);
      expect(() => torch.load(file)).toThrow(new RegExp(`refusing to load global torchwasm.models.${m.constructor.name}`));
      const back = torch.load(file, { weightsOnly: false });
      expect(back.constructor).toBe(m.constructor);
      sameStateDict(m, back);
      const x = torch.randn(1, 3, 32, 32);
      expect(values(back(x))).toEqual(values(m(x)));
      m.dispose();
      back.dispose();
    }
  });

  it('shared modules and tied parameters stay shared', () => {
    const shared = new nn.Linear(3, 3);
    const seq = new nn.Sequential(shared, new nn.Tanh(), shared);
    const tied = new nn.Module();
    tied.registerModule('enc', new nn.Embedding(5, 3));
    tied.registerModule('dec', new nn.Linear(3, 5, { bias: false }));
    (tied as any).dec.weight = (tied as any).enc.weight;
    const [s, t] = torch.load(torch.save([seq, tied]), { weightsOnly: false });
    expect(s[0]).toBe(s[2]);
    expect(s.parameters().length).toBe(2);
    expect(t.dec.weight).toBe(t.enc.weight);
  });

  it('is refused by default, naming the class; allowGlobals can let one class in', () => {
    const file = torch.save(new Net());
    const before = torch.memory().bytesInUse;
    expect(() => torch.load(file)).toThrow(torch.serialization.UnpicklingError);
    expect(() => torch.load(file)).toThrow(/refusing to load global torchwasm.tests.Net \(weights_only\): the file holds a whole module of class tests.Net/);
    // every class in the file must be allowed
    expect(() => torch.load(file, { allowGlobals: ['torchwasm.tests.Net'] })).toThrow(/torchwasm.nn.Sequential/);
    expect(torch.memory().bytesInUse).toBe(before);
    const allowed = ['torchwasm.tests.Net', 'torchwasm.nn.Sequential', 'torchwasm.Block', 'torchwasm.nn.ReLU', 'torchwasm.nn.Linear'];
    expect(torch.load(file, { allowGlobals: allowed })).toBeInstanceOf(Net);
  });

  it('a module inside a container, and a container of modules and tensors', () => {
    const lin = new nn.Linear(2, 2);
    const back = torch.load(torch.save({ model: lin, step: 3, extra: torch.ones(1) }), { weightsOnly: false });
    expect(back.model).toBeInstanceOf(nn.Linear);
    expect(back.step).toBe(3);
    sameStateDict(lin, back.model);
  });

  it('unregistered classes: saving names the class; loading an unknown name says to register it', () => {
    class Local extends nn.Module {}
    expect(() => torch.save({ m: new Local() })).toThrow(/the module class Local at obj\["m"\] is not registered: call torch.serialization.registerModuleClass\(Local\)/);
    // a subclass of a registered class is not saved as its parent
    class MyLinear extends nn.Linear {}
    expect(() => torch.save(new MyLinear(2, 2))).toThrow(/MyLinear/);
    // a file naming a class this program did not register
    class Other extends nn.Module {}
    registerModuleClass(Other, 'tests.Other');
    const entries = unzip(torch.save(new Other())).map((e) => {
      if (!e.name.endsWith('data.pkl')) return e;
      const text = new TextDecoder('latin1').decode(e.data).replace('tests.Other', 'tests.Gone');
      return { name: e.name, data: Uint8Array.from(text, (c) => c.charCodeAt(0)) };
    });
    expect(() => torch.load(zip(entries), { weightsOnly: false })).toThrow(
      'load: the file holds a module of class tests.Gone, which is not registered: call torch.serialization.registerModuleClass(tests.Gone) before loading',
    );
  });

  it('registerModuleClass checks its arguments and keeps one class per name', () => {
    class A extends nn.Module {}
    class B extends nn.Module {}
    registerModuleClass(A, 'tests.A');
    registerModuleClass(A, 'tests.A'); // again: nothing changes
    expect(() => registerModuleClass(B, 'tests.A')).toThrow(/the name 'tests.A' is already registered for another class/);
    expect(() => registerModuleClass(A, 'tests.A2')).toThrow(/A is already registered as 'tests.A'/);
    expect(() => registerModuleClass(nn.Linear, 'Linear')).toThrow(/already registered as 'nn.Linear'/);
    expect(() => registerModuleClass(class {} as never)).toThrow(TypeError);
    expect(() => registerModuleClass(B, 'a\nb')).toThrow(/without line breaks/);
    expect(() => registerModuleClass(B, '')).toThrow(torch.ValueError);
  });

  it('the state_dict of a loaded model loads into a fresh one; memory stays flat over save/load cycles', () => {
    const net = new Net();
    const fresh = new Net();
    const back = torch.load(torch.save(net), { weightsOnly: false });
    fresh.loadStateDict(back.stateDict());
    sameStateDict(net, fresh);
    back.dispose();
    const cycle = (): void => {
      const m = torch.load(torch.save(net), { weightsOnly: false });
      m.dispose();
    };
    cycle();
    const before = torch.memory();
    for (let i = 0; i < 10; i++) cycle();
    const after = torch.memory();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.liveTensors).toBe(before.liveTensors);
  });
});
