// The web demo (examples/web/, `npm run web`) in headless Chromium: the page loads the
// fixture ResNet-18 in its Web Worker, classifies a PNG picked with the file input and
// one dropped on the page, and the top-5 must be what Node computes with the same
// preprocessing on the same pixels (and PyTorch's); the bars must be drawn (pixels of a
// screenshot saved under test/.tmp/), the tiny GPT panel must decode PyTorch's tokens,
// errors thrown in the worker must reach the page, and the console must stay clean.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { torch } from './helpers.js';
import { startWebServer, fixtureDir } from '../scripts/web.mjs';
import { preprocess, classify, moduleFootprint } from '../examples/imagenet.mjs';
import { tinyGptCase, createTinyGPT } from '../examples/tiny_gpt_model.mjs';
import { syntheticImage } from './imagenet/images.mjs';
import { encodePng } from './imagenet/png.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = join(root, 'test', '.tmp');
const fixtures = fixtureDir();
const expected = JSON.parse(readFileSync(join(root, 'test', 'imagenet', 'expected.json'), 'utf8'));
const names: string[] = JSON.parse(readFileSync(join(root, 'examples', 'imagenet_classes.json'), 'utf8'));
const gpt = tinyGptCase(readFileSync(join(fixtures, 'sequence.json'), 'utf8'));
// the flags test/runtimes/chromium.mjs launches with
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];
const ACCENT = [0x1f, 0x6f, 0xeb]; // --accent in style.css, the bars' fill
const TRACK = [0xe6, 0xeb, 0xf1]; // --track, the bars' background

interface Top { index: number; probability: number; label: string }

let server: { close(): void };
let url: string;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
let model: torch.models.ResNet;
const dropped = [180, 260]; // the size of the picture dropped on the page, the last one classified

/** What Node computes for an RGBA picture: the demo's preprocessing and a model (the fixture's). */
function nodeTop5(rgba: Uint8Array, width: number, height: number, net = model): Top[] {
  const x = preprocess(torch, rgba, width, height, { channels: 4 });
  try {
    return classify(torch, net, x, names, 5).top;
  } finally {
    x.dispose();
  }
}

/** The top-5 the page shows: the bars' data and text. */
function pageTop5(): Promise<Top[]> {
  return page.$$eval('#bars li', (lis) => lis.map((li) => ({
    index: Number((li as HTMLElement).dataset.index),
    probability: Number((li as HTMLElement).dataset.probability),
    label: li.querySelector('.label')!.textContent!,
  }))).then((top) => top.map((c) => {
    // the label reads '<index> <name>'
    expect(c.label.startsWith(`${c.index} `), c.label).toBe(true);
    return { ...c, label: c.label.slice(String(c.index).length + 1) };
  }));
}

function expectSameTop5(got: Top[], want: Top[]): void {
  expect(got.map((c) => c.index)).toEqual(want.map((c) => c.index));
  got.forEach((c, i) => {
    // the page runs torch-relaxed.wasm where Node runs torch.wasm: fused multiply-adds
    // may move the last bits of the logits
    expect(Math.abs(c.probability - want[i].probability), `probability of ${c.index}`).toBeLessThan(1e-5);
    expect(c.label).toBe(want[i].label);
  });
}

async function inferences(n: number): Promise<void> {
  await page.waitForSelector(`body[data-inferences="${n}"]`, { timeout: 90_000 });
}

beforeAll(async () => {
  mkdirSync(tmp, { recursive: true });
  ({ server, url } = await startWebServer());
  model = torch.models.resnet18({ weights: readFileSync(join(fixtures, 'models', 'resnet18.pt')) }).eval();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ARGS, timeout: 60_000 });
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`worker: ${m.text()}`); }));
  await page.goto(`${url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  model?.dispose();
});

describe('web demo in headless Chromium', () => {
  it('is served on the loopback address, cross-origin isolated, and says the weights are random', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/`);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect((await fetch(`${url}/fixtures/resnet18.pt`, { method: 'HEAD' })).headers.get('content-length'))
      .toBe(String(statSync(join(fixtures, 'models', 'resnet18.pt')).size));
    expect((await fetch(`${url}/package.json`)).status).toBe(404);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    // the isolated page's worker runs the threads build with a pool of one thread per core
    await page.waitForSelector('body[data-threads]');
    expect(Number(await page.getAttribute('body', 'data-threads'))).toBe(await page.evaluate(() => navigator.hardwareConcurrency));
    expect(await page.textContent('#weights-note')).toMatch(/seeded random initialisation.*ImageNet's names by index/);
    expect(await page.textContent('#classify-status')).toMatch(/Model ready: 44\.6 MB of weights in 122 tensors/);
  });

  it('classifies a picked PNG in the worker with the same top-5 as Node (and PyTorch)', async () => {
    const [w, h] = [320, 240];
    const rgba = syntheticImage(w, h, 4);
    await page.setInputFiles('#image-input', { name: 'picked.png', mimeType: 'image/png', buffer: encodePng(rgba, w, h) });
    await inferences(1);
    const top = await pageTop5();
    expectSameTop5(top, nodeTop5(rgba, w, h));
    const torchTop = expected.classify.find((c: { width: number }) => c.width === w).top5 as [number, number][];
    expect(top.map((c) => c.index)).toEqual(torchTop.map(([i]) => i));
    top.forEach((c, i) => expect(Math.abs(c.probability - torchTop[i][1])).toBeLessThan(1e-5));
    expect(await page.textContent('#latency')).toMatch(/^Latency: [\d.]+ ms \(preprocessing [\d.]+ ms, ResNet-18 [\d.]+ ms\)/);
    expect(await page.textContent('#classify-status')).toContain('320x240 image');
  });

  it('classifies a dropped PNG, and the worker heap stays the same between inferences', async () => {
    // between requests the worker holds the model and nothing else
    const before = await page.getAttribute('#memory', 'data-bytes-in-use');
    expect(before).toBe(String(moduleFootprint(model).bytes));
    const [w, h] = dropped;
    const rgba = syntheticImage(w, h, 4);
    const b64 = encodePng(rgba, w, h).toString('base64');
    const dataTransfer = await page.evaluateHandle((data) => {
      const bytes = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
      return dt;
    }, b64);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer });
    await inferences(2);
    expectSameTop5(await pageTop5(), nodeTop5(rgba, w, h));
    expect(await page.getAttribute('#memory', 'data-bytes-in-use')).toBe(before);
  });

  it('keeps the main thread running while the worker classifies', async () => {
    // a 10 ms interval on the page counts its ticks during one inference; a page that
    // ran the model on its main thread would get next to none
    await page.evaluate(() => {
      const g = globalThis as unknown as { ticks: number; timer: number };
      g.ticks = 0;
      g.timer = setInterval(() => g.ticks++, 10) as unknown as number;
    });
    const t0 = Date.now();
    await page.click('#rerun');
    await inferences(3);
    const ms = Date.now() - t0;
    const ticks = await page.evaluate(() => {
      const g = globalThis as unknown as { ticks: number; timer: number };
      clearInterval(g.timer);
      return g.ticks;
    });
    expect(ticks, `${ticks} ticks in ${ms} ms`).toBeGreaterThanOrEqual(ms / 10 / 4);
  });

  it("generates PyTorch's greedy tokens with the tiny GPT", async () => {
    expect(await page.inputValue('#prompt')).toBe(gpt.prompt.join(', '));
    await page.click('#generate-button');
    await page.waitForSelector('#tokens[data-generated]', { timeout: 60_000 });
    expect(await page.getAttribute('#tokens', 'data-generated')).toBe(gpt.tokens.join(','));
    const chips = await page.$$eval('#tokens .token', (els) => els.map((e) => [e.classList.contains('prompt'), Number(e.textContent)]));
    expect(chips).toEqual([...gpt.prompt.map((t: number) => [true, t]), ...gpt.tokens.map((t: number) => [false, t])]);
    expect(await page.textContent('#gpt-status')).toMatch(/ms per token.*Same tokens as PyTorch's greedy decode/);
  });

  it('draws the image and five non-empty bars (pixels of the screenshot)', async () => {
    const path = join(tmp, 'web-demo.png');
    const png = await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(10_000);
    const bars = await page.$$eval('#bars li', (lis) => lis.map((li) => {
      const box = (el: Element) => { const r = el.getBoundingClientRect(); return { x: r.x + scrollX, y: r.y + scrollY, w: r.width, h: r.height }; };
      return { fill: box(li.querySelector('.fill')!), track: box(li.querySelector('.track')!) };
    }));
    expect(bars).toHaveLength(5);
    const preview = await page.$eval('#preview', (c) => { const r = c.getBoundingClientRect(); return { x: r.x + scrollX, y: r.y + scrollY, w: r.width, h: r.height }; });
    // pixels to read: the middle of each bar's fill, the track past the fill, the preview
    const points: [number, number][] = [];
    for (const { fill, track } of bars) {
      points.push([Math.floor(fill.x + fill.w / 2), Math.floor(fill.y + fill.h / 2)]);
      points.push([Math.floor(track.x + track.w - 2), Math.floor(track.y + track.h / 2)]);
    }
    for (let i = 1; i < 4; i++) points.push([Math.floor(preview.x + (preview.w * i) / 4), Math.floor(preview.y + preview.h / 2)]);
    const colors: number[][] = await page.evaluate(async ({ data, pts }) => {
      const blob = await (await fetch(`data:image/png;base64,${data}`)).blob();
      const bitmap = await createImageBitmap(blob);
      const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      return pts.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3)));
    }, { data: png.toString('base64'), pts: points });
    const near = (c: number[], want: number[]) => c.every((v, i) => Math.abs(v - want[i]) <= 6);
    bars.forEach(({ fill, track }, i) => {
      expect(fill.w, `bar ${i} width`).toBeGreaterThanOrEqual(2);
      if (i > 0) expect(fill.w).toBeLessThanOrEqual(bars[i - 1].fill.w);
      expect(near(colors[2 * i], ACCENT), `bar ${i} fill color ${colors[2 * i]}`).toBe(true);
      // the top class fills its track; the others leave some of it empty
      if (fill.w < track.w - 4) expect(near(colors[2 * i + 1], TRACK), `bar ${i} track color ${colors[2 * i + 1]}`).toBe(true);
    });
    expect(Math.abs(bars[0].fill.w - bars[0].track.w)).toBeLessThanOrEqual(1);
    // the preview shows the picture, not the empty drop zone
    const previewColors = colors.slice(10);
    expect(previewColors.some((c) => !near(c, [0xfa, 0xfb, 0xfc]))).toBe(true);
    expect(new Set(previewColors.map(String)).size).toBeGreaterThan(1);
  });

  it('shows errors thrown in the worker with their message, and keeps working', async () => {
    await page.setInputFiles('#weights-input', { name: 'broken.pt', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model file') });
    await page.waitForSelector('#error:not([hidden])', { timeout: 30_000 });
    expect(await page.textContent('#error-text')).toBe('RuntimeError: load: not a PyTorch file (expected a zip archive or a legacy pickle)');
    await page.click('#error-close');

    // a state_dict that is not a ResNet-18's: loadStateDict's message
    const other = Buffer.from(torch.tidy(() => torch.save({ "fc.weight": torch.zeros(3, 2) })) as Uint8Array);
    await page.setInputFiles('#weights-input', { name: 'other.pt', mimeType: 'application/octet-stream', buffer: other });
    await page.waitForSelector('#error:not([hidden])', { timeout: 60_000 });
    expect(await page.textContent('#error-text')).toMatch(/^RuntimeError: Error\(s\) in loading state_dict for ResNet:\s+Missing key\(s\) in state_dict: "conv1.weight"/);
    await page.click('#error-close');

    await page.fill('#prompt', `1, ${gpt.config.vocabSize}`);
    await page.click('#generate-button');
    await page.waitForSelector('#error:not([hidden])', { timeout: 30_000 });
    expect(await page.textContent('#error-text')).toBe(`ValueError: the prompt must be one or more integer tokens from 0 to ${gpt.config.vocabSize - 1}, got [1,${gpt.config.vocabSize}]`);
    await page.click('#error-close');

    // the fixture model is still loaded: running the last picture again gives its top-5
    const last = await pageTop5();
    await page.click('#rerun');
    await inferences(4);
    expectSameTop5(await pageTop5(), last);
  });

  it('loads a .safetensors file the user chooses: a ResNet-18 with 10 classes, labelled by number', async () => {
    torch.manualSeed(7);
    const other = torch.models.resnet18({ numClasses: 10 }).eval();
    try {
      // through a file: playwright sends buffers over the protocol, too slowly for 45 MB
      const path = join(tmp, 'ten.safetensors');
      writeFileSync(path, torch.safetensors.save(other.stateDict()));
      await page.setInputFiles('#weights-input', path);
      await inferences(5); // the page classifies its last picture again with the new weights
      expect(await page.textContent('#weights-note')).toBe('Weights: ten.safetensors (10 classes).');
      const [w, h] = dropped;
      const want = nodeTop5(syntheticImage(w, h, 4), w, h, other);
      expect(want.map((c) => c.label)).toEqual(want.map((c) => `class ${c.index}`));
      expectSameTop5(await pageTop5(), want);
      // the worker freed the fixture model and the failed loads: it holds the new model and the GPT
      const gptModel = createTinyGPT(torch, gpt.config);
      const held = moduleFootprint(other).bytes + moduleFootprint(gptModel).bytes;
      gptModel.dispose();
      expect(await page.getAttribute('#memory', 'data-bytes-in-use')).toBe(String(held));
    } finally {
      other.dispose();
      rmSync(join(tmp, 'ten.safetensors'), { force: true });
    }
    expect(await page.isHidden('#error')).toBe(true);
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});

describe('npm run web (scripts/web.mjs)', () => {
  it('prints the loopback URL and serves the page there', async () => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'web.mjs'), '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /torchwasm web demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const res = await fetch(line);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<script type="module" src="/examples/web/main.mjs">');
    } finally {
      child.kill();
    }
  });
});
