/**
 * US-equities market session in New York time, DST-correct, computed from the US daylight-saving
 * rule itself (no `Intl`, no tz database): it runs per minute of data, and Lambda's ICU data is
 * not something we want correctness to depend on.
 *
 * Sessions (New York local time, Monday-Friday): pre 04:00-09:30, regular 09:30-16:00,
 * post 16:00-20:00, closed otherwise and all weekend. Boundaries belong to the later session
 * (09:30:00.000 is regular). Exchange holidays and half days are not modelled: a holiday
 * weekday is classified like any other weekday.
 *
 * DST rule: since 2007, from the second Sunday of March 02:00 EST to the first Sunday of
 * November 02:00 EDT; 1987-2006, first Sunday of April to last Sunday of October; before 1987
 * the last Sunday of April is used (the 1974-75 exceptions are ignored).
 */
import { civilFromDays, daysFromCivil } from './timestamps';
import type { MarketSession } from './types';

const MS_PER_DAY = 86400000;
const MS_PER_HOUR = 3600000;

/** Session boundaries in minutes after New York midnight. */
export const SESSION_MINUTES = {
  preOpen: 4 * 60,
  regularOpen: 9 * 60 + 30,
  regularClose: 16 * 60,
  postClose: 20 * 60,
} as const;

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOfDay(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** Day number of the `n`-th Sunday (n ≥ 1) of a month, or of the last Sunday when `n` is 0. */
function sundayOfMonth(year: number, month: number, n: number): number {
  if (n === 0) {
    const last = daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - 1;
    return last - weekdayOfDay(last);
  }
  const first = daysFromCivil(year, month, 1);
  return first + ((7 - weekdayOfDay(first)) % 7) + (n - 1) * 7;
}

const dstCache = new Map<number, readonly [number, number]>();

/**
 * UTC instants `[start, end)` of daylight-saving time in New York for `year`: starts at 02:00
 * EST (07:00 UTC), ends at 02:00 EDT (06:00 UTC).
 */
export function newYorkDstBounds(year: number): readonly [number, number] {
  let bounds = dstCache.get(year);
  if (bounds === undefined) {
    let startDay: number;
    let endDay: number;
    if (year >= 2007) {
      startDay = sundayOfMonth(year, 3, 2);
      endDay = sundayOfMonth(year, 11, 1);
    } else if (year >= 1987) {
      startDay = sundayOfMonth(year, 4, 1);
      endDay = sundayOfMonth(year, 10, 0);
    } else {
      startDay = sundayOfMonth(year, 4, 0);
      endDay = sundayOfMonth(year, 10, 0);
    }
    bounds = [startDay * MS_PER_DAY + 7 * MS_PER_HOUR, endDay * MS_PER_DAY + 6 * MS_PER_HOUR] as const;
    dstCache.set(year, bounds);
  }
  return bounds;
}

/** New York's UTC offset in minutes at `epochMs`: -240 (EDT) or -300 (EST). */
export function newYorkOffsetMinutes(epochMs: number): number {
  const year = Math.floor(civilFromDays(Math.floor(epochMs / MS_PER_DAY)) / 10000);
  const [start, end] = newYorkDstBounds(year);
  return epochMs >= start && epochMs < end ? -240 : -300;
}

/** Market session at `epochMs`. Cheap but not free: callers on the hot path cache it per minute. */
export function marketSession(epochMs: number): MarketSession {
  const local = epochMs + newYorkOffsetMinutes(epochMs) * 60000;
  const localDay = Math.floor(local / MS_PER_DAY);
  const weekday = weekdayOfDay(localDay);
  if (weekday === 0 || weekday === 6) return 'closed';
  const minuteOfDay = Math.floor((local - localDay * MS_PER_DAY) / 60000);
  if (minuteOfDay < SESSION_MINUTES.preOpen) return 'closed';
  if (minuteOfDay < SESSION_MINUTES.regularOpen) return 'pre';
  if (minuteOfDay < SESSION_MINUTES.regularClose) return 'regular';
  if (minuteOfDay < SESSION_MINUTES.postClose) return 'post';
  return 'closed';
}

/**
 * The New York calendar date (`YYYY-MM-DD`) of `epochMs`: the trading day a trade belongs to
 * (US venues number their trades per day, so a trade id is unique within one).
 */
export function newYorkTradingDate(epochMs: number): string {
  const local = epochMs + newYorkOffsetMinutes(epochMs) * 60000;
  const ymd = civilFromDays(Math.floor(local / MS_PER_DAY));
  const year = Math.floor(ymd / 10000);
  const month = Math.floor(ymd / 100) % 100;
  const day = ymd % 100;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
