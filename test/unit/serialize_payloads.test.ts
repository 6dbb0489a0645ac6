// Code payloads hidden where a weights file legitimately has objects: deep in nested
// containers beside a state_dict (pickled by PyTorch 1.13's torch.save from an object
// whose __reduce__ calls subprocess.Popen, hard-coded here), in the backward-hooks
// argument of _rebuild_tensor_v2 and _rebuild_parameter (PyTorch's own pickle with a
// payload spliced into the empty OrderedDict it writes there), and in the storage-keys
// pickle that follows the object in a legacy file. Each is refused by default with an
// UnpicklingError naming the global, in zip and legacy files, with nothing left
// allocated; allowGlobals lets exactly the named global through as an inert placeholder.
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';
import { bytes, concat, hex, legacyFile, pickle, ptFile, str } from './serialize_files.js';

const ONES2 = hex('0000803f0000803f');

// torch.save({'state_dict': OrderedDict(weight=torch.ones(2)), 'extra': [{'callbacks': (1, EvilPopen())}]}): data.pkl
const NESTED_POPEN = hex(
  '80027d710028580a00000073746174655f64696374710163636f6c6c656374696f6e730a4f726465726564446963740a7102295271035806000000776569676874710463746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a71052828580700000073746f72616765710663746f7263680a466c6f617453746f726167650a71075801000000307108580300000063707571094b0274710a514b004b0285710b4b0185710c8968022952710d74710e52710f735805000000657874726171105d71117d7112580900000063616c6c6261636b7371134b0163737562' +
    '70726f636573730a506f70656e0a71145d71152858020000007368711658020000002d637117580a0000006563686f2070776e656471186585711952711a86711b7361752e',
);

// torch.save(OrderedDict(weight=torch.ones(2))): data.pkl, whose _rebuild_tensor_v2 call ends
// with requires_grad (0x89), backward_hooks = OrderedDict() (h\x00 ) R q\x0b), then TUPLE (t)
const TENSOR_PKL =
  '800263636f6c6c656374696f6e730a4f726465726564446963740a7100295271015806000000776569676874710263746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a71032828580700000073746f72616765710463746f7263680a466c6f617453746f726167650a71055801000000307106580300000063707571074b02747108514b004b028571094b0185710a8968002952710b74710c52710d732e';
// the same for torch.nn.Parameter (_rebuild_parameter(data, requires_grad=True (0x88), backward_hooks), then TUPLE3)
const PARAM_PKL =
  '800263636f6c6c656374696f6e730a4f726465726564446963740a7100295271015806000000776569676874710263746f7263682e5f7574696c730a5f72656275696c645f706172616d657465720a710363746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a71042828580700000073746f72616765710563746f7263680a466c6f617453746f726167650a71065801000000307107580300000063707571084b02747109514b004b0285710a4b0185710b8968002952710c74710d52710e8868002952710f877110527111732e';

/** A hook entry `{0: module.name('echo pwned')}` (as SETITEM on the OrderedDict just built), in hex. */
const hookPayload = (module: string, name: string): string =>
  [...concat([bytes('K\x00', `c${module}\n${name}\n`), str('echo pwned'), bytes('\x85Rs')])].map((b) => b.toString(16).padStart(2, '0')).join('');

const splice = (pkl: string, at: string, payload: string): Uint8Array => {
  expect(pkl.includes(at)).toBe(true);
  return hex(pkl.replace(at, at + payload));
};

const TENSOR_HOOK_SYSTEM = splice(TENSOR_PKL, '8968002952710b', hookPayload('posix', 'system'));
const PARAM_HOOK_EVAL = splice(PARAM_PKL, '8868002952710f', hookPayload('__builtin__', 'eval'));

/** The payload as the pickle of a zip archive and as the object pickle of a legacy file, with its one storage. */
function files(pkl: Uint8Array): [string, Uint8Array][] {
  return [
    ['zip', ptFile(pkl, { '0': ONES2 })],
    ['legacy', legacyFile(pkl, [{ key: '0', numel: 2, data: ONES2 }])],
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
  expect(err, `loading a file naming ${global} must fail`).toBeInstanceOf(torch.serialization.UnpicklingError);
  expect((err as Error).message).toContain(`refusing to load global ${global} (weights_only)`);
  expect(torch.memory().bytesInUse).toBe(before.bytesInUse);
  expect(torch.memory().liveTensors).toBe(before.liveTensors);
}

describe('payloads hidden inside weights files are refused, naming the global', () => {
  const cases: [string, Uint8Array, string][] = [
    ['subprocess.Popen deep in containers beside a state_dict', NESTED_POPEN, 'subprocess.Popen'],
    ["os.system in a tensor's backward hooks (_rebuild_tensor_v2)", TENSOR_HOOK_SYSTEM, 'posix.system'],
    ["builtins.eval in a Parameter's backward hooks (_rebuild_parameter)", PARAM_HOOK_EVAL, 'builtins.eval'],
  ];
  for (const [what, pkl, name] of cases) {
    it(`${what}: zip and legacy`, () => {
      for (const [, file] of files(pkl)) refused(file, name);
    });
  }

  it('a payload in the storage-keys pickle after the object of a legacy file', () => {
    const good = legacyFile(hex(TENSOR_PKL), [{ key: '0', numel: 2, data: ONES2 }]);
    expect(torch.load(good).weight.tolist()).toEqual([1, 1]);
    const objectEnd = good.length - (8 + ONES2.length) - pickle(bytes(']('), str('0'), bytes('e')).length;
    const evilKeys = pickle(bytes('csubprocess\ncheck_output\n'), bytes('('), str('id'), bytes('tR'));
    const record = concat([new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0]), ONES2]);
    refused(concat([good.subarray(0, objectEnd), evilKeys, record]), 'subprocess.check_output');
  });

  it('the same files without the payload load (the refusal is the payload, not the layout)', () => {
    for (const pkl of [hex(TENSOR_PKL), hex(PARAM_PKL)]) {
      for (const [, file] of files(pkl)) {
        const sd = torch.load(file);
        expect(sd.weight.tolist()).toEqual([1, 1]);
        sd.weight.dispose();
      }
    }
  });

  it('allowGlobals opts in to exactly the named global, which loads as an inert placeholder', () => {
    const sd = torch.load(ptFile(NESTED_POPEN, { '0': ONES2 }), { allowGlobals: ['subprocess.Popen'] });
    const [, placeholder] = sd.extra[0].callbacks;
    expect(placeholder).toBeInstanceOf(torch.serialization.PyObject);
    expect(placeholder.className).toBe('subprocess.Popen');
    expect(placeholder.args).toEqual([['sh', '-c', 'echo pwned']]);
    expect(sd.state_dict.weight.tolist()).toEqual([1, 1]);
    sd.state_dict.weight.dispose();
    refused(ptFile(NESTED_POPEN, { '0': ONES2 }), 'subprocess.Popen', { allowGlobals: ['posix.system', 'subprocess.run'] });
    refused(ptFile(TENSOR_HOOK_SYSTEM, { '0': ONES2 }), 'posix.system', { allowGlobals: ['subprocess.Popen'] });
  });
});

