// Arguments for a schema (the parsed params of an op or a torch.nn.functional function):
// a value of the param's type most of the time, chosen by its name when the name says
// what it is (dims, sizes, index tensors, reductions), and now and then a wrong one:
// a hostile value, a missing required argument, an extra positional, an unknown keyword.
import { Gen, hostile } from './values.js';

/** A parsed schema param, as torch._ops entries and functional functions carry them. */
export interface Param {
  name: string;
  camel: string;
  type: string;
  optional: boolean;
  hasDefault: boolean;
  def: unknown;
  kwOnly: boolean;
  fixedLen: number;
}

const DIM_NAMES = /^(dim|dims|dim0|dim1|dim2|source|destination|axis|start_dim|end_dim|dim_a|dim_b)$/;
const SIZE_NAMES = /size|shape|kernel|stride|padding|dilation|repeats|output_padding|chunks|sections|split|groups|^n$|^k$|^m$|steps|num|diagonal|offset|length|upscale|downscale|window/;
const INDEX_NAMES = /index|indices|target|offsets|input_lengths|target_lengths/;

/** A value of `p`'s type, fit to the call's base shape most of the time. */
export function valueFor(p: Param, g: Gen): unknown {
  const r = g.rng;
  if (r.chance(0.07)) return hostile(g);
  if ((p.optional || p.def === null) && r.chance(0.15)) return null;
  const name = p.name;
  switch (p.type) {
    case 'Tensor':
      if (INDEX_NAMES.test(name) && r.chance(0.7)) return g.index(Math.max(1, ...g.shape), r.chance(0.5) ? g.shape : undefined);
      return g.tensor();
    case 'Tensor|Scalar':
      return r.chance(0.6) ? g.tensor() : g.scalar();
    case 'Scalar':
    case 'float':
      return r.chance(0.8) ? Math.round(r.normal() * 100) / 100 : g.scalar();
    case 'int':
      if (DIM_NAMES.test(name)) return g.dim();
      return r.chance(0.8) ? g.size() : g.dim();
    case 'bool':
      return r.chance(0.95) ? r.chance(0.5) : r.pick([0, 1, 'true']);
    case 'str':
      return g.string();
    case 'int[]':
      if (DIM_NAMES.test(name)) return r.chance(0.2) ? g.dim() : g.dims();
      if (SIZE_NAMES.test(name) || p.fixedLen) {
        if (p.fixedLen && r.chance(0.6)) return Array.from({ length: p.fixedLen }, () => (r.chance(0.9) ? r.int(1, 3) : g.size()));
        return r.chance(0.3) ? g.size() : g.sizes();
      }
      return r.chance(0.5) ? g.sizes() : g.dims();
    case 'float[]':
      return r.chance(0.5) ? [r.next() * 3, r.next() * 3] : r.next() * 3;
    case 'bool[]':
      return Array.from({ length: r.int(0, 3) }, () => r.chance(0.5));
    case 'Scalar[]':
      return Array.from({ length: r.int(0, 3) }, () => g.scalar());
    case 'Tensor[]':
    case 'Tensor?[]':
      if (/indices/.test(name)) return Array.from({ length: r.int(1, 2) }, () => g.index(Math.max(1, ...g.shape)));
      return Array.from({ length: r.int(0, 3) }, () => (p.type === 'Tensor?[]' && r.chance(0.2) ? null : g.tensor()));
    case 'ScalarType':
      return g.dtypeArg();
    case 'Generator':
      return r.chance(0.8) ? null : r.pick([{}, 'cpu', 7]);
    case 'Device':
      return r.pick([null, 'cpu', 'cpu', 'cuda', 'meta', 5]);
    case 'Layout':
      return r.pick([null, null, 'strided', 'sparse_coo']);
    case 'MemoryFormat':
      return r.pick([null, 'contiguous_format', 'channels_last', 'preserve_format', 'bogus']);
    default:
      return g.any();
  }
}

/** Positional args and a trailing options object for `params`, with mistakes now and then. */
export function argsFor(params: readonly Param[], g: Gen): unknown[] {
  const r = g.rng;
  const args: unknown[] = [];
  const kw: Record<string, unknown> = {};
  let positional = true;
  for (const p of params) {
    const required = !p.hasDefault && !p.optional;
    if (required && r.chance(0.02)) continue; // missing
    if (!required && r.chance(0.55)) {
      positional = false; // left to its default
      continue;
    }
    const v = valueFor(p, g);
    if (positional && !p.kwOnly && r.chance(0.8)) {
      // size-like lists may be spread as varargs when they come last
      if (p.type === 'int[]' && Array.isArray(v) && v.length > 1 && p === params[params.length - 1] && r.chance(0.3)) args.push(...v);
      else args.push(v);
    } else {
      positional = false;
      kw[r.chance(0.8) ? p.camel : p.name] = v;
    }
  }
  if (r.chance(0.02)) args.push(g.any()); // one too many
  if (r.chance(0.02)) kw[r.pick(['bogus', 'keepDim', 'dims'])] = 1;
  if (Object.keys(kw).length > 0 || r.chance(0.05)) args.push(kw);
  return args;
}
