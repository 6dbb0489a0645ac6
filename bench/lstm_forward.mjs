// A 2-layer LSTM (input 256, hidden 256) over seq 128, batch 8, forward under noGrad,
// against TensorFlow.js' wasm backend stepping tf.basicLSTMCell (what its LSTM layer
// does per step). Medians of timed runs after warm-up.  `node bench/lstm_forward.mjs`
import { loadOurs, loadTfjs } from './libs.mjs';

const [T, B, I, H] = [128, 8, 256, 256];
const FLOPS = 2 * 2 * T * B * 4 * H * (I + H);

function median(f, runs = 15) {
  for (let i = 0; i < 3; i++) f();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const report = (name, ms) => console.log(`${name.padEnd(40)} ${ms.toFixed(2).padStart(8)} ms  ${(FLOPS / ms / 1e6).toFixed(1)} GFLOP/s`);

const torch = await loadOurs();
torch.manualSeed(0);
const lstm = new torch.nn.LSTM(I, H, 2).eval();
const x = torch.randn(T, B, I);
report(`torchwasm nn.LSTM(${I}, ${H}, 2)`, median(() => torch.noGrad(() => torch.tidy(() => { lstm(x); }))));

const { tf, use } = await loadTfjs();
await use('wasm');
const layers = [0, 1].map((l) => ({
  kernel: tf.randomUniform([(l === 0 ? I : H) + H, 4 * H], -0.06, 0.06),
  bias: tf.zeros([4 * H]),
}));
const xs = tf.unstack(tf.randomNormal([T, B, I]));
const tfLstm = () => tf.tidy(() => {
  let seq = xs;
  for (const { kernel, bias } of layers) {
    let c = tf.zeros([B, H]);
    let h = tf.zeros([B, H]);
    const out = [];
    for (const xt of seq) {
      [c, h] = tf.basicLSTMCell(1, kernel, bias, xt, c, h);
      out.push(h);
    }
    seq = out;
  }
  seq[seq.length - 1].dataSync();
});
report('tfjs-wasm basicLSTMCell x 2 layers', median(tfLstm));
