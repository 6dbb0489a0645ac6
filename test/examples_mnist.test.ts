// The MNIST demo (`npm run demo`'s second part) and the helpers it shares with the
// mnist conformance adapter: the network built from an architecture line, the data rule.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { torch } from './helpers.js';
// @ts-expect-error: plain JavaScript examples, no type declarations
import { createNet, parseArchitecture } from '../examples/lenet.mjs';
// @ts-expect-error: plain JavaScript examples, no type declarations
import { parseDataRule } from '../examples/mnist_data.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const LENET = 'conv1 Conv2d(1,8,5) -> relu -> max_pool2d(2) -> conv2 Conv2d(8,16,5) -> relu -> max_pool2d(2) -> flatten -> fc1 Linear(256,64) -> relu -> fc2 Linear(64,10)';

function demo(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['examples/mnist.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 150_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('examples/mnist.mjs', () => {
  it('trains the LeNet to >= 96%, reloads it from a .pt file, reproduces PyTorch\'s model and frees all memory', () => {
    const { status, out } = demo();
    expect(status, out).toBe(0);
    expect(out).toContain('train 8000, test 2000');
    // not a terminal: one plain line per epoch with batch, loss and speed
    expect(out.match(/^epoch \d\/8: batch 125\/125, mean loss [\d.]+, \d+ images\/s/gm)).toHaveLength(8);
    expect(out).not.toContain('\r');
    expect(out).toMatch(/memory after each epoch: flat/);
    expect(out).toContain('loaded it into a fresh model: the same predictions');
    const accuracy = Number(/test accuracy: ([\d.]+)%/.exec(out)![1]);
    expect(accuracy).toBeGreaterThanOrEqual(96);
    expect(out).toContain("2000/2000 test predictions reproduced, accuracy 96.70% (PyTorch: 96.70%)");
    expect(out).toMatch(/first 64 logits: max \|diff\| \S+ within atol/);
    expect(out).toMatch(/memory: 0 live tensors, 0 bytes in use/);
  });

  it("in the batch order of PyTorch's recorded run, the first epochs' mean losses are PyTorch's", () => {
    const { status, out } = demo('--order', 'randperm', '--epochs', '2');
    expect(status, out).toBe(0);
    const rows = [...out.matchAll(/epoch (\d): ([\d.]+) vs ([\d.]+) \(/g)];
    expect(rows).toHaveLength(2);
    // float rounding differs from PyTorch's kernels and grows over the steps: 0.03% and 0.2% here
    for (const [, , ours, theirs] of rows) expect(Math.abs(Number(ours) / Number(theirs) - 1)).toBeLessThan(0.01);
    expect(out).toMatch(/memory: 0 live tensors, 0 bytes in use/);
  });

  it('rejects bad arguments', () => {
    expect(demo('--order', 'sideways').out).toContain("--order: expected dataloader or randperm, got 'sideways'");
    expect(demo('--epochs', '1.5').out).toContain("--epochs: expected a count, got '1.5'");
  });
});

describe('examples/lenet.mjs', () => {
  it('parses an architecture line into steps', () => {
    expect(parseArchitecture('fc Linear(4, 2) -> relu -> pool max_pool2d(kernel_size=2, stride=1) -> Dropout(0.5)')).toEqual([
      { name: 'fc', layer: 'Linear', args: [4, 2], kwargs: {} },
      { name: null, layer: 'relu', args: [], kwargs: {} },
      { name: 'pool', layer: 'max_pool2d', args: [], kwargs: { kernelSize: 2, stride: 1 } },
      { name: null, layer: 'Dropout', args: [0.5], kwargs: {} },
    ]);
  });

  it("builds PyTorch's LeNet: names, shapes, repr and default initialisation (seed 0)", () => {
    torch.manualSeed(0);
    const net = createNet(torch, LENET);
    const sd = net.stateDict();
    // PyTorch 1.13: torch.manual_seed(0); LeNet() with the same layers; float64 sums and the first two values
    const expected: Record<string, [number[], number, number[]]> = {
      'conv1.weight': [[8, 1, 5, 5], -2.099519931944087, [-0.0014973640209063888, 0.10728871822357178]],
      'conv1.bias': [[8], -0.03048910479992628, [0.008413624949753284, 0.12892460823059082]],
      'conv2.weight': [[16, 8, 5, 5], -0.5551427522386803, [0.02556951716542244, 0.008953811600804329]],
      'conv2.bias': [[16], 0.008557535707950592, [-0.012721057049930096, 0.014456825330853462]],
      'fc1.weight': [[64, 256], 5.429407946765423, [0.056212738156318665, -0.005610369145870209]],
      'fc1.bias': [[64], -0.011613331735134125, [0.0012813881039619446, -0.032370440661907196]],
      'fc2.weight': [[10, 64], 0.4774750620126724, [-0.06940174102783203, 0.09128794074058533]],
      'fc2.bias': [[10], -0.15722928941249847, [-0.08214713633060455, -0.011503249406814575]],
    };
    expect(Object.keys(sd)).toEqual(Object.keys(expected));
    for (const [key, [shape, sum, first]] of Object.entries(expected)) {
      const t = sd[key];
      expect([...t.shape], key).toEqual(shape);
      expect(t.double().sum().item(), key).toBeCloseTo(sum, 12);
      expect(Array.from(t.flatten().narrow(0, 0, 2).toTypedArray()), key).toEqual(first);
    }
    expect(String(net)).toBe(
      'ArchitectureNet(\n' +
        '  (conv1): Conv2d(1, 8, kernel_size=(5, 5), stride=(1, 1))\n' +
        '  (conv2): Conv2d(8, 16, kernel_size=(5, 5), stride=(1, 1))\n' +
        '  (fc1): Linear(in_features=256, out_features=64, bias=True)\n' +
        '  (fc2): Linear(in_features=64, out_features=10, bias=True)\n' +
        ')',
    );
    const y = net(torch.zeros(3, 1, 28, 28));
    expect([...y.shape]).toEqual([3, 10]);
    y.dispose();
    net.dispose();
  });

  it('passes train() and eval() on to unnamed layers', () => {
    torch.manualSeed(0);
    const net = createNet(torch, 'fc Linear(4, 4) -> dropout(0.5)');
    const x = torch.ones(2, 4);
    net.eval();
    const a = net(x);
    const b = net(x);
    expect(a.equal(b)).toBe(true); // dropout off
    net.train();
    const c = torch.noGrad(() => net(x));
    expect(c.eq(0).any().item()).toBe(true); // dropout on: some of 8 outputs zeroed
    for (const t of [x, a, b, c]) t.dispose();
    net.dispose();
  });

  it('rejects what it cannot build', () => {
    expect(() => createNet(torch, 'fc Linear(4, 2) -> frobnicate')).toThrow("architecture step 'frobnicate': torch.nn has no layer of that name");
    expect(() => createNet(torch, 'fc Linear(4, 2) -> fc Linear(2, 2)')).toThrow("architecture: the name 'fc' is used twice");
    expect(() => createNet(torch, 'Linear(4, 2)')).toThrow("architecture step 'Linear': a layer with parameters or buffers needs a name");
    expect(() => createNet(torch, 'fc Linear(4, two)')).toThrow("architecture step 'fc Linear(4, two)': argument 'two' is not a number");
    expect(() => parseArchitecture('fc Linear(4, 2) -> ')).toThrow("architecture step '': expected 'name Layer(args)' or 'layer(args)'");
  });
});

describe('examples/mnist_data.mjs', () => {
  it('reads the data rule of mnist.json', () => {
    expect(parseDataRule('npm package mnist@1.1.0, src/digits/<d>.json; last 200 samples of each digit are the test set')).toEqual({
      package: 'mnist', version: '1.1.0', file: 'src/digits/<d>.json', testPerDigit: 200,
    });
    expect(() => parseDataRule('the usual MNIST split')).toThrow("mnist data rule not understood: 'the usual MNIST split'");
  });
});
