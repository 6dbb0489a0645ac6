// nn.Embedding and nn.EmbeddingBag (and F.embedding_bag) against PyTorch 1.13:
// lookups, max_norm renormalising the weight in place, padding_idx and
// scale_grad_by_freq gradients, bag modes, offsets, per_sample_weights,
// include_last_offset, fromPretrained, seeded init, reprs, errors, memory.
import { describe, it, expect } from 'vitest';
import { torch, expectClose, values } from '../helpers.js';
import { det } from './nn_helpers.js';

const nn = torch.nn;
const F = torch.nn.functional;
const f64 = { dtype: torch.float64 };
const close = (t: torch.Tensor, want: number[]): void => expectClose(t, want, 1e-8, 1e-9);
const long = (v: number[]): torch.Tensor => torch.tensor(v, { dtype: torch.int64 });

describe('nn.Embedding', () => {
  it('renormalises looked-up rows in place (max_norm, norm_type) and scales gradients by frequency, none for padding_idx', () => {
    const e = new nn.Embedding(6, 3, { paddingIdx: 1, maxNorm: 1.2, normType: 3, scaleGradByFreq: true, dtype: torch.float64 });
    e.loadStateDict({ weight: det([6, 3], 1).mul(2) });
    const y = e(torch.tensor([[1, 4, 4], [0, 1, 5]]));
    close(y, [
      -1.100887138, 0.7321997901, -0.1072113539, -0.6027621103, 0.6962241765, -1.054185393, -0.6027621103, 0.6962241765,
      -1.054185393, -0.7357387543, 0.32305336, -0.3076686859, -1.100887138, 0.7321997901, -0.1072113539, 0.4009141001,
      0.8253550866, -1.032692543,
    ]);
    close(e.weight, [
      -0.7357387543, 0.32305336, -0.3076686859, -1.100887138, 0.7321997901, -0.1072113539, -0.713613987, -1.665493488,
      1.199758172, 1.15421772, -1.895812035, -1.843195811, -0.6027621103, 0.6962241765, -1.054185393, 0.4009141001,
      0.8253550866, -1.032692543,
    ]);
    y.backward(det([2, 3, 3], 2));
    close(e.weight.grad!, [
      -0.2648706436, 0.8170995712, -0.4668970108, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.07141780853, -0.4803304672,
      -0.2197789885, -0.08286375552, 0.5211496353, -0.5037603378,
    ]);
  });

  it('draws N(0, 1) with the padding row zeroed, bit for bit', () => {
    torch.manualSeed(0);
    expect(values(new nn.Embedding(4, 2).weight)).toEqual([
      1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427,
      -1.3985954523086548, 0.40334683656692505, 0.8380263447761536,
    ]);
    torch.manualSeed(4);
    expect(values(new nn.Embedding(4, 2, { paddingIdx: 2 }).weight)).toEqual([
      -1.605276346206665, 0.23248571157455444, 2.239870071411133, 0.8472937941551208, 0.0, 0.0, -1.4260196685791016,
      0.903931736946106,
    ]);
  });

  it('fromPretrained shares the given weights, frozen by default', () => {
    const w = torch.tensor([[1, 2.5], [3, 4.5], [5, 6.5]]);
    const e = nn.Embedding.fromPretrained(w, { paddingIdx: 1 });
    expect(e.weight.requiresGrad).toBe(false);
    expect(values(e.weight)).toEqual([1, 2.5, 3, 4.5, 5, 6.5]); // the padding row is not zeroed
    w.set(0, 0, 9);
    expect(e.weight.get(0, 0)).toBe(9);
    expect(String(e)).toBe('Embedding(3, 2, padding_idx=1)');
    expect(nn.Embedding.fromPretrained(w, false).weight.requiresGrad).toBe(true);
    expect(() => nn.Embedding.fromPretrained(torch.zeros(3))).toThrow('Embeddings parameter is expected to be 2-dimensional');
  });

  it('prints and checks its arguments as PyTorch; sparse gradients are refused clearly', () => {
    expect(String(new nn.Embedding(10, 3, { paddingIdx: -1, maxNorm: 1.0, normType: 1.0, scaleGradByFreq: true }))).toBe(
      'Embedding(10, 3, padding_idx=9, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True)');
    expect(() => new nn.Embedding(5, 2, { paddingIdx: 5 })).toThrow(torch.AssertionError);
    expect(() => new nn.Embedding(5, 2, { paddingIdx: -6 })).toThrow('Padding_idx must be within num_embeddings');
    expect(() => new nn.Embedding(5, 2, { _weight: torch.zeros(3, 2) })).toThrow('Shape of weight does not match num_embeddings and embedding_dim');
    expect(() => new nn.Embedding(5, 2, { sparse: true as never })).toThrow(torch.NotImplementedError);
    expect(() => new nn.Embedding(5, 2)(torch.tensor([5]))).toThrow('index out of range in self');
    expect(() => new nn.Embedding(5, 2)(torch.tensor([1.5]))).toThrow(/'indices' to have one of the following scalar types: Long, Int/);
  });

  it('keeps memory flat over training steps', () => {
    const e = new nn.Embedding(20, 4, { maxNorm: 1 });
    const idx = torch.randint(0, 20, [8, 5]);
    const step = (): void => {
      torch.tidy(() => {
        e(idx).pow(2).sum().backward();
        torch.noGrad(() => e.weight.sub_(e.weight.grad!.mul(0.1)));
      });
      e.zeroGrad();
    };
    step();
    const before = torch.memory().bytesInUse;
    for (let i = 0; i < 10; i++) step();
    expect(torch.memory().bytesInUse).toBe(before);
  });
});

describe('nn.EmbeddingBag', () => {
  const input = long([1, 2, 2, 0, 5, 3, 6, 6]);
  const offsets = long([0, 2, 2, 5]);

  it('sums, averages and maximises bags as PyTorch, padding_idx left out, empty bags zero', () => {
    const cases: [string, number[], number[]][] = [
      ['sum', [
      -0.6094436646, -0.8004416823, 0.8057926893, 0.0, 0.0, 0.0, 1.041765451, -0.6312587261, 0.1873286366, 2.123221874,
      0.7381033897, -1.035709858,
    ], [
      -0.6533546448, -0.9011916518, -0.4513446093, -0.4024009705, 0.4957275391, 0.7218132019, 0.0, 0.0, 0.0, 0.9324163198,
      -0.3619098663, -0.8143749237, 0.0, 0.0, 0.0, -0.6533546448, -0.9011916518, -0.4513446093, 1.86483264, -0.7238197327,
      -1.628749847,
    ]],
      ['mean', [
      -0.6094436646, -0.8004416823, 0.8057926893, 0.0, 0.0, 0.0, 0.5208827257, -0.3156293631, 0.09366431832, 0.7077406247,
      0.2460344632, -0.3452366193,
    ], [
      -0.3266773224, -0.4505958259, -0.2256723046, -0.4024009705, 0.4957275391, 0.7218132019, 0.0, 0.0, 0.0, 0.3108054399,
      -0.1206366221, -0.2714583079, 0.0, 0.0, 0.0, -0.3266773224, -0.4505958259, -0.2256723046, 0.6216108799, -0.2412732442,
      -0.5429166158,
    ]],
      ['max', [
      -0.6094436646, -0.8004416823, 0.8057926893, 0.0, 0.0, 0.0, 0.765989542, 0.2529449463, 0.3756980896, 0.9736919403,
      0.6119093895, -0.1326756477,
    ], [
      0.0, -0.9011916518, -0.4513446093, -0.4024009705, 0.4957275391, 0.7218132019, 0.0, 0.0, 0.0, 0.0, -0.3619098663,
      -0.8143749237, 0.0, 0.0, 0.0, -0.6533546448, 0.0, 0.0, 0.9324163198, 0.0, 0.0,
    ]],
    ];
    for (const [mode, out, grad] of cases) {
      const b = new nn.EmbeddingBag(7, 3, { mode: mode as 'sum', paddingIdx: 2, dtype: torch.float64 });
      b.loadStateDict({ weight: det([7, 3], 3) });
      const y = b(input, offsets);
      close(y, out);
      y.backward(det([4, 3], 4));
      close(b.weight.grad!, grad);
    }
  });

  it('takes per_sample_weights (sum) and include_last_offset, with gradients for both', () => {
    const b = new nn.EmbeddingBag(7, 3, { mode: 'sum', includeLastOffset: true, dtype: torch.float64 });
    b.loadStateDict({ weight: det([7, 3], 3) });
    const psw = det([8], 5, { requiresGrad: true });
    const y = b(input, { offsets: long([0, 3, 3, 8]), perSampleWeights: psw });
    close(y, [-0.7496314827, -0.7490351748, 0.6048960951, 0.0, 0.0, 0.0, 1.34067142, 0.02300102959, -0.9719956799]);
    y.backward(det([3, 3], 6));
    close(b.weight.grad!, [
      -0.5341787145, -0.03274751482, 0.6360368834, 0.2218062445, 0.9022222663, -0.5387414524, -0.0466958093, -0.1899405447,
      0.1134186649, 0.2969193543, 0.018202468, -0.3535364769, 0.0, 0.0, 0.0, 0.1084280905, 0.006647120906, -0.129103356,
      1.058282953, 0.06487741977, -1.260078272,
    ]);
    close(psw.grad!, [-1.404652524, -0.1093088089, -0.1093088089, -0.1185410173, 0.7110531902, 0.2820637466, 1.150946455, 1.150946455]);
    const w = det([7, 3], 3, { requiresGrad: true });
    const p = det([8], 5, { requiresGrad: true });
    expect(torch.autograd.gradcheck((a: torch.Tensor, q: torch.Tensor) => F.embeddingBag(input, a, offsets, { mode: 'sum', perSampleWeights: q }), [w, p])).toBe(true);
    expect(torch.autograd.gradcheck((a: torch.Tensor) => F.embeddingBag(input, a, offsets, { mode: 'mean', paddingIdx: 0 }), [w])).toBe(true);
  });

  it('treats a 2-D input as fixed-length bags, and int32 indices', () => {
    const b = new nn.EmbeddingBag(7, 3, { mode: 'max', dtype: torch.float64 });
    b.loadStateDict({ weight: det([7, 3], 3) });
    close(b(input.view(2, 4)), [0.9779601097, 0.2529449463, 0.8057926893, 0.9736919403, 0.6119093895, -0.1326756477]);
    const w = det([7, 3], 3);
    const s = F.embeddingBag(input.int(), w, offsets.int(), { mode: 'sum', paddingIdx: 2 });
    close(s, [
      -0.6094436646, -0.8004416823, 0.8057926893, 0.0, 0.0, 0.0, 1.041765451, -0.6312587261, 0.1873286366, 2.123221874,
      0.7381033897, -1.035709858,
    ]);
  });

  it('draws N(0, 1) with the padding row zeroed, bit for bit, and prints as PyTorch', () => {
    torch.manualSeed(6);
    const b = new nn.EmbeddingBag(3, 2, { paddingIdx: -1 });
    expect(b.paddingIdx).toBe(2);
    expect(values(b.weight)).toEqual([-1.8743985891342163, -0.9936632513999939, 0.7184672355651855, -0.6984538435935974, 0.0, 0.0]);
    expect(String(new nn.EmbeddingBag(10, 3, { mode: 'max', paddingIdx: 2, maxNorm: 2.5 }))).toBe('EmbeddingBag(10, 3, max_norm=2.5, mode=max, padding_idx=2)');
    const p = nn.EmbeddingBag.fromPretrained(torch.ones(4, 2), { mode: 'sum', freeze: false });
    expect([p.mode, p.weight.requiresGrad, p.numEmbeddings, p.embeddingDim]).toEqual(['sum', true, 4, 2]);
  });

  it('checks its inputs with PyTorch messages', () => {
    const w = det([7, 3], 3);
    expect(() => F.embeddingBag(input.view(2, 4), w, offsets)).toThrow(
      "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>");
    expect(() => F.embeddingBag(input, w)).toThrow('offsets has to be a 1D Tensor but got None');
    expect(() => F.embeddingBag(input, w, offsets.view(2, 2))).toThrow('offsets has to be a 1D Tensor');
    expect(() => F.embeddingBag(input.view(1, 2, 4), w)).toThrow('input has to be 1D or 2D Tensor, but got Tensor of dimension 3');
    expect(() => F.embeddingBag(input, w, offsets, { mode: 'foo' })).toThrow('mode has to be one of sum, mean or max');
    expect(() => F.embeddingBag(input, w, offsets, { mode: 'max', scaleGradByFreq: true })).toThrow('max mode does not support scaling the gradient by the frequency');
    expect(() => F.embeddingBag(input, w, offsets, { mode: 'mean', perSampleWeights: det([8]) })).toThrow(
      "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='mean'). Please open a feature request on GitHub.");
    expect(() => F.embeddingBag(input, w, offsets, { mode: 'sum', perSampleWeights: det([5]) })).toThrow(
      'embedding_bag: If per_sample_weights (torch.Size([5])) is not None, then it must have the same shape as the input (torch.Size([8]))');
    expect(() => F.embeddingBag(input, w, long([1, 2, 6]))).toThrow(
      'offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got 1');
    expect(() => F.embeddingBag(input, w, long([0, 2, 9]))).toThrow("offsets[-1] can not be greater than input's length 8 but got offsets[-1] of 9");
    expect(() => F.embeddingBag(long([1, 7]), w, long([0]))).toThrow('Index 1 is out of bounds: 7, range 0 to 7');
    expect(() => F.embeddingBag(input, w, offsets, { paddingIdx: 7 })).toThrow('padding_idx must be within the number of embeddings, -7 through 6, but got 7');
    expect(() => F.embeddingBag(input.float(), w, offsets)).toThrow(
      "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding_bag)");
    expect(() => new nn.EmbeddingBag(5, 2, { paddingIdx: 5 })).toThrow('padding_idx must be within num_embeddings');
    expect(() => new nn.EmbeddingBag(5, 2, { sparse: true as never })).toThrow(torch.NotImplementedError);
    // nothing was renormalised by a call that failed its checks
    const before = values(w);
    expect(() => F.embeddingBag(input, w, offsets, { maxNorm: 0.1, mode: 'mean', perSampleWeights: det([8]) })).toThrow(torch.NotImplementedError);
    expect(values(w)).toEqual(before);
  });

  it('handles empty bags and empty input', () => {
    const w = det([7, 3], 3, { requiresGrad: true });
    const y = F.embeddingBag(long([]), w, long([0, 0]), { mode: 'max' });
    expect(y.tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    y.sum().backward();
    expect(values(w.grad!).every((v) => v === 0)).toBe(true);
  });
});
