// Long training loops keep the wasm heap flat: the bytes in use, the live tensors and
// the size of wasm memory are the same after a warm-up and after many more steps.
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';

const nn = torch.nn;

/** Runs `step` n times after a warm-up and checks the memory report did not move. */
function expectFlat(step: () => void, n: number): void {
  for (let i = 0; i < 10; i++) step();
  const before = torch.memory();
  for (let i = 0; i < n; i++) step();
  const after = torch.memory();
  expect(after.bytesInUse).toBe(before.bytesInUse);
  expect(after.liveTensors).toBe(before.liveTensors);
  expect(after.wasmBytes).toBe(before.wasmBytes);
}

describe('training loops keep the heap flat', () => {
  it('an MLP with Adam and CrossEntropyLoss, 1000 steps', () => {
    torch.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(20, 64), new nn.ReLU(), new nn.Linear(64, 10));
    const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
    const lossFn = new nn.CrossEntropyLoss();
    const x = torch.randn(32, 20);
    const y = torch.randint(0, 10, [32]);
    let first = 0;
    let last = 0;
    expectFlat(() => {
      torch.tidy(() => {
        opt.zeroGrad();
        const loss = lossFn(model(x), y);
        loss.backward();
        opt.step();
        last = loss.item() as number;
        if (first === 0) first = last;
      });
    }, 1000);
    expect(last).toBeLessThan(first / 2); // it learns
    model.dispose();
  });

  it('a small CNN with BatchNorm and SGD momentum, 1000 steps', () => {
    torch.manualSeed(1);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(4 * 4 * 4, 3),
    );
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const x = torch.randn(8, 1, 8, 8);
    const y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1]);
    expectFlat(() => {
      torch.tidy(() => {
        opt.zeroGrad();
        torch.nn.functional.crossEntropy(model(x), y).backward();
        opt.step();
      });
    }, 1000);
    expect((model[1] as torch.nn.BatchNorm2d).num_batches_tracked.item()).toBe(1010);
    model.dispose();
  });

  it('fine-tuning a frozen ResNet-18 with a new fc, 200 steps', () => {
    torch.manualSeed(2);
    const model = torch.models.resnet18();
    model.requiresGrad_(false);
    model.fc = new nn.Linear(512, 5);
    const opt = new torch.optim.SGD(model.fc.parameters(), { lr: 1e-2, momentum: 0.9 });
    model.train();
    const x = torch.randn(2, 3, 32, 32);
    const y = torch.tensor([1, 4]);
    const conv1 = model.conv1.weight.clone();
    expectFlat(() => {
      torch.tidy(() => {
        opt.zeroGrad();
        torch.nn.functional.crossEntropy(model(x), y).backward();
        opt.step();
      });
    }, 200);
    expect(torch.equal(model.conv1.weight, conv1)).toBe(true); // the backbone stayed frozen
    expect(model.conv1.weight.grad).toBeNull();
    model.dispose();
  });
});
