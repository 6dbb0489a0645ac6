import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { torch, values } from '../helpers.js';

describe('torch.save / torch.load', () => {
  it('round-trips tensors of every dtype, nested containers and shared storage', () => {
    const base = torch.arange(12, { dtype: torch.float32 }).view(3, 4);
    const obj = {
      base,
      t: base.t(),
      row: base.select(0, 1),
      ints: torch.tensor([1n << 60n, -5n]),
      flags: torch.tensor([true, false]),
      half: torch.tensor([0.5, -2], { dtype: torch.float16 }),
      nested: { list: [1, 'x', null, 2.5], big: 1n << 62n },
    };
    const back = torch.load(torch.save(obj));
    expect(values(back.t)).toEqual(values(base.t()));
    expect(back.t.untypedStorage()).toBe(back.base.untypedStorage());
    expect(back.row.storageOffset()).toBe(4);
    expect(back.ints.tolist({ bigint: true })).toEqual([1n << 60n, -5n]);
    expect(back.flags.tolist()).toEqual([true, false]);
    expect(back.half.dtype).toBe(torch.float16);
    expect(back.nested).toEqual({ list: [1, 'x', null, 2.5], big: 1n << 62n });
  });

  it('keeps requires_grad of parameters', () => {
    const p = torch.ones(2).requiresGrad_(true);
    expect(torch.load(torch.save({ p })).p.requiresGrad).toBe(true);
  });

  it('rejects corrupt files with a clear error and keeps the heap intact', () => {
    const x = torch.ones(4);
    const good = torch.save({ x });
    x.dispose();
    const before = torch.memory().bytesInUse;
    expect(() => torch.load(good.slice(0, good.length - 30))).toThrow(/zip archive|corrupt|truncated/);
    expect(() => torch.load(new Uint8Array([1, 2, 3]))).toThrow(/not a PyTorch file/);
    const bad = good.slice();
    bad[bad.length - 22 + 16] ^= 0xff; // central directory offset
    expect(() => torch.load(bad)).toThrow(Error);
    expect(torch.memory().bytesInUse).toBe(before);
  });

  it('reads the ResNet-18 state dict written by PyTorch', () => {
    const sd = torch.load(readFileSync(new URL('../../../shared/conformance/models/resnet18.pt', import.meta.url)));
    expect(Object.keys(sd).length).toBe(122);
    expect(sd['fc.weight'].shape).toEqual([1000, 512]);
    expect(sd['bn1.num_batches_tracked'].dtype).toBe(torch.int64);
    for (const t of Object.values(sd) as torch.Tensor[]) t.dispose();
  });
});

describe('safetensors', () => {
  it('round-trips', () => {
    const d = { a: torch.tensor([[1, 2], [3, 4]], { dtype: torch.int32 }), b: torch.tensor([0.25], { dtype: torch.float64 }) };
    const back = torch.safetensors.load(torch.safetensors.save(d, { format: 'pt' }));
    expect(back.a.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(back.a.dtype).toBe(torch.int32);
    expect(back.b.item()).toBe(0.25);
  });
});
