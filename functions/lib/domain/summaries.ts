/**
 * 5-minute per-symbol summaries rolled up from minute bars (exact decimal sums, VWAP from the
 * summed notional and volume — not an average of averages).
 */
import { VWAP_SCALE } from './bars';
import { add, compare, divRound } from './decimal';
import type { MinuteBar } from './types';

/** Length of a summary window. */
export const SUMMARY_WINDOW_MS = 5 * 60_000;

/** A closed-open window [start, end). */
export interface SummaryWindow {
  /** ISO start (inclusive). */
  readonly start: string;
  /** ISO end (exclusive). */
  readonly end: string;
  /** ISO key of the last minute inside the window. */
  readonly lastMinute: string;
}

/** One symbol over one window: the bar fields rolled up over the window's minute bars. */
export interface FiveMinuteSummary extends Omit<MinuteBar, 'minute'> {
  readonly windowStart: string;
  readonly windowEnd: string;
  /** Minutes with at least one trade. */
  readonly minutes: number;
}

/** The last 5-minute window that has fully ended at `nowMs` (aligned to 5-minute boundaries). */
export function lastCompletedWindow(nowMs: number): SummaryWindow {
  const endMs = Math.floor(nowMs / SUMMARY_WINDOW_MS) * SUMMARY_WINDOW_MS;
  const startMs = endMs - SUMMARY_WINDOW_MS;
  return {
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    lastMinute: new Date(endMs - 60_000).toISOString(),
  };
}

/** Rolls `bars` (any order) up per symbol; bars outside the window are ignored. Sorted by symbol. */
export function summarize(bars: readonly MinuteBar[], window: SummaryWindow): FiveMinuteSummary[] {
  const bySymbol = new Map<string, MinuteBar[]>();
  for (const bar of bars) {
    if (bar.minute < window.start || bar.minute >= window.end) continue;
    const list = bySymbol.get(bar.symbol) ?? [];
    list.push(bar);
    bySymbol.set(bar.symbol, list);
  }
  const summaries: FiveMinuteSummary[] = [];
  for (const [symbol, list] of [...bySymbol].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    list.sort((a, b) => (a.minute < b.minute ? -1 : a.minute > b.minute ? 1 : 0));
    let high = list[0].high;
    let low = list[0].low;
    let volume = 0;
    let trades = 0;
    let notional = '0';
    for (const bar of list) {
      if (compare(bar.high, high) > 0) high = bar.high;
      if (compare(bar.low, low) < 0) low = bar.low;
      volume += bar.volume;
      trades += bar.trades;
      notional = add(notional, bar.notional);
    }
    summaries.push({
      symbol,
      windowStart: window.start,
      windowEnd: window.end,
      open: list[0].open,
      high,
      low,
      close: list[list.length - 1].close,
      volume,
      trades,
      notional,
      vwap: volume > 0 ? divRound(notional, String(volume), VWAP_SCALE) : '0',
      minutes: list.length,
    });
  }
  return summaries;
}
