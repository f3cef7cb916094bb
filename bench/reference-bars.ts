/**
 * Minute bars computed independently of the pipeline (plain BigInt arithmetic, none of its
 * decimal or bar code): the yardstick the integration tests and the local day check hold the
 * stored bars against. Streaming: trades are added one at a time and only the running aggregate
 * of each (symbol, minute) is kept, so a day of millions of trades fits in memory.
 */
import type { MinuteBar } from '../functions/lib/domain/types';

/** One trade, as written in the input. */
export interface ReferenceTrade {
  readonly symbol: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly timestamp: string;
  /** Plain decimal text. */
  readonly price: string;
  readonly size: number;
  /** Breaks ties between trades at the same millisecond (open: smallest, close: largest). */
  readonly recordId?: string;
}

/** Scale of the fixed-point arithmetic: 8 decimals covers prices and vwap. */
const SCALE = 8;

function toScaled(decimal: string): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  return BigInt(whole + fraction.padEnd(SCALE, '0').slice(0, SCALE));
}

function fromScaled(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(SCALE + 1, '0');
  const text = `${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`.replace(/\.?0+$/, '');
  return negative ? `-${text}` : text;
}

/** A decimal string as DynamoDB stores numbers (no trailing zeros). */
export function canonicalDecimal(decimal: string): string {
  return fromScaled(toScaled(decimal));
}

/** A bar with every decimal field canonical (to compare bars read back from the table). */
export function canonicalBar(bar: MinuteBar): MinuteBar {
  return {
    ...bar,
    open: canonicalDecimal(bar.open),
    high: canonicalDecimal(bar.high),
    low: canonicalDecimal(bar.low),
    close: canonicalDecimal(bar.close),
    vwap: canonicalDecimal(bar.vwap),
    notional: canonicalDecimal(bar.notional),
  };
}

interface Aggregate {
  openAt: number;
  openId: string;
  open: bigint;
  closeAt: number;
  closeId: string;
  close: bigint;
  high: bigint;
  low: bigint;
  volume: bigint;
  notional: bigint;
  trades: number;
}

/** Running bars of the trades added so far. */
export class ReferenceBars {
  private readonly aggregates = new Map<string, Aggregate>();

  /** Number of trades added. */
  trades = 0;

  add(trade: ReferenceTrade): void {
    const minute = `${trade.timestamp.slice(0, 16)}:00.000Z`;
    const key = `${trade.symbol}|${minute}`;
    const at = Date.parse(trade.timestamp);
    const id = trade.recordId ?? '';
    const price = toScaled(trade.price);
    const size = BigInt(trade.size);
    this.trades++;
    const bar = this.aggregates.get(key);
    if (!bar) {
      this.aggregates.set(key, {
        openAt: at,
        openId: id,
        open: price,
        closeAt: at,
        closeId: id,
        close: price,
        high: price,
        low: price,
        volume: size,
        notional: price * size,
        trades: 1,
      });
      return;
    }
    if (at < bar.openAt || (at === bar.openAt && id < bar.openId))
      Object.assign(bar, { openAt: at, openId: id, open: price });
    if (at > bar.closeAt || (at === bar.closeAt && id > bar.closeId))
      Object.assign(bar, { closeAt: at, closeId: id, close: price });
    if (price > bar.high) bar.high = price;
    if (price < bar.low) bar.low = price;
    bar.volume += size;
    bar.notional += price * size;
    bar.trades++;
  }

  /** The bars, sorted by symbol then minute, decimals canonical; vwap rounded half-even to 8 decimals. */
  bars(): MinuteBar[] {
    const bars: MinuteBar[] = [];
    for (const [key, bar] of this.aggregates) {
      const [symbol, minute] = key.split('|');
      // notional carries scale 8; vwap = notional / volume at scale 8, rounded half-even.
      const quotient = bar.notional / bar.volume;
      const twice = (bar.notional % bar.volume) * 2n;
      const vwap = twice > bar.volume || (twice === bar.volume && quotient % 2n === 1n) ? quotient + 1n : quotient;
      bars.push({
        symbol,
        minute,
        open: fromScaled(bar.open),
        high: fromScaled(bar.high),
        low: fromScaled(bar.low),
        close: fromScaled(bar.close),
        volume: Number(bar.volume),
        trades: bar.trades,
        vwap: fromScaled(vwap),
        notional: fromScaled(bar.notional),
      });
    }
    return bars.sort((a, b) =>
      a.symbol === b.symbol ? a.minute.localeCompare(b.minute) : a.symbol < b.symbol ? -1 : 1,
    );
  }
}

/** The bars of `trades`. */
export function referenceBars(trades: Iterable<ReferenceTrade>): MinuteBar[] {
  const reference = new ReferenceBars();
  for (const trade of trades) reference.add(trade);
  return reference.bars();
}

/** How two bar lists differ (both compared with canonical decimals). */
export interface BarDifferences {
  /** Bars expected but not found. */
  readonly missing: number;
  /** Bars found but not expected. */
  readonly unexpected: number;
  /** Bars found with a different value in some field. */
  readonly different: number;
  /** Up to 5 examples, `symbol minute: field expected → found`. */
  readonly examples: readonly string[];
}

/** Compares `found` (read from the table) with `expected` (a reference). */
export function barDifferences(expected: readonly MinuteBar[], found: readonly MinuteBar[]): BarDifferences {
  const key = (bar: MinuteBar): string => `${bar.symbol} ${bar.minute}`;
  const foundByKey = new Map(found.map((bar) => [key(bar), canonicalBar(bar)]));
  const examples: string[] = [];
  let missing = 0;
  let different = 0;
  for (const bar of expected) {
    const actual = foundByKey.get(key(bar));
    foundByKey.delete(key(bar));
    if (!actual) {
      missing++;
      if (examples.length < 5) examples.push(`${key(bar)}: missing`);
      continue;
    }
    const want = canonicalBar(bar);
    const field = (Object.keys(want) as (keyof MinuteBar)[]).find((name) => want[name] !== actual[name]);
    if (field) {
      different++;
      if (examples.length < 5) examples.push(`${key(bar)}: ${field} ${want[field]} → ${actual[field]}`);
    }
  }
  for (const extra of foundByKey.keys()) if (examples.length < 5) examples.push(`${extra}: unexpected`);
  return { missing, unexpected: foundByKey.size, different, examples };
}
