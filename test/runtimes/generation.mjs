// The runtime matrix's text-generation check: the tiny GPT of examples/tiny_gpt_model.mjs
// loads PyTorch's tiny_gpt.pt (bytes the runtime got its own way: a file read, a fetch,
// a workerd data module) and decodes greedily; the tokens must be PyTorch's, the heap
// the same after every token, and everything freed at the end. Plain ES2022.

/**
 * Appends the checks to `result`. `model` is the namespace of tiny_gpt_model.mjs (each
 * runtime imports it from where it sits); `gpt` is tinyGptCase() of sequence.json;
 * `weights` the bytes of the state_dict file.
 */
export function generationCheck(torch, result, model, gpt, weights) {
  const check = (name, ok, detail) => {
    result.checks.push({ name: `tiny GPT: ${name}`, ok: !!ok, detail: ok ? '' : String(detail) });
    result.ok = result.ok && !!ok;
  };
  const start = torch.memory().bytesInUse;
  try {
    const gptModel = model.createTinyGPT(torch, gpt.config);
    const stateDict = torch.load(weights instanceof Uint8Array ? weights : new Uint8Array(weights));
    gptModel.loadStateDict(stateDict);
    for (const t of Object.values(stateDict)) t.dispose();
    gptModel.eval();
    const base = torch.memory().bytesInUse;
    const heap = [];
    const { tokens, msPerToken } = model.greedyDecode(torch, gptModel, gpt.prompt, gpt.steps, {
      onToken: () => heap.push(torch.memory().bytesInUse),
    });
    check(`greedy tokens equal PyTorch's [${gpt.tokens}]`, tokens.join() === gpt.tokens.join(), `got [${tokens}]`);
    check('heap flat across tokens', heap.length === gpt.steps && heap.every((b) => b === base), `${heap} (base ${base})`);
    gptModel.dispose();
    result.tinyGpt = { tokens, msPerToken };
  } catch (e) {
    check('ran', false, e && e.stack ? e.stack : e);
  }
  const end = torch.memory().bytesInUse;
  check('memory back where it started', end === start, `${end} bytes in use, ${start} before`);
  return result;
}

/**
 * [gpt, weights] from the fixture folder `dir` with the runtime's file readers
 * (readText(path) -> string, readBytes(path) -> Uint8Array).
 */
export function readTinyGpt(model, dir, readText, readBytes) {
  const gpt = model.tinyGptCase(readText(`${dir}/sequence.json`));
  return [gpt, readBytes(`${dir}/${gpt.weights}`)];
}
