/**
 * Exact minute bars as a pure function of a minute's trades. Bars are always recomputed from
 * the stored trades (never incremented), so arrival order, replays and duplicates cannot change
 * the result: the same set of trades gives the same bar.
 */
import { add, compare, divRound, mul } from './decimal';
import type { BarTrade } from '../store/items';
import type { MinuteBar } from './types';

/** Fraction digits of the VWAP (rounded half-even). */
export const VWAP_SCALE = 8;

/** Orders trades by time, then recordId (the tie-break the data contract fixes). */
function earlier(a: BarTrade, b: BarTrade): boolean {
  return a.epochMs < b.epochMs || (a.epochMs === b.epochMs && a.recordId < b.recordId);
}

/**
 * The bar of `trades` in (symbol, minute), or undefined when there are none.
 * Trades repeated with the same recordId count once (they are the same stored item).
 *
 * open = earliest trade (ties: smallest recordId); close = latest (ties: largest recordId);
 * volume = Σ size; notional = Σ price·size (exact); vwap = notional / volume, half-even 8 dp.
 *
 * @example
 * computeBar('AAPL', '2024-03-01T14:30:00.000Z', [{ recordId: 'a', epochMs: 1, price: '10', size: 2 }]);
 * // { open: '10', high: '10', low: '10', close: '10', volume: 2, trades: 1, notional: '20', vwap: '10', ... }
 */
export function computeBar(symbol: string, minute: string, trades: readonly BarTrade[]): MinuteBar | undefined {
  const seen = new Set<string>();
  let first: BarTrade | undefined;
  let last: BarTrade | undefined;
  let high = '';
  let low = '';
  let volume = 0;
  let notional = '0';
  for (const trade of trades) {
    if (seen.has(trade.recordId)) continue;
    seen.add(trade.recordId);
    if (!first || earlier(trade, first)) first = trade;
    if (!last || earlier(last, trade)) last = trade;
    if (high === '' || compare(trade.price, high) > 0) high = trade.price;
    if (low === '' || compare(trade.price, low) < 0) low = trade.price;
    volume += trade.size;
    notional = add(notional, mul(trade.price, trade.size));
  }
  if (!first || !last) return undefined;
  return {
    symbol,
    minute,
    open: first.price,
    high,
    low,
    close: last.price,
    volume,
    trades: seen.size,
    notional,
    vwap: volume > 0 ? divRound(notional, String(volume), VWAP_SCALE) : '0',
  };
}

/** True when two bars carry the same values (decimals compared numerically). */
export function sameBar(a: MinuteBar, b: MinuteBar): boolean {
  return (
    a.symbol === b.symbol &&
    a.minute === b.minute &&
    a.volume === b.volume &&
    a.trades === b.trades &&
    compare(a.open, b.open) === 0 &&
    compare(a.high, b.high) === 0 &&
    compare(a.low, b.low) === 0 &&
    compare(a.close, b.close) === 0 &&
    compare(a.notional, b.notional) === 0 &&
    compare(a.vwap, b.vwap) === 0
  );
}

/** What recomputing a minute decided: write this bar, or remove the bar (no trades left). */
export type MinuteBarChange =
  | { readonly kind: 'updated'; readonly bar: MinuteBar }
  | { readonly kind: 'removed'; readonly symbol: string; readonly minute: string };
