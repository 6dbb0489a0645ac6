// examples/imagenet.mjs, the preprocessing and top-k of the web demo and the Worker
// example, against torchvision 0.14 / PyTorch 1.13 (test/imagenet/expected.json, written
// by test/imagenet/expected.py from the same synthetic pictures).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { torch, expectNoLeak } from './helpers.js';
import { preprocess, topK, classify, resizedSize, IMAGENET_MEAN, IMAGENET_STD } from '../examples/imagenet.mjs';
import { syntheticImage } from './imagenet/images.mjs';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const expected = JSON.parse(readFileSync(here('./imagenet/expected.json'), 'utf8'));
const fixtures = process.env.CONFORMANCE_DIR || here('../../shared/conformance');
const LEVEL = 1 / 255 / Math.min(...IMAGENET_STD); // one 8-bit step after normalisation

interface PreprocessCase { width: number; height: number; resizeSize: number; cropSize: number; sums: number[]; samples: [number, number][]; levels?: string }

describe('preprocess: torchvision ResNet18_Weights.IMAGENET1K_V1.transforms() with our ops', () => {
  (expected.preprocess as PreprocessCase[]).forEach((c, n) => {
    const channels = n % 2 === 0 ? 4 : 3; // RGBA from a canvas, or raw RGB
    it(`${c.width}x${c.height} ${channels === 4 ? 'RGBA' : 'RGB'}, resize ${c.resizeSize}, crop ${c.cropSize}`, () => {
      expectNoLeak(() => {
        const x = preprocess(torch, syntheticImage(c.width, c.height, channels), c.width, c.height,
          { channels, resizeSize: c.resizeSize, cropSize: c.cropSize });
        expect(x.shape).toEqual([1, 3, c.cropSize, c.cropSize]);
        expect(x.dtype).toBe(torch.float32);
        const flat = x.toTypedArray() as Float32Array;
        // bilinear results that land near a half may round to the other 8-bit value than
        // PyTorch's kernel: allow a few one-step differences, nothing more
        for (const [i, v] of c.samples) expect(Math.abs(flat[i] - v), `element ${i}`).toBeLessThanOrEqual(LEVEL * 1.001);
        const sums = torch.tidy(() => x.to(torch.float64).sum({ dim: [0, 2, 3] }).tolist()) as number[];
        sums.forEach((s, ch) => expect(Math.abs(s - c.sums[ch]), `channel ${ch} sum`).toBeLessThan(0.01 * LEVEL * c.cropSize * c.cropSize));
        if (c.levels) {
          // the 8-bit values after resize and crop: the crop offset (Python's round half
          // to even) and the padding of a small image are exact
          const want = Buffer.from(c.levels, 'base64');
          const plane = c.cropSize * c.cropSize;
          let off = 0;
          for (let i = 0; i < want.length; i++) {
            const ch = Math.floor(i / plane);
            const got = Math.round((flat[i] * IMAGENET_STD[ch] + IMAGENET_MEAN[ch]) * 255);
            expect(Math.abs(got - want[i]), `level ${i}`).toBeLessThanOrEqual(1);
            if (got !== want[i]) off++;
          }
          expect(off).toBeLessThanOrEqual(want.length / 200);
        }
        x.dispose();
      });
    });
  });

  it("resizedSize is torchvision's shorter-edge rule (the longer edge truncated)", () => {
    expect(resizedSize(240, 320, 256)).toEqual([256, 341]);
    expect(resizedSize(320, 240, 256)).toEqual([341, 256]);
    expect(resizedSize(61, 94, 32)).toEqual([32, 49]);
    expect(resizedSize(100, 100, 256)).toEqual([256, 256]);
  });

  it('a pixel buffer of the wrong size, bad channels or sizes raise ValueError', () => {
    expectNoLeak(() => {
      const px = syntheticImage(4, 3, 4);
      expect(() => preprocess(torch, px, 5, 3)).toThrow(torch.ValueError);
      expect(() => preprocess(torch, px, 5, 3)).toThrow('preprocess(): a 5x3 image with 4 channels has 60 bytes, got 48');
      expect(() => preprocess(torch, px, 4, 3, { channels: 2 })).toThrow('preprocess(): channels must be 3 (RGB) or 4 (RGBA), got 2');
      expect(() => preprocess(torch, px, 0, 3)).toThrow('preprocess(): width must be a positive integer, got 0');
      expect(() => preprocess(torch, new Uint8Array(3 * 1 * 4000), 4000, 1, { channels: 3 })).toThrow(/is larger than 16777216 pixels/);
    });
  });

  it('accepts Uint8ClampedArray (canvas ImageData) and ArrayBuffer pixels', () => {
    expectNoLeak(() => {
      const px = syntheticImage(30, 20, 4);
      const a = preprocess(torch, px, 30, 20, { resizeSize: 16, cropSize: 16 });
      const b = preprocess(torch, new Uint8ClampedArray(px.buffer), 30, 20, { resizeSize: 16, cropSize: 16 });
      const c = preprocess(torch, px.buffer, 30, 20, { resizeSize: 16, cropSize: 16 });
      expect(torch.equal(a, b) && torch.equal(a, c)).toBe(true);
      for (const t of [a, b, c]) t.dispose();
    });
  });
});

describe('topK and classify', () => {
  it('topK: softmax probabilities, most probable first', () => {
    expectNoLeak(() => {
      const logits = torch.tensor([[0.5, 3, -1, 2, 2.5, 0]]);
      const top = topK(torch, logits, 3);
      const p = torch.tidy(() => logits.softmax(1).tolist()[0]) as number[];
      expect(top.map((c: { index: number }) => c.index)).toEqual([1, 4, 3]);
      top.forEach((c: { index: number; probability: number }) => expect(c.probability).toBeCloseTo(p[c.index], 7));
      expect(topK(torch, logits, 10)).toHaveLength(6);
      logits.dispose();
    });
  });

  it("the fixture ResNet-18 on torchvision's preprocessing gives PyTorch's top-5", () => {
    const model = torch.models.resnet18({ weights: readFileSync(`${fixtures}/models/resnet18.pt`) }).eval();
    const names = JSON.parse(readFileSync(here('../examples/imagenet_classes.json'), 'utf8'));
    expect(names).toHaveLength(1000);
    expect([names[0], names[281], names[999]]).toEqual(['tench', 'tabby', 'toilet tissue']);
    const base = torch.memory().bytesInUse;
    for (const c of expected.classify as { width: number; height: number; top5: [number, number][] }[]) {
      const x = preprocess(torch, syntheticImage(c.width, c.height, 3), c.width, c.height, { channels: 3 });
      const r = classify(torch, model, x, names);
      x.dispose();
      expect(r.classes).toBe(1000);
      expect(r.top.map((t: { index: number }) => t.index)).toEqual(c.top5.map(([i]) => i));
      r.top.forEach((t: { probability: number; label: string; index: number }, i: number) => {
        expect(Math.abs(t.probability - c.top5[i][1])).toBeLessThan(1e-5);
        expect(t.label).toBe(names[t.index]);
      });
      expect(torch.memory().bytesInUse).toBe(base);
    }
    const small = torch.zeros(1, 3, 32, 32);
    const other = classify(torch, model, small, names.slice(0, 10));
    small.dispose();
    expect(other.top[0].label).toMatch(/^class \d+$/); // names only when there is one per output
    model.dispose();
  });
});
