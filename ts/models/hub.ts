// torch.hub.loadStateDictFromUrl: fetches a `.pt` or `.safetensors` file and returns
// its state_dict. http(s) URLs go through fetch (browsers, workers, Deno, Bun, Node);
// `file:` URLs and plain paths are read with node:fs where it exists (Node, Deno, Bun).

import type { Tensor } from '../tensor/tensor.js';
import { RuntimeError } from '../tensor/shape.js';
import { stateDictFromBytes } from './weights.js';

async function readLocal(pathOrUrl: string): Promise<Uint8Array> {
  const fsName = 'node:fs/promises'; // not a static import: bundles for browsers must not need it
  let fs: { readFile(p: string | URL): Promise<Uint8Array> };
  try {
    fs = (await import(/* @vite-ignore */ fsName)) as typeof fs;
  } catch {
    throw new RuntimeError(`loadStateDictFromUrl: cannot read ${pathOrUrl}: no file system in this runtime (pass the bytes instead)`);
  }
  return new Uint8Array(await fs.readFile(pathOrUrl.startsWith('file:') ? new URL(pathOrUrl) : pathOrUrl));
}

/**
 * @example
 * const sd = await torch.hub.loadStateDictFromUrl('https://example.com/resnet18.pt');
 * const model = torch.models.resnet18({ weights: sd });
 */
export async function loadStateDictFromUrl(url: string | URL): Promise<Record<string, Tensor>> {
  const s = String(url);
  let bytes: Uint8Array;
  if (/^(https?|blob|data):/.test(s)) {
    const res = await fetch(s);
    if (!res.ok) throw new RuntimeError(`loadStateDictFromUrl: HTTP ${res.status} fetching ${s}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } else {
    bytes = await readLocal(s);
  }
  return stateDictFromBytes(bytes);
}
