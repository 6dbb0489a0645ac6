// The SIMD GEMM inside wasm (the host cargo tests cover the scalar microkernel):
// odd sizes, all transpose combinations, alpha/beta through addmm-like use, float64.
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';
import { det } from './nn_helpers.js';

function naive(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, p) => s + v * b[p][j], 0)));
}

function maxErr(t: torch.Tensor, ref: number[][]): number {
  const got = t.tolist() as number[][];
  let e = 0;
  ref.forEach((row, i) => row.forEach((v, j) => (e = Math.max(e, Math.abs(got[i][j] - v) / (1 + Math.abs(v))))));
  return e;
}

describe('gemm (SIMD microkernel in wasm)', () => {
  it('matches a naive product for odd sizes and every transpose combination', () => {
    for (const dtype of [torch.float32, torch.float64]) {
      const tol = dtype === torch.float32 ? 1e-5 : 1e-13;
      for (const [m, n, k] of [[1, 1, 1], [3, 5, 7], [7, 9, 4], [13, 17, 31], [37, 33, 300], [6, 8, 2]]) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const a = ta ? det([k, m], m + k, { dtype }).t() : det([m, k], m + k, { dtype });
            const b = tb ? det([n, k], n * k, { dtype }).t() : det([k, n], n * k, { dtype });
            const ref = naive(a.tolist() as number[][], b.tolist() as number[][]);
            expect(maxErr(a.mm(b), ref), `${dtype} ${m}x${n}x${k} ta=${ta} tb=${tb}`).toBeLessThan(tol);
          }
        }
      }
    }
  });

  it('handles strided (sliced) operands and a bias-filled output (beta = 1)', () => {
    const a = det([40, 60], 1, { dtype: torch.float32 }).slice(1, 0, 60, 2); // 40 x 30, column stride 2
    const w = det([19, 30], 2, { dtype: torch.float32 });
    const b = det([19], 3, { dtype: torch.float32 });
    const y = torch.nn.functional.linear(a, w, b);
    const ref = naive(a.tolist() as number[][], w.t().tolist() as number[][]).map((row) => row.map((v, j) => v + (b.tolist() as number[])[j]));
    expect(maxErr(y, ref)).toBeLessThan(1e-5);
  });
});
