// TransformerEncoderLayer's fused inference path (one crate call per layer) against the
// op-by-op path on the same layer: eval under noGrad takes the fused path, train() with
// dropout 0 or grad-enabled calls the op-by-op one. norm_first and post-norm, relu and
// gelu (functions and modules), every mask kind (float / bool / 3-d src_mask, bool and
// float key padding masks, both), batch > 1, odd heads, float64, non-contiguous input,
// PyTorch's errors for bad masks on both paths, the stack, and memory.
import { describe, it, expect } from 'vitest';
import { torch, values, expectNoLeak } from '../helpers.js';

const nn = torch.nn;
type T = torch.Tensor;
type Layer = torch.nn.TransformerEncoderLayer;

const [B, S, E, H, FF] = [3, 5, 8, 2, 16];

function makeLayer(opts: Record<string, unknown> = {}, heads = H, seed = 0): Layer {
  torch.manualSeed(seed);
  const layer = new nn.TransformerEncoderLayer(E, heads, { dimFeedforward: FF, dropout: 0, batchFirst: true, ...opts });
  // non-zero biases and norm affines, so every term is exercised
  torch.noGrad(() => {
    for (const p of layer.parameters()) if (p.dim() === 1) p.copy_(torch.randn(p.shape, { dtype: p.dtype }).mul(0.5).add(0.1));
  });
  return layer;
}

/** [fused, op by op] outputs of the layer: eval + noGrad vs train() (dropout 0) + noGrad. */
function bothPaths(layer: Layer, src: T, kw: Record<string, unknown> = {}): [T, T] {
  const fused = torch.noGrad(() => layer.eval()(src, kw));
  const ops = torch.noGrad(() => layer.train()(src, kw));
  layer.eval();
  return [fused, ops];
}

function expectSame(a: T, b: T, tol = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  const [x, y] = [values(a) as number[], values(b) as number[]];
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(y[i])) expect(Number.isNaN(x[i]), `index ${i}`).toBe(true);
    else expect(Math.abs(x[i] - y[i]), `index ${i}: ${x[i]} vs ${y[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(y[i])));
  }
}

const causal = (): T => nn.Transformer.generateSquareSubsequentMask(S);
const masks: Record<string, () => Record<string, unknown>> = {
  none: () => ({}),
  float_causal: () => ({ srcMask: causal() }),
  bool_causal: () => ({ srcMask: torch.ones([S, S], { dtype: torch.bool }).triu(1) }),
  float_3d: () => ({ srcMask: torch.randn(B * H, S, S) }),
  bool_3d: () => ({ srcMask: torch.rand(B * H, S, S).gt(0.7).logicalAnd(torch.eye(S, { dtype: torch.bool }).logicalNot()) }),
  float64_mask: () => ({ srcMask: causal().double() }),
  padding_bool: () => ({ srcKeyPaddingMask: torch.tensor([[false, false, false, false, false], [false, false, false, true, true], [false, true, false, false, true]]) }),
  padding_float: () => ({ srcKeyPaddingMask: torch.tensor([[0, 0, 0, 0, -1], [0, 0, 0, -Infinity, 0], [0.5, 0, 0, 0, 0]]) }),
  causal_and_padding: () => ({ srcMask: causal(), srcKeyPaddingMask: torch.tensor([[false, false, false, false, true], [false, false, false, false, false], [false, false, true, false, false]]) }),
  bool_and_padding: () => ({ srcMask: torch.ones([S, S], { dtype: torch.bool }).triu(1), srcKeyPaddingMask: torch.tensor([[false, false, false, false, true], [false, false, false, false, false], [false, false, true, false, false]]) }),
};

describe('TransformerEncoderLayer fast path', () => {
  for (const normFirst of [false, true]) {
    for (const activation of ['relu', 'gelu'] as const) {
      it(`matches the op-by-op path: normFirst ${normFirst}, ${activation}, every mask`, () => {
        const layer = makeLayer({ normFirst, activation });
        torch.manualSeed(1);
        const src = torch.randn(B, S, E);
        for (const [name, kw] of Object.entries(masks)) {
          torch.tidy(() => {
            const [fused, ops] = bothPaths(layer, src, kw());
            expect(values(fused).every((v) => Number.isFinite(v)), name).toBe(true);
            expectSame(fused, ops);
          });
        }
        src.dispose();
        layer.dispose();
      });
    }
  }

  it('runs one kernel: self_attn, linear1 and norm hooks do not fire (as in PyTorch 1.13), and fire in train mode', () => {
    const layer = makeLayer();
    let calls = 0;
    const hooks = [layer.self_attn, layer.linear1, layer.norm1].map((m) => m.registerForwardHook(() => void calls++));
    const src = torch.randn(B, S, E);
    torch.noGrad(() => torch.tidy(() => void layer.eval()(src)));
    expect(calls).toBe(0);
    torch.noGrad(() => torch.tidy(() => void layer.train()(src)));
    expect(calls).toBe(3);
    // grad enabled with parameters that require grad: the op-by-op path, graph recorded
    calls = 0;
    layer.eval();
    const out = layer(src);
    expect(calls).toBe(3);
    expect(out.requiresGrad).toBe(true);
    out.dispose();
    for (const h of hooks) h.remove();
    src.dispose();
    layer.dispose();
  });

  it('agrees with the grad-enabled path, module activations, odd heads, float64, non-contiguous input', () => {
    torch.tidy(() => {
      const src = torch.randn(S, B, E).transpose(0, 1); // non-contiguous [B, S, E]
      const cases: [Layer, T][] = [
        [makeLayer({ activation: new nn.GELU() }), src],
        [makeLayer({ activation: new nn.ReLU(), normFirst: true }), src],
        [makeLayer({ activation: new nn.GELU('tanh') }), src], // not the kernel's gelu: op by op both times
        [makeLayer({}, 1), src],
        [makeLayer({ normFirst: true, dtype: torch.float64 }), src.double()],
        [makeLayer({ layerNormEps: 1e-3 }), src],
      ];
      for (const [layer, x] of cases) {
        const fused = torch.noGrad(() => layer.eval()(x, { srcMask: causal() }));
        const withGrad = layer(x, { srcMask: causal() });
        expect(withGrad.requiresGrad).toBe(true);
        expectSame(fused, withGrad.detach(), x.dtype === torch.float64 ? 1e-12 : 1e-5);
        layer.dispose();
      }
    });
  });

  it('batch of one, one position, and an empty batch', () => {
    const layer = makeLayer({ normFirst: true, activation: 'gelu' });
    for (const [b, s] of [[1, 1], [1, 5], [0, 5]]) {
      torch.tidy(() => {
        const src = torch.randn(b, s, E);
        const [fused, ops] = bothPaths(layer, src, { srcMask: nn.Transformer.generateSquareSubsequentMask(s) });
        expectSame(fused, ops);
      });
    }
    layer.dispose();
  });

  it("a bad mask gives PyTorch's error on both paths", () => {
    const layer = makeLayer();
    const src = torch.randn(B, S, E);
    const bad: Record<string, unknown>[] = [
      { srcMask: torch.zeros(4, 4) },
      { srcMask: torch.zeros(2, S, S) },
      { srcMask: torch.zeros(1, 1, S, S) },
      { srcMask: torch.zeros([S, S], { dtype: torch.int32 }) },
      { srcKeyPaddingMask: torch.zeros([B, 4], { dtype: torch.bool }) },
      { srcKeyPaddingMask: torch.zeros([B], { dtype: torch.bool }) },
      { srcKeyPaddingMask: torch.zeros([B, S], { dtype: torch.int64 }) },
    ];
    const errorOf = (f: () => unknown): [string, string] => {
      try {
        f();
      } catch (e) {
        return [(e as Error).constructor.name, (e as Error).message];
      }
      return ['', 'no error'];
    };
    expectNoLeak(() => {
      for (const kw of bad) {
        const fused = errorOf(() => torch.noGrad(() => layer.eval()(src, kw)));
        const ops = errorOf(() => torch.noGrad(() => layer.train()(src, kw)));
        expect(fused[1]).not.toBe('no error');
        expect(fused).toEqual(ops);
      }
    });
    expect(errorOf(() => torch.noGrad(() => layer.eval()(src, { srcMask: torch.zeros(4, 4) })))).toEqual(
      ['RuntimeError', 'The shape of the 2D attn_mask is torch.Size([4, 4]), but should be (5, 5).'],
    );
    for (const kw of bad) for (const t of Object.values(kw)) (t as T).dispose();
    src.dispose();
    layer.dispose();
  });

  it('TransformerEncoder stacks and the nested-tensor path agree with the op-by-op path', () => {
    const layer = makeLayer({ activation: 'gelu' });
    const enc = new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(E) });
    layer.dispose();
    torch.tidy(() => {
      const src = torch.randn(B, S, E);
      const padding = torch.tensor([[false, false, false, true, true], [false, false, false, false, false], [false, false, false, false, true]]);
      for (const kw of [{}, { mask: causal() }, { srcKeyPaddingMask: padding }]) {
        const fused = torch.noGrad(() => enc.eval()(src, kw));
        const ops = enc.eval()(src, kw).detach(); // grad enabled: op by op, and no nested path
        if ('srcKeyPaddingMask' in kw) {
          // the nested path (no grad, padding mask) zeros padded positions before the final
          // norm: compare the positions that are not padding
          const keep = padding.unsqueeze(-1);
          expectSame(fused.maskedFill(keep, 0), ops.maskedFill(keep, 0));
        } else {
          expectSame(fused, ops);
        }
      }
    });
    enc.dispose();
  });

  it('decoding loops keep the heap flat', () => {
    const layer = makeLayer({ normFirst: true, activation: 'gelu' });
    const src = torch.randn(1, S, E);
    const mask = causal();
    torch.inferenceMode(() => {
      torch.tidy(() => void layer.eval()(src, { srcMask: mask }));
      expectNoLeak(() => {
        for (let i = 0; i < 20; i++) torch.tidy(() => void layer(src, { srcMask: mask }));
      });
    });
    mask.dispose();
    src.dispose();
    layer.dispose();
  });
});
