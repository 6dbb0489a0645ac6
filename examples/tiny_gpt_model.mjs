// A small decoder-only GPT assembled from torch.nn layers, with the module names of the
// PyTorch model that wrote ../shared/conformance/models/tiny_gpt.pt, so its state_dict
// loads as saved:
//   tok_emb: Embedding(vocab, d)   pos_emb: Embedding(context, d)
//   blocks:  ModuleList of TransformerEncoderLayer(d, nhead, ff, batch_first, norm_first),
//            each called with a causal mask
//   ln_f:    LayerNorm(d)          head: Linear(d, vocab)
// Plain ES2022 that takes the torch namespace as an argument, so the same file runs in
// Node, Deno, Bun, Chromium and workerd (the runtime matrix imports it too).

const classes = new WeakMap();

/** The TinyGPT class over one torch namespace (made once per namespace). */
function tinyGPTClass(torch) {
  if (classes.has(torch)) return classes.get(torch);
  const nn = torch.nn;
  class TinyGPT extends nn.Module {
    /**
     * config: { vocabSize, dModel, nhead, numLayers, dimFeedforward, contextLength,
     * dropout = 0, activation = 'gelu', layerNormEps = 1e-5 }
     */
    constructor(config) {
      super();
      const { vocabSize, dModel, nhead, numLayers, dimFeedforward, contextLength } = config;
      this.contextLength = contextLength;
      this.tok_emb = new nn.Embedding(vocabSize, dModel);
      this.pos_emb = new nn.Embedding(contextLength, dModel);
      const layerOptions = {
        dimFeedforward, dropout: config.dropout ?? 0, activation: config.activation ?? 'gelu',
        layerNormEps: config.layerNormEps ?? 1e-5, batchFirst: true, normFirst: true,
      };
      this.blocks = new nn.ModuleList(Array.from({ length: numLayers }, () => new nn.TransformerEncoderLayer(dModel, nhead, layerOptions)));
      this.ln_f = new nn.LayerNorm(dModel, { eps: config.layerNormEps ?? 1e-5 });
      this.head = new nn.Linear(dModel, vocabSize);
      // made once for the whole context and sliced per call, as PyTorch models keep them
      // (non-persistent buffers: not in the state_dict)
      this.registerBuffer('causal_mask', nn.Transformer.generateSquareSubsequentMask(contextLength), { persistent: false });
      this.registerBuffer('positions', torch.arange(contextLength), { persistent: false });
    }

    /** idx: int64 (batch, T) token ids, T <= contextLength -> logits (batch, T, vocab). */
    forward(idx) {
      return torch.tidy(() => {
        const T = idx.shape[1];
        if (T > this.contextLength) throw new torch.ValueError(`sequence of ${T} tokens is longer than the context (${this.contextLength})`);
        let x = this.tok_emb(idx).add(this.pos_emb(this.positions.narrow(0, 0, T)));
        const causal = this.causal_mask.narrow(0, 0, T).narrow(1, 0, T); // self.causal_mask[:T, :T]
        for (const block of this.blocks) x = block(x, { srcMask: causal });
        return this.head(this.ln_f(x));
      });
    }
  }
  classes.set(torch, TinyGPT);
  return TinyGPT;
}

/** A new TinyGPT (parameters initialised as PyTorch's layers do; load a state_dict next). */
export function createTinyGPT(torch, config) {
  const TinyGPT = tinyGPTClass(torch);
  return new TinyGPT(config);
}

/**
 * Greedy decoding: at each step the model sees the last contextLength tokens and the
 * most likely next token is appended. No graph is recorded and each step frees what it
 * made. Returns { tokens, lastLogits (Float32Array per step, when keepLogits), msPerToken }.
 */
export function greedyDecode(torch, model, prompt, steps, options = {}) {
  const seq = [...prompt];
  const tokens = [];
  const lastLogits = [];
  const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
  const t0 = now();
  torch.inferenceMode(() => {
    for (let i = 0; i < steps; i++) {
      const next = torch.tidy(() => {
        const context = seq.slice(-model.contextLength);
        const logits = model(torch.tensor([context], { dtype: torch.int64 }));
        const last = logits.select(0, 0).select(0, context.length - 1);
        if (options.keepLogits) lastLogits.push(last.toTypedArray());
        return last.argmax().item();
      });
      seq.push(next);
      tokens.push(next);
      options.onToken?.(next, i);
    }
  });
  return { tokens, lastLogits, msPerToken: steps > 0 ? (now() - t0) / steps : 0 };
}

/**
 * The tiny GPT case of the conformance fixtures (sequence.json's text): { config (the
 * architecture in camelCase), weights (path of the state_dict file, relative to the
 * fixture folder), prompt, steps, tokens (PyTorch's greedy decode) }.
 */
export function tinyGptCase(sequenceJson) {
  const data = typeof sequenceJson === 'string' ? JSON.parse(sequenceJson) : sequenceJson;
  const c = data.cases.find((x) => x.kind === 'model' && x.op === 'tiny_gpt');
  if (!c) throw new Error('sequence.json has no tiny_gpt model case');
  const camel = (s) => s.replace(/_([a-z0-9])/g, (_m, ch) => ch.toUpperCase());
  const config = {};
  for (const [k, v] of Object.entries(c.init)) if (typeof v === 'number' || typeof v === 'string') config[camel(k)] = v;
  return { config, weights: c.weights, prompt: c.greedy.prompt, steps: c.greedy.steps, tokens: c.greedy.tokens };
}
