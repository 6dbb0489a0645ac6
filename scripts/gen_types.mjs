#!/usr/bin/env node
// Generates the types of the ops from their schemas, as PyTorch generates its .pyi
// files from native_functions.yaml. Reads the op registry of the built bundle
// (dist/index.js: every defineOp's sig, returns, aliases and forms) and the doc
// comments of the ts/ sources, and writes ts/ops/signatures.ts: TorchOps, the type of
// each op's torch.* function by op name (defineOp returns it), and TensorOps, the
// Tensor methods and in-place forms (merged into Tensor), one overload per way to call.
// `node scripts/gen_types.mjs` writes it (after a build); `--check` exits 1 when the
// committed file is stale. test/unit/types.test.ts runs the same check.
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const output = `${root}ts/ops/signatures.ts`;

const camel = (s) => s.replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase());
const RESERVED = new Set(['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else',
  'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return',
  'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'await']);
const ident = (name) => (RESERVED.has(name) ? `${name}_` : name);

/** The TypeScript type of a schema param type (what bindArgs accepts). */
const PARAM_TYPES = {
  Tensor: 'Tensor', 'Tensor|Scalar': 'Tensor | Scalar', Scalar: 'Scalar', int: 'number', float: 'number', bool: 'boolean',
  str: 'string', 'int[]': 'number | readonly number[]', 'float[]': 'number | readonly number[]', 'bool[]': 'readonly boolean[]',
  'Scalar[]': 'readonly Scalar[]', 'Tensor[]': 'readonly Tensor[]', 'Tensor?[]': 'readonly (Tensor | null)[]',
  ScalarType: 'DType | string', Generator: 'Generator', Device: 'string', Layout: 'unknown', MemoryFormat: 'unknown', any: 'unknown',
};
function paramType(p) {
  const t = PARAM_TYPES[p.type];
  if (t === undefined) throw new Error(`gen_types: no TypeScript type for the schema type '${p.type}' (param ${p.name})`);
  return p.optional && t !== 'unknown' ? `${t} | null` : t;
}

function splitTop(s) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The TypeScript type of a result in schema notation: Tensor, Tensor[], Tensor?, (A a, B b), any. */
export function returnType(r) {
  r = r.trim();
  if (r === 'any') return 'any';
  const tuple = /^\((.*)\)$/.exec(r);
  if (tuple) {
    const items = splitTop(tuple[1]).map((part) => {
      const [type, name] = part.split(/\s+/);
      return { type: returnType(type), name };
    });
    const arr = `[${items.map((x) => x.type).join(', ')}]`;
    return items.every((x) => x.name) ? `${arr} & { ${items.map((x) => `${x.name}: ${x.type}`).join('; ')} }` : arr;
  }
  if (r.endsWith('?')) return `${returnType(r.slice(0, -1))} | null`;
  if (r.endsWith('[]')) return `${returnType(r.slice(0, -2))}[]`;
  const t = { Tensor: 'Tensor', bool: 'boolean', int: 'number', float: 'number', Scalar: 'Scalar' }[r];
  if (t === undefined) throw new Error(`gen_types: no TypeScript type for the result '${r}'`);
  return t;
}

const required = (p) => !p.hasDefault && !p.optional;
const optionsType = (params, out) => {
  const fields = params.map((p) => `${p.camel}?: ${paramType(p)}`);
  if (out) fields.push('out?: Tensor');
  return fields.length ? `{ ${fields.join('; ')} }` : null;
};

/**
 * The overloads of one callable form, as bindArgs binds it: the positional params in
 * order (at least through the last required one), then an options object with the
 * rest by name; a trailing size-like int[] may also be spread (zeros(2, 3)).
 * `offset` counts params bound before these (a method's self).
 */
export function overloads(params, op, { out, offset = 0 }) {
  const pos = params.filter((p) => !p.kwOnly);
  const kw = params.filter((p) => p.kwOnly);
  let kmin = 0;
  pos.forEach((p, i) => {
    if (required(p)) kmin = i + 1;
  });
  const ret = (k) => returnType(typeof op.returns === 'function' ? op.returns(k + offset) : op.returns ?? 'Tensor');
  const decl = (p) => `${ident(p.camel)}: ${paramType(p)}`;
  const lines = [];
  for (let k = kmin; k <= pos.length; k++) {
    const opts = optionsType([...pos.slice(k), ...kw], out);
    lines.push(`(${[...pos.slice(0, k).map(decl), ...(opts ? [`options?: ${opts}`] : [])].join(', ')}): ${ret(k)}`);
  }
  const last = pos[pos.length - 1];
  if (last && last.type === 'int[]' && !last.fixedLen) {
    const head = pos.slice(0, -1).map(decl);
    const spread = `...${ident(last.camel)}: number[]`;
    lines.push(`(${[...head, spread].join(', ')}): ${ret(pos.length)}`);
    const opts = optionsType(kw, out);
    if (opts) lines.push(`(...args: [${[...head, spread, `options: ${opts}`].join(', ')}]): ${ret(pos.length)}`);
  }
  return lines;
}

/**
 * The doc comment of each op, by op name: the comment above an `export const` in
 * ts/ops or ts/random whose initializer declares the op (`defineOp({ name: 'add'`,
 * `floatOp('exp'`, ...).
 */
export function harvestDocs(dir) {
  const docs = new Map();
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && p !== output) {
        const src = readFileSync(p, 'utf8');
        const re = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*\nexport const \w+(?::[^=]+)? = \w+(?:<[^(]*>)?\(\{?\s*(?:name:\s*)?'([\w.]+)'/g;
        for (const m of src.matchAll(re)) {
          const lines = m[1].split('\n').map((l) => l.replace(/^\s*(\* ?)?/, '').trimEnd());
          while (lines.length && !lines[0].trim()) lines.shift();
          while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
          if (!docs.has(m[2])) docs.set(m[2], lines);
        }
      }
    }
  };
  for (const sub of ['ops', 'random']) walk(join(dir, sub));
  return docs;
}

const jsdoc = (lines, indent) =>
  !lines?.length ? '' : lines.length === 1 ? `${indent}/** ${lines[0]} */\n` : `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`).join('\n')}\n${indent} */\n`;

/** An interface member: one call signature per overload, the doc on the first. */
function member(key, sigs, doc) {
  return sigs.map((sig, i) => `${i === 0 ? jsdoc(doc, '  ') : ''}  ${key}${sig};`).join('\n');
}

/** The function type of an op's torch.* form: its overloads as one call-signature type. */
const fnType = (sigs) => `{\n${sigs.map((sig) => `    ${sig};`).join('\n')}\n  }`;

/** The generated file from a loaded torch module and the docs. */
export function render(torch, docs) {
  const fnMembers = [];
  const methodMembers = [];
  const sorted = [...torch._ops.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const op of sorted) {
    const name = camel(op.name);
    const doc = docs.get(op.name);
    if (op.fn !== false) {
      fnMembers.push(`${jsdoc(doc, '  ')}  ${/^\w+$/.test(op.name) ? op.name : `'${op.name}'`}: ${fnType(overloads(op.params, op, { out: !!op.out }))};`);
    }
    const isMethod = op.method ?? op.params[0]?.name === 'self';
    for (const n of [name, ...(op.aliases ?? []).map(camel)]) {
      const what = n === name ? doc : [`Alias of {@link TensorOps.${name}}.`];
      if (isMethod) methodMembers.push(member(n, overloads(op.params.slice(1), op, { out: !!op.out, offset: 1 }), what));
      if (op.inplace) {
        const inplace = { ...op, returns: 'Tensor' };
        methodMembers.push(member(`${n}_`, overloads(op.params.slice(1), inplace, { out: false, offset: 1 }), [`In place: {@link TensorOps.${n}} written into this tensor, which is returned.`]));
      }
    }
  }
  return `// Generated by scripts/gen_types.mjs from the op schemas (each defineOp's sig, returns
// and aliases) and the doc comments in ts/: do not edit; rebuild and rerun the script.

import type { Tensor, Scalar } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../random/generator.js';

/** The type of each op's torch.* function, by op name (what defineOp returns). Positional
 * arguments keep PyTorch's order; the others go by name in a trailing options object. */
export interface TorchOps {
${fnMembers.join('\n')}
}

/** The Tensor methods and in-place forms the ops install (x.add(y), x.add_(y), ...). */
export interface TensorOps {
${methodMembers.join('\n')}
}

declare module '../tensor/tensor.js' {
  interface Tensor extends TensorOps {}
}
`;
}

export async function generate() {
  const torch = await import(pathToFileURL(`${root}dist/index.js`).href);
  return render(torch, harvestDocs(`${root}ts`));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await generate();
  if (process.argv.includes('--check')) {
    if (readFileSync(output, 'utf8') !== text) {
      console.error('ts/ops/signatures.ts is stale: run ./build.sh, then node scripts/gen_types.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(output, text);
  }
}
