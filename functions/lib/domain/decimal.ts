/**
 * Exact decimal arithmetic on canonical decimal strings, so prices, notionals, VWAPs and sums
 * never pass through a binary float on their way to storage.
 *
 * Canonical form: optional `-`, integer part without leading zeros (`0` when it is zero),
 * fraction without trailing zeros, no `.` when there is no fraction, no exponent, and zero is
 * always `"0"` (never `-0`). Examples: `"0.50"` → `"0.5"`, `"007"` → `"7"`, `".5"` → `"0.5"`.
 *
 * The string helpers (`add`, `mul`, `divRound`, ...) use BigInt scaled integers and have no size
 * limit. The per-row hot path uses {@link scanPrice} and {@link formatUnits}, which stay on plain
 * numbers while the scaled value fits in 2^53.
 *
 * @example
 * add('0.1', '0.2');               // '0.3'
 * mul('12345.6789', 1000000);      // '12345678900'
 * divRound('10', '3', 8);          // '3.33333333'
 */
import { DecimalDivisionByZeroError, InvalidDecimalError } from './errors';

/** Most significant digits a price may carry (after removing leading/trailing zeros). */
export const PRICE_MAX_SIGNIFICANT_DIGITS = 18;
/** Most fraction digits a price may carry (after removing trailing zeros). */
export const PRICE_MAX_SCALE = 8;

/** A decimal as `int / 10^scale`. */
interface Scaled {
  readonly int: bigint;
  readonly scale: number;
}

const BIG_TEN_POWERS: bigint[] = [];
function bigPow10(n: number): bigint {
  // Cached: scales are small and repeat constantly in bar/summary arithmetic.
  let p = BIG_TEN_POWERS[n];
  if (p === undefined) {
    p = 10n ** BigInt(n);
    if (n < 64) BIG_TEN_POWERS[n] = p;
  }
  return p;
}

/**
 * Parses a plain decimal (optional sign, digits, optional fraction; `.5` and `5.` allowed; no
 * exponent, no spaces) into a scaled integer, or `undefined` when it is not one.
 */
function toScaled(text: string): Scaled | undefined {
  const len = text.length;
  let i = 0;
  let negative = false;
  const c0 = text.charCodeAt(0);
  if (c0 === 45 /* - */ || c0 === 43 /* + */) {
    negative = c0 === 45;
    i = 1;
  }
  let fracDigits = '';
  const intStart = i;
  while (i < len && isDigit(text.charCodeAt(i))) i++;
  const intDigits = text.slice(intStart, i);
  if (i < len && text.charCodeAt(i) === 46 /* . */) {
    const fracStart = ++i;
    while (i < len && isDigit(text.charCodeAt(i))) i++;
    fracDigits = text.slice(fracStart, i);
  }
  if (i !== len || intDigits.length + fracDigits.length === 0) return undefined;
  const int = BigInt(intDigits + fracDigits || '0');
  return { int: negative ? -int : int, scale: fracDigits.length };
}

function mustScale(text: string): Scaled {
  if (typeof text !== 'string') throw new InvalidDecimalError(String(text), 'expected a string');
  const scaled = toScaled(text);
  if (scaled === undefined) throw new InvalidDecimalError(text, 'expected digits with an optional fraction');
  return scaled;
}

/** Formats `int / 10^scale` canonically. */
export function formatScaled(int: bigint, scale: number): string {
  if (int === 0n) return '0';
  const negative = int < 0n;
  let digits = (negative ? -int : int).toString();
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    const cut = digits.length - scale;
    let end = digits.length;
    while (end > cut && digits.charCodeAt(end - 1) === 48) end--;
    digits = end === cut ? digits.slice(0, cut) : `${digits.slice(0, cut)}.${digits.slice(cut, end)}`;
  }
  return negative ? `-${digits}` : digits;
}

/**
 * Formats a non-negative safe integer `units / 10^scale` canonically without BigInt.
 * Hot path: used per row for notionals, mids and spreads.
 */
export function formatUnits(units: number, scale: number): string {
  if (units === 0) return '0';
  // Trailing fraction zeros are stripped arithmetically (exact: units is a safe integer).
  while (scale > 0 && units % 10 === 0) {
    units /= 10;
    scale--;
  }
  if (scale === 0) return '' + units;
  const unit = TEN_POWERS[scale];
  const whole = Math.floor(units / unit);
  const fraction = units - whole * unit;
  return `${whole}.${scale <= 4 ? FRACTION_DIGITS[scale][fraction] : ('' + fraction).padStart(scale, '0')}`;
}

const TEN_POWERS = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
/**
 * Zero-padded fraction digits by scale (1-4: cents, mids, spreads in bps), so the common cases
 * format without number-to-string and padding allocations (~11k short strings, built once).
 */
const FRACTION_DIGITS: string[][] = [[], pad(10, 1), pad(100, 2), pad(1000, 3), pad(10000, 4)];
function pad(count: number, width: number): string[] {
  return Array.from({ length: count }, (_, i) => `${i}`.padStart(width, '0'));
}

/** Canonical form of a plain decimal string, or `undefined` when it is not one. */
export function parseDecimal(text: string): string | undefined {
  if (typeof text !== 'string') return undefined;
  const scaled = toScaled(text);
  return scaled === undefined ? undefined : formatScaled(scaled.int, scaled.scale);
}

/** Canonical form of a plain decimal string; throws {@link InvalidDecimalError} otherwise. */
export function canonical(text: string): string {
  const scaled = mustScale(text);
  return formatScaled(scaled.int, scaled.scale);
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.int, b.int, a.scale];
  if (a.scale > b.scale) return [a.int, b.int * bigPow10(a.scale - b.scale), a.scale];
  return [a.int * bigPow10(b.scale - a.scale), b.int, b.scale];
}

/** `a + b`, exact. */
export function add(a: string, b: string): string {
  const [x, y, scale] = align(mustScale(a), mustScale(b));
  return formatScaled(x + y, scale);
}

/** `a − b`, exact. */
export function sub(a: string, b: string): string {
  const [x, y, scale] = align(mustScale(a), mustScale(b));
  return formatScaled(x - y, scale);
}

/** `a × b`, exact; `b` may be a decimal string or a safe integer (e.g. a size). */
export function mul(a: string, b: string | number): string {
  const x = mustScale(a);
  if (typeof b === 'number') {
    if (!Number.isSafeInteger(b)) throw new InvalidDecimalError(String(b), 'multiplier must be a safe integer');
    return formatScaled(x.int * BigInt(b), x.scale);
  }
  const y = mustScale(b);
  return formatScaled(x.int * y.int, x.scale + y.scale);
}

/** Sign of `a − b`: -1, 0 or 1. */
export function compare(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = align(mustScale(a), mustScale(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * `a / b` rounded half-even to `scale` fraction digits (then written canonically, so
 * `divRound('1', '4', 8)` is `'0.25'`). Throws {@link DecimalDivisionByZeroError} when `b` is 0.
 */
export function divRound(a: string, b: string, scale: number): string {
  if (!Number.isInteger(scale) || scale < 0 || scale > 100) {
    throw new RangeError(`divRound scale must be an integer 0..100, got ${scale}`);
  }
  const x = mustScale(a);
  const y = mustScale(b);
  if (y.int === 0n) throw new DecimalDivisionByZeroError();
  // a/b·10^scale = x.int·10^(y.scale+scale) / (y.int·10^x.scale)
  let num = x.int * bigPow10(y.scale + scale);
  let den = y.int * bigPow10(x.scale);
  const negative = num < 0n !== den < 0n;
  if (num < 0n) num = -num;
  if (den < 0n) den = -den;
  return formatScaled(roundHalfEven(num, den, negative), scale);
}

/** `num/den` (both ≥ 0) rounded half-even, with the sign applied. */
export function roundHalfEven(num: bigint, den: bigint, negative: boolean): bigint {
  let q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  return negative ? -q : q;
}

// ---------------------------------------------------------------------------------------------
// Hot path: prices scanned straight out of the input text.
// ---------------------------------------------------------------------------------------------

/** Outcome of {@link scanPrice}. */
export enum PriceScan {
  Ok = 0,
  NotANumber = 1,
  Exponent = 2,
  NonFinite = 3,
  NotPositive = 4,
  TooManyDigits = 5,
  ScaleTooLarge = 6,
}

/** Output slot of {@link scanPrice}; one instance is reused for every row. */
export interface ScannedPrice {
  /** Canonical decimal string. */
  text: string;
  /** `value × 10^scale` when it is below 10^15 (exact as a number), else -1. */
  units: number;
  /** Fraction digits of the canonical form. */
  scale: number;
}

/** Creates a reusable {@link ScannedPrice}. */
export function newScannedPrice(): ScannedPrice {
  return { text: '', units: 0, scale: 0 };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Scans a price in `src[start, end)` (already trimmed) into `out` without allocating unless the
 * text needs rewriting to canonical form. A price is a plain decimal > 0 with at most
 * {@link PRICE_MAX_SIGNIFICANT_DIGITS} significant digits and {@link PRICE_MAX_SCALE} decimals.
 */
export function scanPrice(src: string, start: number, end: number, out: ScannedPrice): PriceScan {
  const c = src.charCodeAt(start);
  if (c === 45 /* - */ || c === 43 /* + */) {
    const rest = scanUnsigned(src, start + 1, end, out);
    if (rest === PriceScan.Ok || rest === PriceScan.NotPositive)
      return c === 45 ? PriceScan.NotPositive : PriceScan.NotANumber;
    return rest;
  }
  return scanUnsigned(src, start, end, out);
}

function scanUnsigned(src: string, start: number, end: number, out: ScannedPrice): PriceScan {
  let i = start;
  // Leading zeros are not significant.
  while (i < end && src.charCodeAt(i) === 48) i++;
  const intStart = i;
  // Digits are accumulated while scanning; `units` is only used when they fit (≤ 15 digits).
  let units = 0;
  let d: number;
  while (i < end && (d = src.charCodeAt(i) - 48) >= 0 && d <= 9) {
    units = units * 10 + d;
    i++;
  }
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  let hasDot = false;
  if (i < end && src.charCodeAt(i) === 46) {
    hasDot = true;
    fracStart = ++i;
    while (i < end && (d = src.charCodeAt(i) - 48) >= 0 && d <= 9) {
      units = units * 10 + d;
      i++;
    }
    fracEnd = i;
  }
  if (i !== end) return classifyNonNumeric(src, start, end, i);
  if (intStart === start && intEnd === intStart && fracEnd === fracStart) return PriceScan.NotANumber; // "", "."
  // Trailing fraction zeros are not significant.
  let fracSig = fracEnd;
  while (fracSig > fracStart && src.charCodeAt(fracSig - 1) === 48) fracSig--;
  const intDigits = intEnd - intStart;
  const scale = fracSig - fracStart;
  if (intDigits === 0) {
    let firstSig = fracStart;
    while (firstSig < fracSig && src.charCodeAt(firstSig) === 48) firstSig++;
    if (firstSig === fracSig) return PriceScan.NotPositive;
    if (fracSig - firstSig > PRICE_MAX_SIGNIFICANT_DIGITS) return PriceScan.TooManyDigits;
  } else if (intDigits + scale > PRICE_MAX_SIGNIFICANT_DIGITS) {
    return PriceScan.TooManyDigits;
  }
  if (scale > PRICE_MAX_SCALE) return PriceScan.ScaleTooLarge;

  if (intDigits + (fracEnd - fracStart) <= 15) {
    // Drop the trailing zeros that were accumulated (exact: still below 10^15).
    for (let z = fracEnd - fracSig; z > 0; z--) units /= 10;
    out.units = units;
  } else {
    out.units = -1;
  }
  out.scale = scale;
  // Reuse the input text when it is already canonical (the common case), else rebuild it.
  const canonicalAsIs =
    fracSig === fracEnd &&
    (scale > 0 || !hasDot) &&
    (intDigits > 0 ? intStart === start : intStart === start + 1 && hasDot);
  if (canonicalAsIs) {
    out.text = src.slice(start, end);
  } else {
    const intPart = intDigits > 0 ? src.slice(intStart, intEnd) : '0';
    out.text = scale > 0 ? `${intPart}.${src.slice(fracStart, fracSig)}` : intPart;
  }
  return PriceScan.Ok;
}

function classifyNonNumeric(src: string, start: number, end: number, at: number): PriceScan {
  const c = src.charCodeAt(at) | 0x20;
  if (c === 101 /* e */ && at > start) return PriceScan.Exponent;
  const word = src.slice(start, end).toLowerCase();
  if (word === 'nan' || word === 'infinity' || word === 'inf') return PriceScan.NonFinite;
  return PriceScan.NotANumber;
}
