// Training and evaluation steps of the MNIST demo (examples/mnist.mjs), shared with its
// benchmark row (bench/mnist_epoch.mjs) and the mnist conformance adapter. Plain ES2022
// taking the torch namespace as an argument.

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * The order PyTorch's recorded recipe visited the training set in: torch.randperm(n)
 * each epoch, drawn from the global generator. (A DataLoader with shuffle draws its
 * RandomSampler's permutation from a generator seeded by a draw of the global one,
 * and each epoch's base seed besides: another order from the same seed.) Give the
 * DataLoader its own `generator`, so that its base-seed draws leave the global stream
 * to this sampler.
 */
export function randpermSamplerClass(torch) {
  return class RandpermSampler extends torch.utils.data.Sampler {
    constructor(n) {
      super();
      this.n = n;
    }
    *[Symbol.iterator]() {
      const order = torch.randperm(this.n);
      const indices = order.tolist();
      order.dispose();
      yield* indices;
    }
    get length() {
      return this.n;
    }
  };
}

/**
 * One pass over `loader`: for each batch, zeroGrad, forward, loss, backward, step.
 * onBatch({ batch, batches, images, loss, meanLoss, seconds }) follows every step.
 * Returns { meanLoss (the mean of the batch losses), batches, images, seconds }.
 */
export function trainEpoch(torch, { model, loader, optimizer, lossFn, onBatch }) {
  model.train();
  const batches = loader.length;
  const t0 = now();
  let sum = 0;
  let batch = 0;
  let images = 0;
  for (const [x, y] of loader) {
    const loss = torch.tidy(() => {
      optimizer.zeroGrad();
      const l = lossFn(model(x), y);
      l.backward();
      optimizer.step();
      return l.item();
    });
    images += x.shape[0];
    x.dispose();
    y.dispose();
    sum += loss;
    batch++;
    onBatch?.({ batch, batches, images, loss, meanLoss: sum / batch, seconds: (now() - t0) / 1000 });
  }
  return { meanLoss: sum / batch, batches: batch, images, seconds: (now() - t0) / 1000 };
}

/**
 * The model's logits for every image, in eval mode without a graph, `batchSize`
 * images at a time: a float32 [N, classes] tensor (the caller's).
 */
export function logitsOf(torch, model, images, batchSize = 500) {
  model.eval();
  return torch.inferenceMode(() => {
    const n = images.shape[0];
    const parts = [];
    for (let i = 0; i < n; i += batchSize) parts.push(model(images.narrow(0, i, Math.min(batchSize, n - i))));
    const all = torch.cat(parts);
    for (const p of parts) p.dispose();
    return all;
  });
}

/** { predictions (number[]), accuracy (fraction of predictions equal to labels) }. */
export function evaluate(torch, model, images, labels) {
  return torch.tidy(() => {
    const predicted = logitsOf(torch, model, images).argmax(1);
    const accuracy = predicted.eq(labels).sum().item() / labels.shape[0];
    return { predictions: predicted.tolist(), accuracy };
  });
}

/**
 * Frees the optimizer's per-parameter state (momentum buffers, moments) now: what
 * optimizer.dispose() does where the library has it.
 */
export function disposeOptimizer(torch, optimizer) {
  if (typeof optimizer.dispose === 'function') return optimizer.dispose();
  const free = (v) => (v instanceof torch.Tensor ? v.dispose() : Array.isArray(v) ? v.forEach(free) : undefined);
  for (const s of optimizer.state.values()) Object.values(s).forEach(free);
  optimizer.state.clear();
}
