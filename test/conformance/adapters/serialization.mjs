// serialization.json: load each file and compare with what the case records: the decoded
// values (`expected`), and where given each tensor's layout (`tensor_meta`), the one
// storage they share (`storage_numel`), the key order (`keys`), the paths holding Python
// tuples (`tuple_paths`) and whether a tensor requires grad (an nn.Parameter).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir } from '../runner.mjs';

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function checkMeta(name, t, meta) {
  const got = {
    dtype: t.dtype.name, shape: [...t.shape], stride: [...t.stride()], storage_offset: t.storageOffset(), is_contiguous: t.isContiguous(),
  };
  for (const [k, v] of Object.entries(meta)) if (k in got && !same(got[k], v)) return `${name}.${k}: ${JSON.stringify(got[k])}, expected ${JSON.stringify(v)}`;
  return null;
}

const at = (obj, path) => path.split('.').reduce((o, k) => (o == null ? o : o[k]), obj);

function check(torch, c, h) {
  const bytes = readFileSync(join(fixtureDir(), c.file));
  const got = c.format === 'safetensors' ? torch.safetensors.load(bytes) : torch.load(bytes);
  const r = h.compare(torch, got, c.expected, c.rtol ?? 0, c.atol ?? 0, 'loaded');
  if (r) return r;
  if (c.tensor_meta) {
    for (const [name, meta] of Object.entries(c.tensor_meta)) {
      const bad = checkMeta(name, got[name], meta);
      if (bad) return bad;
    }
  }
  if (c.storage_numel !== undefined) {
    const tensors = torch.isTensor(got) ? [got] : Object.values(got).filter((t) => torch.isTensor(t));
    const storage = tensors[0].untypedStorage();
    if (!tensors.every((t) => t.untypedStorage() === storage)) return 'the tensors do not share one storage';
    const numel = storage.nbytes / tensors[0].dtype.itemsize;
    if (numel !== c.storage_numel) return `storage of ${numel} elements, expected ${c.storage_numel}`;
  }
  if (c.keys && !same(Object.keys(got), c.keys)) return `keys ${JSON.stringify(Object.keys(got))}, expected ${JSON.stringify(c.keys)}`;
  for (const path of c.tuple_paths ?? []) {
    if (!(at(got, path) instanceof torch.serialization.PyTuple)) return `${path} is not a tuple`;
  }
  // PyTorch's note for a saved nn.Parameter: it must come back requiring grad
  if (/requires_grad=True/.test(c.note ?? '') && !got.requiresGrad) return 'requires_grad lost';
  return true;
}

export const ops = { 'torch.load': (torch, args, kwargs, c, h) => check(torch, c, h) };
export const cases = new Proxy({}, { get: (_t, id) => (typeof id === 'string' ? (torch, c, h) => check(torch, c, h) : undefined) });
