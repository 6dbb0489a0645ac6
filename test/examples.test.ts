// `npm run demo` keeps working: the seed-notebook port runs on dist/, prints every
// cell, and ends with the memory report at zero (it exits non-zero otherwise).
import { it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

it('examples/seed_notebook.mjs runs and releases all memory', () => {
  const r = spawnSync(process.execPath, ['examples/seed_notebook.mjs'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  for (const cell of ['torch.eye(5, 2)', 'torch.linspace(1, 100, { steps: 10 })', 'torch.chunk(x, 3, { dim: 1 })', 'torch.gather(t, 0']) {
    expect(r.stdout).toContain(`>>> ${cell}`);
  }
  expect(r.stdout).toContain('[100, 2, 3]'); // the typed array saw the tensor's write
  expect(r.stdout).toContain('torch.Size([2, 9])');
  // the model cells: freeze, replace a layer, train it alone; the ResNet-18 cell; save/load
  expect(r.stdout).toContain('frozen layer unchanged: true, its grad: null');
  expect(r.stdout).toContain('trainable: [100,512], [100] of 62 parameter tensors');
  const losses = /loss: ([\d.]+) -> .* -> ([\d.]+)\n/.exec(r.stdout);
  expect(Number(losses![2])).toBeLessThan(Number(losses![1]));
  expect(r.stdout).toContain('<All keys matched successfully>');
  expect(r.stdout).toContain('same output: true');
  expect(r.stdout).toMatch(/memory: 0 live tensors, 0 bytes in use/);
});

it("examples/tiny_gpt.mjs decodes PyTorch's tokens with a flat heap", () => {
  const r = spawnSync(process.execPath, ['examples/tiny_gpt.mjs'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain("same tokens as PyTorch's greedy decode");
  expect(r.stdout).toContain('memory per token: flat');
  expect(r.stdout).toMatch(/ms per token/);
  expect(r.stdout).toMatch(/memory: 0 live tensors, 0 bytes in use/);
});
