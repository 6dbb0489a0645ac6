// Python's float formatting ('{:.Nf}', '{:.Ne}', str(tuple)) reproduced exactly.
// Python rounds the double's exact binary value half-to-even; JS toFixed/toExponential
// break exact ties upwards (2.5.toFixed(0) is '3', Python gives '2'), so the digits
// are computed here with BigInt arithmetic on the exact value m * 2^e.

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** x = (-1)^neg * num / den exactly (x finite). */
function exactRatio(x: number): { neg: boolean; num: bigint; den: bigint } {
  f64[0] = x;
  const bits = u64[0];
  const neg = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const mant = biased === 0 ? frac : frac | 0x10000000000000n;
  const exp = (biased === 0 ? 1 : biased) - 1075;
  return exp >= 0 ? { neg, num: mant << BigInt(exp), den: 1n } : { neg, num: mant, den: 1n << BigInt(-exp) };
}

/** round(num / den) with ties to even (num, den >= 0). */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twice = 2n * (num - q * den);
  if (twice > den || (twice === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/** Python's '{:.{precision}f}'.format(x). */
export function formatFixed(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const { neg, num, den } = exactRatio(x);
  const digits = roundHalfEven(num * pow10(precision), den).toString().padStart(precision + 1, '0');
  const body = precision === 0 ? digits : `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
  return neg ? `-${body}` : body;
}

/** Python's '{:.{precision}e}'.format(x): one digit, '.', precision digits, e±XX. */
export function formatExp(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const { neg, num, den } = exactRatio(x);
  let exponent = 0;
  let digits = 0n;
  if (num !== 0n) {
    // sign of |x| - 10^k, exactly
    const compare = (k: number): number => {
      const a = k >= 0 ? num : num * pow10(-k);
      const b = k >= 0 ? den * pow10(k) : den;
      return a < b ? -1 : a > b ? 1 : 0;
    };
    exponent = Math.floor(Math.log10(Math.abs(x)));
    while (compare(exponent) < 0) exponent--;
    while (compare(exponent + 1) >= 0) exponent++;
    const shift = precision - exponent;
    digits = shift >= 0 ? roundHalfEven(num * pow10(shift), den) : roundHalfEven(num, den * pow10(-shift));
    if (digits === pow10(precision + 1)) {
      // 9.99995 rounds up to 10.0000: renormalise to 1.0000e+01
      digits = pow10(precision);
      exponent++;
    }
  }
  const s = digits.toString().padStart(precision + 1, '0');
  const mantissa = precision === 0 ? s : `${s[0]}.${s.slice(1)}`;
  const exp = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${neg ? '-' : ''}${mantissa}e${exp}`;
}

/** Python's str(tuple(shape)): (2, 0), (0,), (). */
export function pyTuple(items: readonly number[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}
