// The web demo's page (main thread): the UI only. Images are decoded by the browser
// (createImageBitmap) and handed to the Web Worker (worker.mjs), which does the
// preprocessing and the models with torch; this thread never runs a tensor op.

const MAX_SIDE = 1024; // larger images are scaled down by the browser before our ops see them

const $ = (id) => document.getElementById(id);

// ---- the worker: requests with ids, answers as promises ----
const worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
const pending = new Map(); // id -> { resolve, reject, onToken }
let nextId = 1;
let markReady;
const ready = new Promise((resolve) => (markReady = resolve));

worker.onmessage = ({ data }) => {
  if (data.type === 'ready') {
    document.body.dataset.threads = String(data.threads); // the worker's kernel threads
    markReady(data);
    showMemory(data.memory);
    return;
  }
  if (data.type === 'fatal') {
    showError(data.error);
    return;
  }
  const call = pending.get(data.id);
  if (!call) return;
  if (data.type === 'token') {
    call.onToken?.(data.token, data.step);
    return;
  }
  pending.delete(data.id);
  if (data.ok) call.resolve(data.result);
  else call.reject(data.error);
};
worker.onerror = (ev) => {
  ev.preventDefault();
  showError({ name: 'Error', message: ev.message || 'the worker failed to start (is dist/ built?)' });
};

async function request(type, args = {}, { transfer = [], onToken } = {}) {
  await ready;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onToken });
    worker.postMessage({ id, type, ...args }, transfer);
  });
}

// ---- errors and status ----
function showError(error) {
  $('error-text').textContent = `${error.name ?? 'Error'}: ${error.message ?? error}`;
  $('error').hidden = false;
}
$('error-close').onclick = () => ($('error').hidden = true);

function showMemory(m) {
  if (!m) return;
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  $('memory').textContent = `wasm heap: ${mb(m.bytesInUse)} MB in ${m.liveTensors} tensors, ${mb(m.wasmBytes)} MB reserved`;
  $('memory').dataset.bytesInUse = String(m.bytesInUse);
}

const fmtMs = (ms) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

// ---- ResNet-18 ----
let currentImage = null; // the last image, kept to run again
let busy = false;
const latencies = []; // of the current weights
let inferenceCount = 0;

function setBusy(b) {
  busy = b;
  for (const id of ['sample', 'fixture-weights']) $(id).disabled = b;
  $('rerun').disabled = b || !currentImage;
}

async function loadWeights(file) {
  setBusy(true);
  $('classify-status').textContent = file ? `Loading ${file.name}…` : 'Loading the fixture weights (45 MB)…';
  try {
    const info = await request('loadResnet', { file });
    $('weights-note').className = info.fixture ? 'note warn' : 'note';
    $('weights-note').textContent = info.fixture
      ? 'Weights: the test fixture, a seeded random initialisation, not a trained model: the predictions mean nothing, and the classes are ImageNet\'s names by index. ' +
        'Choose torchvision\'s resnet18 weights (.pt or .safetensors) for real predictions.'
      : `Weights: ${info.source} (${info.classes} classes${info.classes === 1000 ? ', labelled with ImageNet\'s names' : ''}).`;
    $('classify-status').textContent = `Model ready: ${(info.modelBytes / 2 ** 20).toFixed(1)} MB of weights in ${info.tensors} tensors, loaded in ${fmtMs(info.ms)}.`;
    latencies.length = 0;
    showMemory(info.memory);
    if (currentImage) await classifyImage(currentImage);
  } catch (e) {
    $('classify-status').textContent = '';
    showError(e);
  } finally {
    setBusy(false);
  }
}

/** Draws the image into the preview, with the central crop the model sees outlined. */
function drawPreview(bitmap) {
  const canvas = $('preview');
  const scale = Math.min(320 / bitmap.width, 240 / bitmap.height);
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const side = (Math.min(canvas.width, canvas.height) * 224) / 256;
  ctx.setLineDash([6, 4]);
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
  ctx.lineWidth = 2;
  ctx.strokeRect((canvas.width - side) / 2, (canvas.height - side) / 2, side, side);
  $('drop-hint').hidden = true;
}

function drawBars(top) {
  const best = top[0]?.probability || 1;
  $('bars').replaceChildren(...top.map((c) => {
    const li = document.createElement('li');
    li.dataset.index = c.index;
    li.dataset.probability = c.probability;
    const label = Object.assign(document.createElement('span'), { className: 'label', textContent: `${c.index} ${c.label}`, title: `class ${c.index}: ${c.label}` });
    const track = Object.assign(document.createElement('span'), { className: 'track' });
    // bars are relative to the most probable class; the percentage is the probability
    const fill = Object.assign(document.createElement('span'), { className: 'fill' });
    fill.style.width = `${(100 * c.probability) / best}%`;
    track.append(fill);
    const prob = Object.assign(document.createElement('span'), { className: 'prob', textContent: `${(100 * c.probability).toFixed(2)} %` });
    li.append(label, track, prob);
    return li;
  }));
}

/** Decodes a file (or takes a canvas) into an ImageBitmap no larger than MAX_SIDE. */
async function toBitmap(source) {
  const bitmap = await createImageBitmap(source);
  const scale = MAX_SIDE / Math.max(bitmap.width, bitmap.height);
  if (scale >= 1) return bitmap;
  const resized = await createImageBitmap(bitmap, {
    resizeWidth: Math.max(1, Math.round(bitmap.width * scale)), resizeHeight: Math.max(1, Math.round(bitmap.height * scale)), resizeQuality: 'high',
  });
  bitmap.close();
  return resized;
}

async function classifyImage(bitmap) {
  currentImage = bitmap;
  drawPreview(bitmap);
  setBusy(true);
  $('classify-status').textContent = 'Classifying…';
  try {
    // the worker gets its own copy, so this one stays for the preview and "Run again"
    const copy = await createImageBitmap(bitmap);
    const r = await request('classify', { image: copy }, { transfer: [copy] });
    drawBars(r.top);
    const total = r.preprocessMs + r.forwardMs;
    latencies.push(total);
    const recent = latencies.slice(-5).map(fmtMs).join(', ');
    $('latency').textContent = `Latency: ${fmtMs(total)} (preprocessing ${fmtMs(r.preprocessMs)}, ResNet-18 ${fmtMs(r.forwardMs)}). ` +
      `Last runs: ${recent}${latencies.length === 1 ? ' (the first run includes warm-up)' : ''}.`;
    $('classify-status').textContent = `${r.width}x${r.height} image, resized with bilinear interpolation, central 224x224 crop, normalised with ImageNet's mean and std.`;
    showMemory(r.memory);
    document.body.dataset.inferences = String(++inferenceCount);
  } catch (e) {
    $('classify-status').textContent = '';
    showError(e);
  } finally {
    setBusy(false);
  }
}

async function classifySource(source) {
  if (busy) return;
  try {
    await classifyImage(await toBitmap(source));
  } catch (e) {
    showError({ name: e.name, message: `could not read the image: ${e.message}` });
  }
}

/** A synthetic picture drawn with canvas shapes, for trying the page without a file. */
function sampleImage() {
  const c = new OffscreenCanvas(320, 240);
  const ctx = c.getContext('2d');
  const sky = ctx.createLinearGradient(0, 0, 0, 240);
  sky.addColorStop(0, '#6cb4f5');
  sky.addColorStop(1, '#e8f4ff');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, 320, 240);
  ctx.fillStyle = '#3d8b40';
  ctx.fillRect(0, 170, 320, 70);
  ctx.fillStyle = '#ffd23f';
  ctx.beginPath();
  ctx.arc(250, 60, 30, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = '#8b5a2b';
  ctx.fillRect(70, 110, 24, 70);
  ctx.fillStyle = '#2e6b30';
  ctx.beginPath();
  ctx.arc(82, 100, 40, 0, 2 * Math.PI);
  ctx.fill();
  return c;
}

$('image-input').onchange = (ev) => {
  const file = ev.target.files[0];
  ev.target.value = '';
  if (file) classifySource(file);
};
$('weights-input').onchange = (ev) => {
  const file = ev.target.files[0];
  ev.target.value = '';
  if (file && !busy) loadWeights(file);
};
$('fixture-weights').onclick = () => loadWeights(null);
$('sample').onclick = () => classifySource(sampleImage());
$('rerun').onclick = () => currentImage && !busy && classifyImage(currentImage);

// a file dropped anywhere on the page is classified (and the browser does not open it)
const drop = $('drop');
document.addEventListener('dragover', (ev) => {
  ev.preventDefault();
  drop.classList.add('over');
});
document.addEventListener('dragleave', (ev) => {
  if (ev.relatedTarget === null) drop.classList.remove('over');
});
document.addEventListener('drop', (ev) => {
  ev.preventDefault();
  drop.classList.remove('over');
  const file = [...(ev.dataTransfer?.files ?? [])].find((f) => f.type.startsWith('image/'));
  if (file) classifySource(file);
  else showError({ name: 'ValueError', message: 'drop an image file (PNG, JPEG, WebP, ...)' });
});

// ---- tiny GPT ----
let gptInfo = null;

function tokenChip(token, prompt) {
  return Object.assign(document.createElement('span'), { className: prompt ? 'token prompt' : 'token', textContent: String(token) });
}

$('gpt-form').onsubmit = async (ev) => {
  ev.preventDefault();
  const text = $('prompt').value.trim();
  const prompt = text === '' ? [] : text.split(/[\s,]+/).map(Number);
  const steps = Number($('steps').value);
  $('generate-button').disabled = true;
  $('tokens').replaceChildren(...prompt.map((t) => tokenChip(t, true)));
  $('gpt-status').textContent = 'Generating…';
  try {
    const r = await request('generate', { prompt, steps }, { onToken: (t) => $('tokens').append(tokenChip(t, false)) });
    const fixture = prompt.join() === gptInfo.prompt.join() && steps === gptInfo.steps;
    const same = r.tokens.join() === gptInfo.tokens.join();
    $('gpt-status').textContent = `${r.tokens.length} tokens, ${fmtMs(r.msPerToken)} per token (greedy decoding).` +
      (fixture ? (same ? " Same tokens as PyTorch's greedy decode of this prompt." : ` PyTorch decoded [${gptInfo.tokens.join(', ')}].`) : '');
    $('tokens').dataset.generated = r.tokens.join(',');
    showMemory(r.memory);
  } catch (e) {
    $('gpt-status').textContent = '';
    showError(e);
  } finally {
    $('generate-button').disabled = false;
  }
};

// ---- start: the default model, and the GPT fixture's prompt ----
ready.then(async () => {
  $('sample').disabled = false;
  try {
    gptInfo = await request('gptInfo');
    $('prompt').value = gptInfo.prompt.join(', ');
    $('steps').value = String(gptInfo.steps);
    $('gpt-note').textContent += ` ${gptInfo.config.numLayers} layers, vocabulary of ${gptInfo.config.vocabSize} tokens, context of ${gptInfo.config.contextLength}; the fixture's prompt and length are filled in.`;
    for (const id of ['prompt', 'steps', 'generate-button']) $(id).disabled = false;
  } catch (e) {
    showError(e);
  }
  await loadWeights(null);
  document.body.dataset.ready = 'true';
});
