// Soak: many small training steps and inferences (an MLP with SGD and momentum, a CNN with
// Adam, an LSTM classifier with RMSprop) with the memory report sampled along the way:
// after a warm-up, bytes in use, live tensors and the wasm memory must stay exactly flat,
// and the losses must fall (the steps really train).
//
//   npx vitest run test/soak.test.ts                 (npm test: 1,000 steps per model)
//   SOAK=1 npx vitest run test/soak.test.ts          (100,000 steps per model)
//   SOAK_STEPS=20000 npx vitest run test/soak.test.ts
import { describe, it, expect } from 'vitest';
import { torch } from './helpers.js';

const STEPS = Number(process.env.SOAK_STEPS ?? (process.env.SOAK ? 100_000 : 1_000));
const WARMUP = 50;
const SAMPLES = 20;
const { nn } = torch;

interface Model {
  name: string;
  net: torch.nn.Module;
  opt: torch.optim.Optimizer;
  /** One batch of inputs and class targets for step i (made inside the step's tidy). */
  batch: (i: number) => [torch.Tensor, torch.Tensor];
}

/** Class targets that depend on the inputs, so there is something to learn. */
function labelled(x: torch.Tensor, classes: number): torch.Tensor {
  return x.flatten(1).sum(1).mul(2).floor().remainder(classes).to(torch.int64);
}

function models(): Model[] {
  torch.manualSeed(0);
  const mlp = new nn.Sequential(new nn.Linear(8, 32), new nn.ReLU(), new nn.Linear(32, 4));
  const cnn = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 4 * 4, 3),
  );
  const lstm = new nn.LSTM(3, 8, { batchFirst: true });
  const head = new nn.Linear(8, 2);
  class LstmClassifier extends nn.Module {
    constructor(readonly rnn: torch.nn.LSTM, readonly fc: torch.nn.Linear) {
      super();
    }
    override forward(x: torch.Tensor): torch.Tensor {
      const [out] = this.rnn(x) as [torch.Tensor, unknown];
      return this.fc(out.select(1, -1));
    }
  }
  const rnn = new LstmClassifier(lstm, head);
  return [
    { name: 'MLP + SGD(momentum)', net: mlp, opt: new torch.optim.SGD(mlp.parameters(), { lr: 0.05, momentum: 0.9 }), batch: () => {
      const x = torch.rand(16, 8);
      return [x, x.narrow(1, 0, 4).argmax(1)]; // which of the first four features is largest
    } },
    { name: 'CNN + Adam', net: cnn, opt: new torch.optim.Adam(cnn.parameters(), { lr: 0.01 }), batch: () => {
      const x = torch.rand(8, 1, 8, 8).div(16);
      return [x, labelled(x, 3)];
    } },
    { name: 'LSTM + RMSprop', net: rnn, opt: new torch.optim.RMSprop(rnn.parameters(), { lr: 0.01 }), batch: () => {
      const x = torch.rand(4, 5, 3);
      return [x, x.mean(1).narrow(1, 0, 2).argmax(1)]; // which of two features is larger on average over time
    } },
  ];
}

function step(m: Model, i: number, lossFn: torch.nn.CrossEntropyLoss): number {
  return torch.tidy(() => {
    const [x, y] = m.batch(i);
    m.opt.zeroGrad();
    const loss = lossFn(m.net(x), y);
    loss.backward();
    m.opt.step();
    // an inference on the same batch, without a graph
    torch.noGrad(() => m.net(x).argmax(1));
    return loss.item();
  });
}

describe(`soak: ${STEPS} training steps and inferences per model`, () => {
  for (const m of models()) {
    it(`${m.name}: memory flat, loss falls`, () => {
      const lossFn = new nn.CrossEntropyLoss();
      const every = Math.max(1, Math.floor((STEPS - WARMUP) / SAMPLES));
      let first = 0;
      let recent = 0;
      for (let i = 0; i < WARMUP; i++) first += step(m, i, lossFn) / WARMUP;
      const base = torch.memory();
      const drift: string[] = [];
      const t0 = performance.now();
      for (let i = WARMUP; i < STEPS; i++) {
        const loss = step(m, i, lossFn);
        if (i >= STEPS - WARMUP) recent += loss / WARMUP;
        if ((i - WARMUP) % every === 0 || i === STEPS - 1) {
          const now = torch.memory();
          if (now.bytesInUse !== base.bytesInUse || now.liveTensors !== base.liveTensors || now.wasmBytes !== base.wasmBytes) {
            drift.push(`step ${i}: ${now.bytesInUse} bytes, ${now.liveTensors} tensors, wasm ${now.wasmBytes} (after warm-up: ${base.bytesInUse}, ${base.liveTensors}, ${base.wasmBytes})`);
          }
        }
      }
      const ms = performance.now() - t0;
      const end = torch.memory();
      console.log(
        `[soak] ${m.name}: ${STEPS} steps + inferences in ${(ms / 1000).toFixed(1)} s (${((ms / (STEPS - WARMUP)) * 1000).toFixed(0)} us/step); ` +
          `loss ${first.toFixed(3)} -> ${recent.toFixed(3)}; bytes in use ${base.bytesInUse} -> ${end.bytesInUse}, live tensors ${base.liveTensors} -> ${end.liveTensors}, ` +
          `wasm memory ${base.wasmBytes} -> ${end.wasmBytes}`,
      );
      expect(drift).toEqual([]);
      expect(recent).toBeLessThan(first);
      m.net.dispose();
    });
  }
});
