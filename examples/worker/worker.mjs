// A Cloudflare Worker that classifies images with ResNet-18 (see README.md next to this
// file). workerd cannot compile wasm from bytes, so the kernels come in as a module
// import (a compiled WebAssembly.Module) given to torchwasm/manual's init(); the weights
// are a data module (an ArrayBuffer) holding a .pt or .safetensors file.
//
//   POST /?width=W&height=H   body: W*H*3 bytes of RGB (row-major, 8 bits per channel),
//                             Content-Type: application/octet-stream; preprocessed as
//                             torchvision's ResNet18_Weights.IMAGENET1K_V1.transforms()
//   POST /                    body: {"shape": [3, H, W] or [1, 3, H, W], "data": [...]},
//                             Content-Type: application/json; a model input, already
//                             normalised, as a flat array
//   GET /memory               torch.memory() and the model's share of it
//   GET /                     this usage, as JSON
//
// A POST answers { top5: [{ index, label, probability }], classes, shape, ms }; bad input
// answers 400 with { error: "<PyTorch's exception class>: <message>" }.
import * as torch from 'torchwasm/manual';
import wasm from 'torchwasm/torch.wasm';
import weights from './resnet18.pt';
import classNames from '../imagenet_classes.json';
import { preprocess, classify, moduleFootprint } from '../imagenet.mjs';

const MAX_PIXELS = 4096 * 4096;
const USAGE = {
  'POST /?width=W&height=H': 'W*H*3 bytes of RGB, Content-Type: application/octet-stream',
  'POST /': '{"shape": [3, H, W] or [1, 3, H, W], "data": [...]} (a normalised model input), Content-Type: application/json',
  'GET /memory': 'torch.memory() of this isolate and the model\'s share',
};

/** An error that is the client's: answered with `status`. */
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// The model is made on the first request that needs it (a Worker's global scope cannot
// wait for init()), then kept for the isolate's life; a failed load is retried next time.
let modelPromise = null;
function getModel() {
  modelPromise ??= (async () => {
    await torch.init(wasm);
    return torch.models.resnet18({ weights }).eval();
  })().catch((e) => {
    modelPromise = null;
    throw e;
  });
  return modelPromise;
}

const json = (body, status = 200) => Response.json(body, { status });

function positiveInt(value, name) {
  const n = Number(value);
  if (value === null || value === '' || !Number.isInteger(n) || n < 1) {
    throw new HttpError(400, `ValueError: ${name} must be a positive integer, got ${value === null ? 'nothing' : JSON.stringify(value)}`);
  }
  return n;
}

/** The model input a request carries: raw RGB preprocessed, or a JSON tensor as given. */
async function readInput(request, url) {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/octet-stream') {
    const width = positiveInt(url.searchParams.get('width'), 'width');
    const height = positiveInt(url.searchParams.get('height'), 'height');
    if (width * height > MAX_PIXELS) throw new HttpError(413, `ValueError: a ${width}x${height} image is larger than ${MAX_PIXELS} pixels`);
    const bytes = new Uint8Array(await request.arrayBuffer());
    return preprocess(torch, bytes, width, height, { channels: 3 });
  }
  if (type === 'application/json') {
    let body;
    try {
      body = await request.json();
    } catch (e) {
      throw new HttpError(400, `ValueError: the body is not JSON: ${e.message}`);
    }
    const { shape, data } = body ?? {};
    const ok = Array.isArray(shape) && (shape.length === 3 || (shape.length === 4 && shape[0] === 1)) &&
      shape.every((d) => Number.isInteger(d) && d > 0);
    if (!ok) throw new HttpError(400, `ValueError: shape must be [3, H, W] or [1, 3, H, W], got ${JSON.stringify(shape)}`);
    const [h, w] = shape.slice(-2);
    if (h * w > MAX_PIXELS) throw new HttpError(413, `ValueError: a ${w}x${h} input is larger than ${MAX_PIXELS} pixels`);
    const numel = shape.reduce((a, b) => a * b, 1);
    if (!Array.isArray(data) || data.length !== numel || !data.every((v) => typeof v === 'number')) {
      throw new HttpError(400, `ValueError: data must be a flat array of ${numel} numbers for shape ${JSON.stringify(shape)}`);
    }
    return torch.tidy(() => torch.fromArray(Float32Array.from(data), shape).view(1, ...shape.slice(-3)));
  }
  throw new HttpError(415, `ValueError: send application/octet-stream (raw RGB) or application/json (a tensor), not ${type || 'no Content-Type'}`);
}

async function classifyRequest(request, url) {
  const model = await getModel();
  const input = await readInput(request, url);
  const shape = input.shape;
  let result;
  try {
    result = classify(torch, model, input, classNames, 5);
  } catch (e) {
    // the model refused the input (a wrong channel count, say): PyTorch's message
    throw new HttpError(400, `${e.name}: ${e.message}`);
  } finally {
    input.dispose();
  }
  return json({ top5: result.top, classes: result.classes, shape, ms: result.ms });
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    try {
      if (url.pathname === '/' && request.method === 'POST') return await classifyRequest(request, url);
      if (url.pathname === '/' && request.method === 'GET') return json({ model: 'resnet18', usage: USAGE });
      if (url.pathname === '/memory' && request.method === 'GET') {
        const model = await getModel();
        return json({ ...torch.memory(), model: moduleFootprint(model) });
      }
      if (url.pathname === '/' || url.pathname === '/memory') return json({ error: `method ${request.method} not allowed` }, 405);
      return json({ error: `no route ${url.pathname}` }, 404);
    } catch (e) {
      if (e instanceof HttpError) return json({ error: e.message }, e.status);
      if (e instanceof torch.ValueError) return json({ error: `${e.name}: ${e.message}` }, 400);
      return json({ error: `${e?.name ?? 'Error'}: ${e?.message ?? e}` }, 500);
    }
  },
};
