// The web demo's Web Worker: everything that touches torch runs here, so the page's
// main thread never blocks. Requests come as { id, type, ... } messages and each gets
// one { id, ok, result } or { id, ok: false, error: { name, message } } answer;
// generation also streams { id, type: 'token', token, step } messages.
//
//   loadResnet { file? }   the fixture weights (/fixtures/resnet18.pt), or a .pt /
//                          .safetensors File; the previous model stays if this fails
//   classify { image }     an ImageBitmap: pixels via an OffscreenCanvas, then
//                          torchvision's preprocessing and the model (imagenet.mjs)
//   gptInfo                the tiny GPT fixture's config, prompt, steps and tokens
//   generate { prompt, steps }  greedy decoding with the tiny GPT (loaded on first use)
import * as torch from '../../dist/index.js';
import { preprocess, classify, moduleFootprint } from '../imagenet.mjs';
import { createTinyGPT, greedyDecode } from '../tiny_gpt_model.mjs';

const FIXTURE_RESNET = '/fixtures/resnet18.pt';
const now = () => performance.now();

let classNames = null;
let resnet = null; // { model, source, classes }
let gpt = null; // the fixture case (config, prompt, steps, tokens)
let gptModel = null;

async function fetchOk(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching ${url} failed: HTTP ${res.status}`);
  return res;
}
const fetchBytes = async (url) => new Uint8Array(await (await fetchOk(url)).arrayBuffer());
const fetchJson = async (url) => (await fetchOk(url)).json();

function memory() {
  const m = torch.memory();
  return { bytesInUse: m.bytesInUse, liveTensors: m.liveTensors, wasmBytes: m.wasmBytes };
}

/**
 * A ResNet-18 with the file's weights. The number of classes comes from the file's
 * fc.weight, so a fine-tuned checkpoint loads too; a file that is not a ResNet-18
 * state_dict raises loadStateDict's error, and nothing it made is kept.
 */
function buildResnet(bytes) {
  const sd = torch.models.stateDictFromBytes(bytes);
  try {
    const fc = sd['fc.weight'];
    const numClasses = fc && fc.ndim === 2 ? fc.shape[0] : 1000;
    const model = torch.models.resnet18({ numClasses });
    try {
      model.loadStateDict(sd);
    } catch (e) {
      model.dispose();
      throw e;
    }
    return model.eval();
  } finally {
    for (const t of Object.values(sd)) if (torch.isTensor(t)) t.dispose();
  }
}

const handlers = {
  async loadResnet({ file }) {
    const t0 = now();
    classNames ??= await fetchJson(new URL('../imagenet_classes.json', import.meta.url));
    const bytes = file ? new Uint8Array(await file.arrayBuffer()) : await fetchBytes(FIXTURE_RESNET);
    const model = buildResnet(bytes);
    resnet?.model.dispose();
    const { bytes: modelBytes, tensors } = moduleFootprint(model);
    resnet = { model, source: file ? file.name : 'fixture', classes: model.fc.outFeatures };
    return { source: resnet.source, fixture: !file, classes: resnet.classes, modelBytes, tensors, ms: now() - t0, memory: memory() };
  },

  classify({ image }) {
    if (!resnet) throw new Error('no model loaded yet');
    const { width, height } = image;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(image, 0, 0);
    image.close();
    const pixels = ctx.getImageData(0, 0, width, height).data;
    const t0 = now();
    const input = preprocess(torch, pixels, width, height, { channels: 4 });
    const preprocessMs = now() - t0;
    let result;
    try {
      result = classify(torch, resnet.model, input, classNames, 5);
    } finally {
      input.dispose();
    }
    const { top, classes, ms } = result;
    return { top, classes, width, height, preprocessMs, forwardMs: ms, memory: memory() };
  },

  async gptInfo() {
    gpt ??= await fetchJson('/fixtures/tiny_gpt.json');
    return { config: gpt.config, prompt: gpt.prompt, steps: gpt.steps, tokens: gpt.tokens };
  },

  async generate({ prompt, steps }, id) {
    await handlers.gptInfo();
    if (!gptModel) {
      const model = createTinyGPT(torch, gpt.config);
      const sd = torch.load(await fetchBytes('/fixtures/tiny_gpt.pt'));
      try {
        model.loadStateDict(sd);
      } finally {
        for (const t of Object.values(sd)) t.dispose();
      }
      gptModel = model.eval();
    }
    const { vocabSize } = gpt.config;
    if (!Array.isArray(prompt) || prompt.length === 0 || !prompt.every((t) => Number.isInteger(t) && t >= 0 && t < vocabSize)) {
      throw new torch.ValueError(`the prompt must be one or more integer tokens from 0 to ${vocabSize - 1}, got [${prompt}]`);
    }
    if (!Number.isInteger(steps) || steps < 1 || steps > 1000) throw new torch.ValueError(`steps must be an integer from 1 to 1000, got ${steps}`);
    const { tokens, msPerToken } = greedyDecode(torch, gptModel, prompt, steps, {
      onToken: (token, step) => postMessage({ id, type: 'token', token, step }),
    });
    return { tokens, msPerToken, memory: memory() };
  },
};

self.onmessage = async ({ data }) => {
  const { id, type, ...args } = data;
  try {
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request ${type}`);
    postMessage({ id, ok: true, result: await handler(args, id) });
  } catch (e) {
    postMessage({ id, ok: false, error: { name: e?.name ?? 'Error', message: e?.message ?? String(e) } });
  }
};

// Anything thrown outside a request (the bundle failing to load its wasm, say) still
// reaches the page with its message.
self.addEventListener('unhandledrejection', (ev) => {
  const e = ev.reason;
  postMessage({ type: 'fatal', error: { name: e?.name ?? 'Error', message: e?.message ?? String(e) } });
});
// threads: the kernels' worker pool, on this cross-origin isolated page (1 elsewhere)
postMessage({ type: 'ready', relaxedSimd: torch.relaxedSimdSupported(), threads: await torch.threadsReady(), memory: memory() });
