// sequence.json: the recurrent and Transformer modules, replayed generically through
// the nn.Module classes (runModuleCase of nn.mjs: constructor kwargs, nested module
// arguments, `nesting` for tuple arguments and results, kwargs, mode, grad_enabled,
// outputs and gradients), and the `kind: "model"` cases: a network whose architecture
// the case's `init` describes, built from nn layers, with its state_dict loaded from
// `weights`, its logits, every parameter's gradient and a greedy decode compared.
// Nothing here knows a particular case.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadArea, fixtureDir } from '../runner.mjs';
import { runModuleCase } from './nn.mjs';
import { createTinyGPT, greedyDecode } from '../../../examples/tiny_gpt_model.mjs';

const camel = (s) => s.replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase());
const camelKeys = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));

/** Model builders by the op name of a model case: (torch, init in camelCase) -> Module. */
const MODELS = {
  tiny_gpt: createTinyGPT,
};

/** A `kind: "model"` case: logits, parameter gradients, then the greedy decode. */
async function runModelCase(torch, c, h) {
  const build = MODELS[c.op];
  if (!build) return `no model builder for ${c.op}`;
  const model = build(torch, camelKeys(h.decode(torch, c.init)));
  const sd = torch.load(readFileSync(join(fixtureDir(), c.weights)));
  const keys = Object.keys(model.stateDict()).join();
  if (keys !== Object.keys(sd).join()) return `stateDict keys [${keys}], weights file has [${Object.keys(sd)}]`;
  model.loadStateDict(sd);
  // the weights file and the case's params are the same state_dict
  for (const [k, v] of Object.entries(c.params ?? {})) {
    const e = h.compare(torch, sd[k], v, 0, 0, `weights.${k}`);
    if (e) return e;
  }
  model.train(c.mode === 'train');

  const args = h.decode(torch, c.args ?? []);
  const out = model(...args);
  const r = h.compare(torch, out, c.out, c.rtol ?? 0, c.atol ?? 0);
  if (r) return r;
  if (c.grads) {
    out.backward(h.decodeTensor(torch, c.grad_output));
    const named = Object.fromEntries(model.namedParameters());
    for (const [k, expected] of Object.entries(c.grads)) {
      if (!named[k]) return `grads.${k}: no such parameter`;
      const e = h.compare(torch, named[k].grad ?? torch.zerosLike(named[k]), expected, c.rtol ?? 0, c.atol ?? 0, `grads.${k}`);
      if (e) return e;
    }
  }

  if (c.greedy) {
    const g = c.greedy;
    model.eval();
    const { tokens, lastLogits } = greedyDecode(torch, model, g.prompt, g.steps, { keepLogits: true });
    if (tokens.join() !== g.tokens.join()) return `greedy tokens [${tokens}], expected [${g.tokens}]`;
    for (let i = 0; i < lastLogits.length; i++) {
      const e = h.compare(torch, torch.tensor([...lastLogits[i]]), g.last_logits[i], c.rtol ?? 0, c.atol ?? 0, `greedy.last_logits[${i}]`);
      if (e) return e;
    }
  }
  model.dispose();
  return true;
}

export const cases = {};
for (const c of loadArea('sequence')?.cases ?? []) cases[c.id] = c.kind === 'model' ? runModelCase : runModuleCase;
