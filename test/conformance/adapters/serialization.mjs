// serialization.json: load each file and compare with the decoded expectation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir } from '../runner.mjs';

function check(torch, c, h) {
  const bytes = readFileSync(join(fixtureDir(), c.file));
  const got = c.format === 'safetensors' ? torch.safetensors.load(bytes) : torch.load(bytes);
  const r = h.compare(torch, got, c.expected, c.rtol ?? 0, c.atol ?? 0, 'loaded');
  if (r) return r;
  if (c.id === 'parameter' && !got.requiresGrad) return 'parameter: requires_grad lost';
  if (c.id === 'shared_views') {
    const shared = Object.values(got).every((t) => t.untypedStorage() === got.base.untypedStorage());
    if (!shared) return 'shared_views: views do not share storage';
  }
  return true;
}

export const ops = { 'torch.load': (torch, args, kwargs, c, h) => check(torch, c, h) };
export const cases = new Proxy({}, { get: (_t, id) => (typeof id === 'string' ? (torch, c, h) => check(torch, c, h) : undefined) });
