#!/usr/bin/env node
// Size profile of a wasm module, twiggy-like: attributes the code section's bytes to
// functions through the name section, and functions to Rust modules (areas).
//
//   node scripts/wasm-size.mjs <file.wasm> [--top N] [--area PREFIX] [--depth D] [--areas]
//
// Give it a module that still has its name section: the raw cargo output
// (target/wasm-*/wasm32-unknown-unknown/release/torchwasm.wasm), or wasm-opt's output
// with -g (names kept: what ships, same inlining). --areas prints the per-area table
// of the README (kernel families by crate file). Gzip per area is the
// area's function bodies compressed on their own: a guide, not an exact split.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
if (!file) {
  console.error('usage: node scripts/wasm-size.mjs <file.wasm> [--top N] [--area PREFIX] [--depth D]');
  process.exit(2);
}
const top = Number(opt('--top', 25));
const depth = Number(opt('--depth', 3));
const areaFilter = opt('--area', null);
const bytes = readFileSync(file);

// --- wasm sections ------------------------------------------------------------------
let pos = 0;
const u32 = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return result;
  }
};
const str = () => {
  const n = u32();
  const s = bytes.subarray(pos, pos + n).toString('utf8');
  pos += n;
  return s;
};
pos = 8;
const sections = [];
let importedFuncs = 0;
const bodies = []; // [start, end) of each defined function's body
const names = new Map();
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = u32();
  const start = pos;
  const end = pos + size;
  let name = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'][id] ?? `id${id}`;
  if (id === 0) name = `custom "${str()}"`;
  sections.push({ name, size: end - start + 1 + Math.ceil(Math.log2(size + 1) / 7) });
  if (id === 2) {
    for (let n = u32(), i = 0; i < n; i++) {
      str();
      str();
      const kind = bytes[pos++];
      if (kind === 0) { importedFuncs++; u32(); }
      else if (kind === 1) { pos++; const f = u32(); u32(); if (f & 1) u32(); }
      else if (kind === 2) { const f = u32(); u32(); if (f & 1) u32(); }
      else if (kind === 3) pos += 2;
    }
  } else if (id === 10) {
    for (let n = u32(), i = 0; i < n; i++) {
      const len = u32();
      bodies.push([pos, pos + len]);
      pos += len;
    }
  } else if (name === 'custom "name"') {
    while (pos < end) {
      const sub = bytes[pos++];
      const subEnd = u32() + pos;
      if (sub === 1) for (let n = u32(), i = 0; i < n; i++) names.set(u32(), str());
      pos = subEnd;
    }
  }
  pos = end;
}

// --- names -> Rust paths ---------------------------------------------------------------
// rustc emits v0-mangled names (_R...); llvm-cxxfilt demangles them when installed.
function demangleAll(list) {
  for (const tool of ['llvm-cxxfilt-22', 'llvm-cxxfilt']) {
    try {
      const out = execFileSync(tool, [], { input: list.join('\n'), maxBuffer: 1 << 28 }).toString().split('\n');
      if (out.length >= list.length) return out.slice(0, list.length);
    } catch { /* try the next one */ }
  }
  return list;
}
const indices = [...bodies.keys()];
const rawNames = indices.map((i) => names.get(i + importedFuncs) ?? `func[${i + importedFuncs}]`);
const pretty = demangleAll(rawNames);

/** The module path a function is accounted to: its own path, or for a generic function
 *  of core/alloc/std instantiated on one of our types, our type's module. */
function area(name) {
  const strip = name.replace(/::h[0-9a-f]{16}$/, '');
  const own = strip.match(/torchwasm(::[A-Za-z_][A-Za-z0-9_]*)*/);
  const head = strip.replace(/^<+/, '').match(/^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*/);
  let path = head ? head[0] : strip;
  if (!path.startsWith('torchwasm') && own && /^(core|alloc|std)\b/.test(path)) path = own[0];
  const parts = path.split('::');
  // Keep the crate and D-1 module levels, dropping the function's own name.
  const mods = parts.length > 1 ? parts.slice(0, -1) : parts;
  return mods.slice(0, depth).join('::') || path;
}

// Exported C ABI functions keep their plain names: attribute them to their abi/ file.
const crateDir = new URL('../crate/src/', import.meta.url);
const abiModule = new Map();
for (const f of readdirSync(new URL('abi/', crateDir))) {
  const text = readFileSync(new URL(`abi/${f}`, crateDir), 'utf8');
  for (const m of text.matchAll(/extern "C" fn (\w+)/g)) abiModule.set(m[1], `torchwasm::abi::${f.replace(/\.rs$/, '')}::${m[1]}`);
}
const withPath = (name) => abiModule.get(name) ?? name;

// --areas: the README's table, kernel families by the crate file they live in.
const AREAS = [
  ['elementwise', /::(abi::elementwise|kernels::(binary|unary|ternary|special|fastmath|fastexp|crmath))\b/],
  ['reductions, scans, softmax', /::(abi::reduce|kernels::(reduce|lines|simd_lines))\b/],
  ['copy, cast, fill', /::(abi::memory|kernels::(copy|crc32))\b|::dtype\b/],
  ['gemm, matmul', /::kernels::gemm\b|::abi::linalg::(gemm|matmul)/],
  ['linalg (decompositions, solve)', /::(abi::(linalg|linalg_decomp)|kernels::linalg)\b/],
  ['conv', /::(abi::conv|kernels::(conv|conv_winograd))\b/],
  ['pool, norm, resample', /::(abi::(pool|norm|resample)|kernels::(pool|norm|resample))\b/],
  ['index, gather, scatter, sort', /::(abi::(index|sort)|kernels::(index|sort))\b|::strided\b/],
  ['random', /::(abi::random|kernels::rng\w*)\b/],
  ['std, allocator, libm, panics', /^(std|core|alloc|dlmalloc|compiler_builtins|__|<)|^[a-z0-9_]+$/],
];
const areaOf = (path) => (AREAS.find(([, re]) => re.test(path)) ?? ['other'])[0];

const funcs = indices.map((i) => {
  const [s, e] = bodies[i];
  const name = withPath(pretty[i]);
  return { name, size: e - s, start: s, end: e, area: area(name), family: areaOf(name) };
});
const codeTotal = funcs.reduce((n, f) => n + f.size, 0);
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1).padStart(8);
const pct = (n, d) => `${((100 * n) / d).toFixed(1).padStart(5)}%`;

console.log(`${file}: ${bytes.length} bytes, ${gz(bytes)} gzipped, ${funcs.length} functions`);
console.log('\nsections');
for (const s of sections.sort((a, b) => b.size - a.size)) console.log(`  ${kb(s.size)} KB  ${pct(s.size, bytes.length)}  ${s.name}`);

const byArea = new Map();
for (const f of funcs) {
  const a = byArea.get(f.area) ?? { size: 0, count: 0, funcs: [] };
  a.size += f.size;
  a.count++;
  a.funcs.push(f);
  byArea.set(f.area, a);
}
if (args.includes('--areas')) {
  const fam = new Map();
  for (const f of funcs) {
    const a = fam.get(f.family) ?? [];
    a.push(f);
    fam.set(f.family, a);
  }
  console.log('\n| area | code KB | gzip KB (alone) | share of code |\n|---|---|---|---|');
  for (const [name, fs] of [...fam].sort((x, y) => y[1].reduce((n, f) => n + f.size, 0) - x[1].reduce((n, f) => n + f.size, 0))) {
    const size = fs.reduce((n, f) => n + f.size, 0);
    const gzip = gz(Buffer.concat(fs.map((f) => bytes.subarray(f.start, f.end))));
    console.log(`| ${name} | ${(size / 1024).toFixed(0)} | ${(gzip / 1024).toFixed(0)} | ${((100 * size) / codeTotal).toFixed(0)}% |`);
  }
  process.exit(0);
}
console.log(`\ncode by area (depth ${depth})        raw KB   share   gzip KB  functions`);
for (const [name, a] of [...byArea].sort((x, y) => y[1].size - x[1].size)) {
  if (areaFilter && !name.startsWith(areaFilter)) continue;
  const gzip = gz(Buffer.concat(a.funcs.map((f) => bytes.subarray(f.start, f.end))));
  console.log(`  ${name.padEnd(34)}${kb(a.size)}  ${pct(a.size, codeTotal)}  ${kb(gzip)}  ${String(a.count).padStart(6)}`);
}
console.log(`\nlargest functions${areaFilter ? ` in ${areaFilter}` : ''}`);
for (const f of funcs.filter((f) => !areaFilter || f.area.startsWith(areaFilter)).sort((a, b) => b.size - a.size).slice(0, top)) {
  console.log(`  ${kb(f.size)} KB  ${f.name.length > 150 ? `${f.name.slice(0, 147)}...` : f.name}`);
}
