// F.cross_entropy forward + backward on (256, 1000) float32 logits with int64 targets:
// median and best wall time, and best CPU time (steadier on a shared machine), per step
// over interleaved rounds (node bench/cross_entropy.mjs [dist dir]).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? new URL('../dist', import.meta.url).pathname);
const torch = await import(pathToFileURL(`${dist}/index.js`).href);
const F = torch.nn.functional;
const [N, C] = [256, 1000];
torch.manualSeed(0);
const x = torch.randn(N, C).requiresGrad_();
const target = torch.randint(0, C, [N]);
const configs = [
  ['cross_entropy', {}],
  ['cross_entropy label_smoothing=0.1', { labelSmoothing: 0.1 }],
  ['cross_entropy weight', { weight: torch.rand(C) }],
  ["cross_entropy reduction='none'", { reduction: 'none' }],
];

function step(opts) {
  torch.tidy(() => {
    const loss = F.crossEntropy(x, target, opts);
    (opts.reduction === 'none' ? loss.sum() : loss).backward();
  });
  x.grad.dispose();
  x.grad = null;
}

const times = configs.map(() => []);
const cpu = configs.map(() => []);
for (const [, opts] of configs) for (let i = 0; i < 30; i++) step(opts);
const before = torch.memory().bytesInUse;
for (let round = 0; round < 25; round++) {
  configs.forEach(([, opts], k) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) step(opts);
    times[k].push((performance.now() - t0) / 10);
    const c = process.cpuUsage(c0);
    cpu[k].push((c.user + c.system) / 1000 / 10);
  });
}
console.log(`(${N}, ${C}) float32, forward + backward, ${dist}`);
configs.forEach(([label], k) => {
  const t = times[k].sort((a, b) => a - b);
  const c = cpu[k].sort((a, b) => a - b);
  console.log(`  ${label.padEnd(36)} median ${t[t.length >> 1].toFixed(3)} ms  min ${t[0].toFixed(3)} ms  cpu min ${c[0].toFixed(3)} ms`);
});
console.log('  bytesInUse change over the timed steps:', torch.memory().bytesInUse - before);
