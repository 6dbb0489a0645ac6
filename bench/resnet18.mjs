// ResNet-18 for the benchmark: the weights of ../shared/conformance/models/resnet18.pt
// (or $CONFORMANCE_DIR/models) read with torch.load, run by torch.models.resnetForward,
// and checked against PyTorch's logits for resnet18_input.bin.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = join(process.env.CONFORMANCE_DIR ?? join(repo, '..', 'shared', 'conformance'), 'models');

const floats = (file) => {
  const b = readFileSync(join(modelsDir, file));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

/** The state_dict as {name: Tensor}; throws when the fixture is missing. */
export function loadResnet18(torch) {
  const pt = join(modelsDir, 'resnet18.pt');
  if (!existsSync(pt)) throw new Error(`n/a: ${pt} not found (set CONFORMANCE_DIR)`);
  return torch.load(new Uint8Array(readFileSync(pt)));
}

/** Largest |ours - PyTorch| over the 1000 logits of resnet18_input.bin. */
export function resnet18LogitsError(torch, sd) {
  const expected = floats('resnet18_logits.bin');
  return torch.tidy(() => {
    const x = torch.fromArray(floats('resnet18_input.bin').slice(), [1, 3, 224, 224]);
    const got = torch.noGrad(() => torch.models.resnetForward(sd, x)).toTypedArray();
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
    return worst;
  });
}
