// torch.load refuses code: hostile pickles (hand-written, or made once by Python's
// pickle from objects whose __reduce__ calls os.system / eval / subprocess.Popen and
// hard-coded here) are refused by default with an error naming the global, load as
// inert placeholders only on an explicit opt-in, and never leave memory behind.
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';
import { bytes, hex, ptFile, legacyFile, pickle, str, global, tensorPickle, f32, tupleOf } from './serialize_files.js';

// pickle.dumps(obj, protocol=2) of a class whose __reduce__ returns (os.system, ('echo pwned',)):
// on Linux os.system pickles as posix.system
const OS_SYSTEM_P2 = hex('800263706f7369780a73797374656d0a7100580a0000006563686f2070776e656471018571025271032e');
// protocol 4 (STACK_GLOBAL, FRAME, MEMOIZE) of __reduce__ -> (subprocess.Popen, (['sh', '-c', 'echo pwned'],))
const POPEN_P4 = hex(
  '80049537000000000000008c0a73756270726f63657373948c05506f70656e9493945d94288c027368948c022d63948c0a6563686f2070776e65649465859452942e',
);
// __reduce__ -> (eval, ("__import__('os').system('echo pwned')",)), protocols 2 and 0 (Python 2 module name __builtin__)
const EVAL_P2 = hex(
  '8002635f5f6275696c74696e5f5f0a6576616c0a710058250000005f5f696d706f72745f5f28276f7327292e73797374656d28276563686f2070776e6564272971018571025271032e',
);
const EVAL_P0 = bytes("c__builtin__\neval\np0\n(V__import__('os').system('echo pwned')\np1\ntp2\nRp3\n.");
// torch.save(OrderedDict(weight=torch.ones(2), evil=Evil())): a real state_dict file with one payload in it
const STATE_DICT_WITH_PAYLOAD = hex(
  '800263636f6c6c656374696f6e730a4f726465726564446963740a710029527101285806000000776569676874710263746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a71032828580700000073746f72616765710463746f7263680a466c6f617453746f726167650a71055801000000307106580300000063707571074b02747108514b004b028571094b0185710a8968002952710b74710c52710d58040000006576696c710e63706f7369780a73797374656d0a710f580a0000006563686f2070776e65647110857111527112752e',
);

const ones2 = f32(1, 1);

/** Every way a payload reaches the loader: as the pickle of a zip archive and of a legacy file. */
function files(pkl: Uint8Array, storages: Record<string, Uint8Array> = {}): [string, Uint8Array][] {
  return [
    ['zip', ptFile(pkl, storages)],
    ['legacy', legacyFile(pkl, Object.entries(storages).map(([key, data]) => ({ key, numel: data.length / 4, data })))],
  ];
}

function refused(file: Uint8Array, global: string, options?: object): void {
  const before = torch.memory();
  let err: unknown = null;
  try {
    torch.load(file, options);
  } catch (e) {
    err = e;
  }
  expect(err, `loading a pickle naming ${global} must fail`).toBeInstanceOf(torch.serialization.UnpicklingError);
  expect(err).toBeInstanceOf(torch.RuntimeError);
  expect((err as Error).message).toContain(`refusing to load global ${global} (weights_only)`);
  const after = torch.memory();
  expect(after.bytesInUse).toBe(before.bytesInUse);
  expect(after.liveTensors).toBe(before.liveTensors);
}

describe('torch.load refuses code by default', () => {
  const cases: [string, Uint8Array, string][] = [
    ['os.system via __reduce__ (protocol 2)', OS_SYSTEM_P2, 'posix.system'],
    ['subprocess.Popen (protocol 4, STACK_GLOBAL)', POPEN_P4, 'subprocess.Popen'],
    ['builtins.eval (protocol 2, __builtin__)', EVAL_P2, 'builtins.eval'],
    ['builtins.eval (protocol 0)', EVAL_P0, 'builtins.eval'],
    ['__builtin__.exec by GLOBAL', pickle(global('__builtin__', 'exec'), tupleOf(str('import os')), bytes('R')), 'builtins.exec'],
    ['os.system by INST', bytes('\x80\x02(', str('id'), 'ios\nsystem\n.'), 'os.system'],
    ['os.system by OBJ', bytes('\x80\x02(', global('os', 'system'), str('id'), 'o.'), 'os.system'],
    ['a class by NEWOBJ', pickle(global('subprocess', 'Popen'), tupleOf(str('id')), bytes('\x81')), 'subprocess.Popen'],
    ['a class by BUILD', pickle(global('functools', 'partial'), bytes(')\x81}b')), 'functools.partial'],
    ['a global that is only named', pickle(global('os', 'environ')), 'os.environ'],
    ['torch.load itself', pickle(global('torch', 'load'), tupleOf(str('x.pt')), bytes('R')), 'torch.load'],
    ['a numpy array (not in the allowlist)', pickle(global('numpy.core.multiarray', '_reconstruct'), bytes(')R')), 'numpy.core.multiarray._reconstruct'],
  ];
  for (const [what, pkl, name] of cases) {
    it(`${what}: refused naming ${name}, zip and legacy`, () => {
      for (const [, file] of files(pkl)) refused(file, name);
    });
  }

  it('a real state_dict file with one payload among its tensors: refused, no tensor left allocated', () => {
    for (const [, file] of files(STATE_DICT_WITH_PAYLOAD, { '0': ones2 })) refused(file, 'posix.system');
  });

  it('a payload inside a legacy header pickle (magic, protocol, sys info) is refused too', () => {
    const payload = bytes('\x80\x02', global('os', 'system'), tupleOf(str('id')), 'R.');
    refused(payload, 'os.system');
  });

  it('a persistent id that is not a storage is refused', () => {
    const pkl = pickle(tupleOf(str('module'), str('os')), bytes('Q'));
    for (const [, file] of files(pkl)) {
      expect(() => torch.load(file)).toThrow(/only persistent ids of storages are allowed/);
    }
  });

  it('sparse, quantized and meta tensors are refused as unsupported, naming what', () => {
    const sparse = pickle(global('torch._utils', '_rebuild_sparse_tensor'), bytes(')R'));
    expect(() => torch.load(ptFile(sparse))).toThrow(/sparse tensors are not supported/);
    const complexStorage = pickle(tensorPickle({ storage: 'ComplexFloatStorage', numel: 1, size: [1], stride: [1] }));
    expect(() => torch.load(ptFile(complexStorage, { '0': new Uint8Array(8) }))).toThrow(/unsupported storage type torch.ComplexFloatStorage/);
  });

  it('calling something that is not callable is a corrupt file, not a call', () => {
    const pkl = pickle(str('os.system'), tupleOf(str('id')), bytes('R'));
    expect(() => torch.load(ptFile(pkl))).toThrow(/load: corrupt file: cannot call list|load: corrupt file: cannot call/);
  });
});

describe('opting in loads globals as inert placeholders, never runs them', () => {
  it('weightsOnly: false gives a PyObject recording the call', () => {
    for (const [, file] of files(OS_SYSTEM_P2)) {
      const obj = torch.load(file, { weightsOnly: false });
      expect(obj).toBeInstanceOf(torch.serialization.PyObject);
      expect(obj.className).toBe('posix.system');
      expect(obj.args).toEqual(['echo pwned']);
    }
    const popen = torch.load(ptFile(POPEN_P4), { weightsOnly: false });
    expect(popen.className).toBe('subprocess.Popen');
    expect(popen.args).toEqual([['sh', '-c', 'echo pwned']]);
  });

  it('allowGlobals lets exactly the listed names through', () => {
    const file = ptFile(STATE_DICT_WITH_PAYLOAD, { '0': ones2 });
    const sd = torch.load(file, { allowGlobals: ['posix.system'] });
    expect(sd.weight.tolist()).toEqual([1, 1]);
    expect(sd.evil.className).toBe('posix.system');
    expect(torch.serialization.isOrderedDict(sd)).toBe(true);
    sd.weight.dispose();
    refused(file, 'posix.system', { allowGlobals: ['os.system'] });
    refused(ptFile(POPEN_P4), 'subprocess.Popen', { allowGlobals: ['posix.system'] });
  });

  it('a placeholder cannot be saved again (it is not the object)', () => {
    const obj = torch.load(ptFile(OS_SYSTEM_P2), { weightsOnly: false });
    expect(() => torch.save({ obj })).toThrow(/cannot serialise the placeholder of posix.system/);
  });

  it('a class saved as a value loads as an inert name', () => {
    const pkl = pickle(bytes('}'), str('cls'), global('os', 'system'), bytes('s'));
    const d = torch.load(ptFile(pkl), { weightsOnly: false });
    expect(d.cls).toBeInstanceOf(torch.serialization.PyClass);
    expect(d.cls.className).toBe('os.system');
  });
});

describe('options', () => {
  const file = ptFile(pickle(tensorPickle({ numel: 2, size: [2], stride: [1] })), { '0': ones2 });
  it('rejects unknown or mistyped options with a TypeError', () => {
    expect(() => torch.load(file, { weights_only: false } as object)).toThrow(TypeError);
    expect(() => torch.load(file, { weights_only: false } as object)).toThrow("load() got an unexpected keyword argument 'weights_only'");
    expect(() => torch.load(file, { weightsOnly: 'no' } as object)).toThrow('load(): weightsOnly must be a boolean');
    expect(() => torch.load(file, { allowGlobals: 'os.system' } as object)).toThrow(/allowGlobals must be an array/);
    expect(() => torch.load(file, { dtype: torch.int32 })).toThrow(/dtype must be a floating-point dtype/);
    expect(() => torch.load('file.pt' as unknown as Uint8Array)).toThrow(TypeError);
  });
  it('mapLocation is accepted (everything loads into wasm memory)', () => {
    const t = torch.load(file, { mapLocation: 'cpu' });
    expect(t.tolist()).toEqual([1, 1]);
    t.dispose();
  });
});
