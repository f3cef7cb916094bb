/**
 * Exact minute bars, maintained incrementally per region and merged by readers.
 *
 * Each region keeps a partial bar of (symbol, minute): the trades whose current version
 * originated in that region. Additive fields (trades, volume, notional) change only by applying
 * stream changes, each exactly once (the partial remembers the last applied stream sequence
 * number). Extremes (open, close, high, low) are max/min merges, so adding a trade twice cannot
 * change them; removing a trade that is one of them marks them stale, and the caller recomputes
 * them from the stored trades (see README, "Minute bars"). A reader merges the partials of every
 * region with {@link mergePartials}: the one merge used by events, summaries, reports and
 * reconciliation.
 */
import { add, compare, divRound, mul, sub } from './decimal';
import type { BarTrade } from '../store/items';
import type { MinuteBar } from './types';

/** Fraction digits of the VWAP (rounded half-even). */
export const VWAP_SCALE = 8;

/** A trade at one end of a minute: the open (earliest) or the close (latest). */
export interface TradePoint {
  readonly epochMs: number;
  readonly recordId: string;
  /** Canonical decimal string. */
  readonly price: string;
}

/** The extremes of a set of trades; undefined when the set is empty. */
export interface BarExtremes {
  readonly open: TradePoint;
  readonly close: TradePoint;
  readonly high: string;
  readonly low: string;
}

/** One region's partial bar of (symbol, minute). */
export interface PartialBar {
  readonly symbol: string;
  readonly minute: string;
  /** The region whose trades it counts (and the only region that writes it). */
  readonly region: string;
  readonly trades: number;
  readonly volume: number;
  /** Σ price·size, exact. */
  readonly notional: string;
  /**
   * Extremes of the counted trades. Absent when there are none, and for a while after a removal
   * when the stored trades were already ahead of the stream (the stream then brings them back).
   */
  readonly extremes?: BarExtremes;
  /** Last stream sequence number applied (decimal string); absent before the first. */
  readonly sequence?: string;
}

/** A trade version as a stream image holds it: its bar fields and where it originated. */
export interface RegionalTrade extends BarTrade {
  readonly originRegion: string;
}

/** The values a reconciliation writes for the stream to apply at its place in the stream. */
export type PartialValues = Pick<PartialBar, 'trades' | 'volume' | 'notional' | 'extremes'>;

/** One stream change of a trade of (symbol, minute), or a reconciliation to apply in order. */
export type BarChange =
  | {
      readonly kind: 'trade';
      readonly sequence: string;
      /** The version before the change (absent for INSERT). */
      readonly before?: RegionalTrade;
      /** The version after the change (absent for REMOVE). */
      readonly after?: RegionalTrade;
    }
  | { readonly kind: 'reconcile'; readonly sequence: string; readonly values: PartialValues };

/** Orders trades by time, then recordId (the tie-break the data contract fixes). */
function earlier(a: TradePoint, b: TradePoint): boolean {
  return a.epochMs < b.epochMs || (a.epochMs === b.epochMs && a.recordId < b.recordId);
}

function samePoint(a: TradePoint, b: TradePoint): boolean {
  return a.epochMs === b.epochMs && a.recordId === b.recordId;
}

function pointOf(trade: BarTrade): TradePoint {
  return { epochMs: trade.epochMs, recordId: trade.recordId, price: trade.price };
}

/** Merges two sets of extremes (idempotent, commutative). */
export function mergeExtremes(a: BarExtremes | undefined, b: BarExtremes | undefined): BarExtremes | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    open: earlier(b.open, a.open) ? b.open : a.open,
    close: earlier(a.close, b.close) ? b.close : a.close,
    high: compare(b.high, a.high) > 0 ? b.high : a.high,
    low: compare(b.low, a.low) < 0 ? b.low : a.low,
  };
}

/** Extremes of one trade. */
function extremesOf(trade: BarTrade): BarExtremes {
  const point = pointOf(trade);
  return { open: point, close: point, high: trade.price, low: trade.price };
}

/** True when removing `trade` can change `extremes` (it is one of them). */
export function touchesExtremes(extremes: BarExtremes | undefined, trade: BarTrade): boolean {
  if (!extremes) return false;
  const point = pointOf(trade);
  return (
    samePoint(extremes.open, point) ||
    samePoint(extremes.close, point) ||
    compare(extremes.high, trade.price) === 0 ||
    compare(extremes.low, trade.price) === 0
  );
}

/** A partial bar with nothing counted yet. */
export function emptyPartial(symbol: string, minute: string, region: string): PartialBar {
  return { symbol, minute, region, trades: 0, volume: 0, notional: '0' };
}

/**
 * The partial bar of `trades` (recordIds counted once) computed from scratch: what the
 * incremental partial must equal once the stream has caught up with the table.
 */
export function partialOf(
  symbol: string,
  minute: string,
  region: string,
  trades: readonly BarTrade[],
  sequence?: string,
): PartialBar {
  const seen = new Set<string>();
  let volume = 0;
  let notional = '0';
  let extremes: BarExtremes | undefined;
  for (const trade of trades) {
    if (seen.has(trade.recordId)) continue;
    seen.add(trade.recordId);
    volume += trade.size;
    notional = add(notional, mul(trade.price, trade.size));
    extremes = mergeExtremes(extremes, extremesOf(trade));
  }
  return {
    symbol,
    minute,
    region,
    trades: seen.size,
    volume,
    notional,
    ...(extremes ? { extremes } : {}),
    ...(sequence !== undefined ? { sequence } : {}),
  };
}

/** Sign of `a − b` for stream sequence numbers (decimal strings of any length). */
export function compareSequence(a: string, b: string): -1 | 0 | 1 {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sameBarFields(a: BarTrade, b: BarTrade): boolean {
  return a.recordId === b.recordId && a.epochMs === b.epochMs && a.size === b.size && compare(a.price, b.price) === 0;
}

/** What applying a group of changes did. */
export interface AppliedChanges {
  readonly partial: PartialBar;
  /** Changes above the stored sequence number that moved the partial's state or sequence. */
  readonly applied: number;
  /** A removed trade was one of the extremes: recompute them from the stored trades. */
  readonly extremesStale: boolean;
}

/**
 * Applies the changes of one (symbol, minute) in stream order to `partial`, skipping every
 * change at or below its sequence number (already applied: redelivery, bisect retries, a
 * partial batch failure). In `region`'s partial a change removes the old version when it
 * originated here and adds the new one when it originated here, so a replicated MODIFY that
 * moves a trade to the other region subtracts it. A change that cannot alter the partial (the
 * bar fields and origin did not change) is skipped without moving the sequence number.
 */
export function applyChanges(partial: PartialBar, changes: readonly BarChange[]): AppliedChanges {
  let current = partial;
  let applied = 0;
  let extremesStale = false;
  for (const change of changes) {
    if (current.sequence !== undefined && compareSequence(change.sequence, current.sequence) <= 0) continue;
    if (change.kind === 'reconcile') {
      current = { ...withoutExtremes(current), ...change.values, sequence: change.sequence };
      extremesStale = false;
      applied++;
      continue;
    }
    const removed = change.before?.originRegion === current.region ? change.before : undefined;
    const added = change.after?.originRegion === current.region ? change.after : undefined;
    if (!removed && !added) continue;
    if (removed && added && sameBarFields(removed, added)) continue;
    if (removed) {
      if (touchesExtremes(current.extremes, removed)) extremesStale = true;
      current = subtract(current, removed);
    }
    if (added) current = addTrade(current, added);
    current = { ...current, sequence: change.sequence };
    applied++;
  }
  if (current.trades === 0) {
    // Nothing counted: no extremes to keep, none to recompute.
    current = withoutExtremes(current);
    extremesStale = false;
  }
  return { partial: current, applied, extremesStale };
}

/** `partial` plus one trade. */
export function addTrade(partial: PartialBar, trade: BarTrade): PartialBar {
  return {
    ...partial,
    trades: partial.trades + 1,
    volume: partial.volume + trade.size,
    notional: add(partial.notional, mul(trade.price, trade.size)),
    extremes: mergeExtremes(partial.extremes, extremesOf(trade)),
  };
}

function subtract(partial: PartialBar, trade: BarTrade): PartialBar {
  return {
    ...partial,
    trades: partial.trades - 1,
    volume: partial.volume - trade.size,
    notional: sub(partial.notional, mul(trade.price, trade.size)),
  };
}

function withoutExtremes(partial: PartialBar): PartialBar {
  const { extremes: _dropped, ...rest } = partial;
  return rest;
}

/**
 * `partial` with its extremes recomputed from `stored`, the region's trades as the table holds
 * them now (consistent read). The table may already be ahead of the stream; that is safe: every
 * later change that adds a trade merges idempotently, and every later removal of an extreme
 * triggers another recompute.
 */
export function withRecomputedExtremes(partial: PartialBar, stored: readonly BarTrade[]): PartialBar {
  if (partial.trades === 0) return withoutExtremes(partial);
  const { extremes } = partialOf(partial.symbol, partial.minute, partial.region, stored);
  return extremes ? { ...partial, extremes } : withoutExtremes(partial);
}

/**
 * The minute bar of (symbol, minute) from the partials of every region: additive fields summed,
 * extremes merged, vwap = notional / volume rounded half-even to 8 decimals. Undefined when no
 * trade is counted, or while the extremes of the counted trades are not known yet.
 */
export function mergePartials(partials: readonly PartialBar[]): MinuteBar | undefined {
  const counted = partials.filter((p) => p.trades !== 0);
  if (counted.length === 0) return undefined;
  let trades = 0;
  let volume = 0;
  let notional = '0';
  let extremes: BarExtremes | undefined;
  for (const p of counted) {
    trades += p.trades;
    volume += p.volume;
    notional = add(notional, p.notional);
    extremes = mergeExtremes(extremes, p.extremes);
  }
  if (!extremes || trades <= 0 || volume <= 0) return undefined;
  return {
    symbol: counted[0].symbol,
    minute: counted[0].minute,
    open: extremes.open.price,
    high: extremes.high,
    low: extremes.low,
    close: extremes.close.price,
    volume,
    trades,
    notional,
    vwap: divRound(notional, String(volume), VWAP_SCALE),
  };
}

/**
 * The merged bar of every (symbol, minute) among `partials` (any regions, any order), sorted by
 * symbol then minute; minutes without a bar (nothing counted) are left out.
 */
export function mergeByMinute(partials: readonly PartialBar[]): MinuteBar[] {
  const groups = new Map<string, PartialBar[]>();
  for (const p of partials) {
    const key = `${p.symbol}\u0000${p.minute}`;
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  const bars: MinuteBar[] = [];
  for (const group of groups.values()) {
    const bar = mergePartials(group);
    if (bar) bars.push(bar);
  }
  return bars.sort((a, b) => (a.symbol === b.symbol ? (a.minute < b.minute ? -1 : 1) : a.symbol < b.symbol ? -1 : 1));
}

/**
 * The bar of `trades` in (symbol, minute) computed from scratch, or undefined when there are
 * none. Trades repeated with the same recordId count once (they are the same stored item).
 *
 * open = earliest trade (ties: smallest recordId); close = latest (ties: largest recordId);
 * volume = Σ size; notional = Σ price·size (exact); vwap = notional / volume, half-even 8 dp.
 *
 * @example
 * computeBar('AAPL', '2024-03-01T14:30:00.000Z', [{ recordId: 'a', epochMs: 1, price: '10', size: 2 }]);
 * // { open: '10', high: '10', low: '10', close: '10', volume: 2, trades: 1, notional: '20', vwap: '10', ... }
 */
export function computeBar(symbol: string, minute: string, trades: readonly BarTrade[]): MinuteBar | undefined {
  return mergePartials([partialOf(symbol, minute, '', trades)]);
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

/** True when two partials count the same trades the same way (sequence numbers aside). */
export function samePartialValues(a: PartialValues, b: PartialValues): boolean {
  const ea = a.extremes;
  const eb = b.extremes;
  const sameExtremes =
    ea === undefined || eb === undefined
      ? ea === eb
      : samePoint(ea.open, eb.open) &&
        samePoint(ea.close, eb.close) &&
        compare(ea.open.price, eb.open.price) === 0 &&
        compare(ea.close.price, eb.close.price) === 0 &&
        compare(ea.high, eb.high) === 0 &&
        compare(ea.low, eb.low) === 0;
  return a.trades === b.trades && a.volume === b.volume && compare(a.notional, b.notional) === 0 && sameExtremes;
}
