/**
 * Enrichment of a valid row: minute bucket and session (cached per epoch minute), trade
 * notional, quote mid / spread / spread in bps, all exact.
 *
 * Each computation has a fast path on plain numbers (used while the scaled integers stay safe)
 * and an exact BigInt path through `decimal.ts`; both give identical strings, which the tests
 * check on random inputs.
 */
import { add, compare, divRound, formatUnits, mul, sub, type ScannedPrice } from './decimal';
import { marketSession } from './session';
import { formatMinutePrefix } from './timestamps';
import type { MarketSession } from './types';

/** What every row in one UTC minute shares. */
export interface MinuteInfo {
  /** Epoch ms of the minute start. */
  readonly minuteMs: number;
  /** `YYYY-MM-DDTHH:MM:` (a timestamp is this plus `SS.mmmZ`). */
  readonly prefix: string;
  /** `YYYY-MM-DDTHH:MM:00.000Z`. */
  readonly key: string;
  readonly session: MarketSession;
}

/** Computes the {@link MinuteInfo} of `epochMs` (uncached). */
export function minuteInfo(epochMs: number): MinuteInfo {
  const minuteMs = Math.floor(epochMs / 60000) * 60000;
  const prefix = formatMinutePrefix(minuteMs);
  return { minuteMs, prefix, key: `${prefix}00.000Z`, session: marketSession(minuteMs) };
}

const CACHE_SLOTS = 4096; // power of two: a day and a half of distinct minutes per file fits.

/**
 * Direct-mapped cache of {@link MinuteInfo} by epoch minute. Market data arrives roughly in
 * time order, so nearly every row hits; a miss costs one date formatting and session lookup.
 */
export class MinuteCache {
  private readonly entries = new Array<MinuteInfo | undefined>(CACHE_SLOTS).fill(undefined);

  /** Minute info of `epochMs`. */
  get(epochMs: number): MinuteInfo {
    const minute = Math.floor(epochMs / 60000);
    const slot = minute & (CACHE_SLOTS - 1);
    let entry = this.entries[slot];
    if (entry === undefined || entry.minuteMs !== minute * 60000) {
      entry = minuteInfo(epochMs);
      this.entries[slot] = entry;
    }
    return entry;
  }
}

// Copied once: CommonJS transpilers make each use of an imported binding a getter call.
const formatUnitsHot = formatUnits;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const SAFE = Number.MAX_SAFE_INTEGER;
/** Fast-path bound for integer division: keeps `q × divisor` exact even when `q` is off by one. */
const DIVISION_SAFE = 2 ** 51;

/** Exact `price × size` of a trade. */
export function tradeNotional(price: ScannedPrice, size: number): string {
  if (price.units >= 0) {
    const product = price.units * size;
    if (product <= SAFE) return formatUnitsHot(product, price.scale);
  }
  return mul(price.text, size);
}

/** Exact `price × size` from a canonical price string. */
export function notionalOf(price: string, size: number): string {
  return mul(price, size);
}

/** Mid, spread and spread in basis points of a quote. */
export interface QuoteMetrics {
  mid: string;
  spread: string;
  spreadBps: string;
}

/** Creates a reusable {@link QuoteMetrics} output slot. */
export function newQuoteMetrics(): QuoteMetrics {
  return { mid: '', spread: '', spreadBps: '' };
}

/**
 * Exact quote metrics from canonical strings (BigInt path; also the reference the fast path is
 * tested against). `spreadBps` = spread / mid × 10 000, half-even to 4 decimals, "0" when mid is 0.
 */
export function quoteMetricsOf(bid: string, ask: string): QuoteMetrics {
  const sum = add(bid, ask);
  const scale = Math.max(fractionDigits(bid), fractionDigits(ask)) + 1;
  const mid = divRound(sum, '2', scale);
  const spread = sub(ask, bid);
  const spreadBps = compare(mid, '0') === 0 ? '0' : divRound(mul(spread, 10000), mid, 4);
  return { mid, spread, spreadBps };
}

function fractionDigits(decimal: string): number {
  const dot = decimal.indexOf('.');
  return dot < 0 ? 0 : decimal.length - dot - 1;
}

/** Sign of `bid − ask` for scanned prices: 1 means a crossed quote. */
export function compareScanned(bid: ScannedPrice, ask: ScannedPrice): -1 | 0 | 1 {
  if (bid.units >= 0 && ask.units >= 0) {
    const scale = bid.scale > ask.scale ? bid.scale : ask.scale;
    const b = bid.units * POW10[scale - bid.scale];
    const a = ask.units * POW10[scale - ask.scale];
    if (b <= SAFE && a <= SAFE) return b < a ? -1 : b > a ? 1 : 0;
  }
  return compare(bid.text, ask.text);
}

/** Writes exact mid, spread and spread in bps of a non-crossed quote into `out`. */
export function quoteMetrics(bid: ScannedPrice, ask: ScannedPrice, out: QuoteMetrics): void {
  if (bid.units >= 0 && ask.units >= 0) {
    const scale = bid.scale > ask.scale ? bid.scale : ask.scale;
    const b = bid.units * POW10[scale - bid.scale];
    const a = ask.units * POW10[scale - ask.scale];
    const sum = a + b;
    const spread = a - b;
    // spreadBps·10^4 = spread / (sum/2) · 10^4 · 10^4 = 2·spread·10^8 / sum
    const numerator = spread * 2e8;
    if (sum * 5 <= SAFE && numerator <= DIVISION_SAFE && spread >= 0) {
      out.mid = sum % 2 === 0 ? formatUnitsHot(sum / 2, scale) : formatUnitsHot(sum * 5, scale + 1);
      out.spread = formatUnitsHot(spread, scale);
      out.spreadBps = formatUnitsHot(divideHalfEven(numerator, sum), 4);
      return;
    }
  }
  const exact = quoteMetricsOf(bid.text, ask.text);
  out.mid = exact.mid;
  out.spread = exact.spread;
  out.spreadBps = exact.spreadBps;
}

/** `n / d` rounded half-even, for non-negative integers with `n` ≤ 2^51 and `d` > 0. */
function divideHalfEven(n: number, d: number): number {
  let q = Math.floor(n / d);
  let r = n - q * d;
  // Float division may be one off; correct with the exact remainder.
  if (r < 0) {
    q -= 1;
    r += d;
  } else if (r >= d) {
    q += 1;
    r -= d;
  }
  const twice = r * 2;
  if (twice > d || (twice === d && q % 2 === 1)) q += 1;
  return q;
}
