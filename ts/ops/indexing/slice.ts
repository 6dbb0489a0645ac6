// Python's slice object for JavaScript indexing: torch.slice(start, stop, step) or
// the strings ':', '1:', '::2', '-3:', '1:5:2'. A leaf module (no imports) so that
// views.ts can build torch.slice on it.

export class Slice {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step: number | null = null,
  ) {}
  toString(): string {
    const f = (v: number | null): string => (v === null ? '' : String(v));
    return `${f(this.start)}:${f(this.stop)}${this.step === null ? '' : `:${this.step}`}`;
  }
}

const INT = /^[+-]?\d+$/;

/** The Slice a string like '1:5:2' spells, or null when it is not a slice string. */
export function parseSlice(s: string): Slice | null {
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3) return null;
  const vals: (number | null)[] = [];
  for (const p of parts) {
    const t = p.trim();
    if (t === '') vals.push(null);
    else if (INT.test(t)) vals.push(Number(t));
    else return null;
  }
  return new Slice(vals[0], vals[1], vals[2] ?? null);
}

/** torch.slice(stop) / torch.slice(start, stop[, step]), like Python's slice(). */
export function makeSlice(...args: (number | null | undefined)[]): Slice {
  const norm = (v: number | null | undefined, what: string): number | null => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new TypeError(`slice(): ${what} must be an integer or null, got ${String(v)}`);
    }
    return v;
  };
  if (args.length > 3) throw new TypeError(`slice expected at most 3 arguments, got ${args.length}`);
  if (args.length <= 1) return new Slice(null, norm(args[0], 'stop'), null);
  return new Slice(norm(args[0], 'start'), norm(args[1], 'stop'), norm(args[2], 'step'));
}
