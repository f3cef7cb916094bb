/**
 * 5-minute per-symbol summaries rolled up from minute bars (exact decimal sums, VWAP from the
 * summed notional and volume — not an average of averages), and what makes a published window a
 * revision: a bar change made after the window closed.
 */
import { createHash } from 'node:crypto';
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

/**
 * A bar change made less than this before its window closed is treated as after it: the summary
 * may already have read the window (clock skew between functions, the time a write takes).
 */
export const LATE_CHANGE_MARGIN_MS = 30_000;

/** The 5-minute window that contains `minute` (an ISO minute key). */
export function windowOfMinute(minute: string): SummaryWindow {
  return lastCompletedWindow(
    Math.floor(Date.parse(minute) / SUMMARY_WINDOW_MS) * SUMMARY_WINDOW_MS + SUMMARY_WINDOW_MS,
  );
}

/**
 * True when a change to `minute` made at `nowMs` may come after the summary of its window was
 * read: the window closed, or closes within {@link LATE_CHANGE_MARGIN_MS}.
 */
export function isLateChange(minute: string, nowMs: number): boolean {
  return Date.parse(windowOfMinute(minute).end) - LATE_CHANGE_MARGIN_MS <= nowMs;
}

/** A published summary: the values plus which publication of (symbol, window) it is. */
export interface PublishedFiveMinuteSummary extends FiveMinuteSummary {
  /** `<symbol>@<windowStart>`: the same for every publication of (symbol, window). */
  readonly summaryId: string;
  /** 0 for the first publication; n for the n-th revision. */
  readonly revision: number;
  /** On a revision: the `summaryId` it revises. */
  readonly revisionOf?: string;
  /** On a revision: every trade of the symbol in the window was removed since it was published. */
  readonly withdrawn?: true;
}

/** What was published last for a symbol of a window. */
export interface LastPublication {
  readonly fingerprint: string;
  readonly revision: number;
}

/** A publication to make, with the fingerprint to remember for it. */
export interface Publication {
  readonly summary: PublishedFiveMinuteSummary;
  readonly fingerprint: string;
}

/**
 * What to publish for `window` given its summaries now and what was published before: each
 * symbol never published goes out as revision 0, each symbol whose values changed as the next
 * revision (`revisionOf` set), each published symbol that has no trades left as a withdrawn
 * revision; unchanged symbols are not published again. Sorted by symbol.
 */
export function publicationsFor(
  window: SummaryWindow,
  summaries: readonly FiveMinuteSummary[],
  published: ReadonlyMap<string, LastPublication>,
): Publication[] {
  const out: Publication[] = [];
  const present = new Set<string>();
  for (const summary of summaries) {
    present.add(summary.symbol);
    const fingerprint = summaryFingerprint(summary);
    const last = published.get(summary.symbol);
    if (last?.fingerprint === fingerprint) continue;
    out.push({ fingerprint, summary: revisionOf(summary, last) });
  }
  for (const [symbol, last] of published) {
    if (present.has(symbol)) continue;
    const withdrawn: FiveMinuteSummary = {
      symbol,
      windowStart: window.start,
      windowEnd: window.end,
      open: '0',
      high: '0',
      low: '0',
      close: '0',
      volume: 0,
      trades: 0,
      notional: '0',
      vwap: '0',
      minutes: 0,
    };
    const fingerprint = summaryFingerprint(withdrawn);
    if (last.fingerprint === fingerprint) continue;
    out.push({ fingerprint, summary: { ...revisionOf(withdrawn, last), withdrawn: true } });
  }
  return out.sort((a, b) => (a.summary.symbol < b.summary.symbol ? -1 : a.summary.symbol > b.summary.symbol ? 1 : 0));
}

function revisionOf(summary: FiveMinuteSummary, last: LastPublication | undefined): PublishedFiveMinuteSummary {
  const id = summaryId(summary);
  return last
    ? { ...summary, summaryId: id, revision: last.revision + 1, revisionOf: id }
    : { ...summary, summaryId: id, revision: 0 };
}

/** The id every publication of `summary` shares. */
export function summaryId(summary: Pick<FiveMinuteSummary, 'symbol' | 'windowStart'>): string {
  return `${summary.symbol}@${summary.windowStart}`;
}

/** sha-256 (base64url) of a summary's values: a different fingerprint means the window changed. */
export function summaryFingerprint(summary: FiveMinuteSummary): string {
  const values = [
    summary.symbol,
    summary.windowStart,
    summary.open,
    summary.high,
    summary.low,
    summary.close,
    summary.volume,
    summary.trades,
    summary.notional,
    summary.vwap,
    summary.minutes,
  ];
  return createHash('sha256').update(JSON.stringify(values)).digest('base64url');
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
