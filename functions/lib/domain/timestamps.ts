/**
 * Timestamps of the data contract: ISO-8601 with a zone (`Z` or an offset), or epoch
 * milliseconds. Parsed by hand, without `Date` or `Intl`, because this runs once per row.
 *
 * Decisions (documented so producers know what we accept):
 * - ISO form: `YYYY-MM-DD`, `T` (or `t` or one space), `HH:MM[:SS[.fraction]]`, then `Z`/`z` or
 *   `±HH[:MM]` / `±HHMM`. A time without a zone is rejected (we will not guess one).
 * - Fractions beyond milliseconds are truncated (floor) to the millisecond.
 * - `23:59:60` (a leap second) and `24:00` are rejected; so are impossible dates (Feb 30).
 * - Years 1970-9999 only (epoch milliseconds must be ≥ 0).
 * - Epoch milliseconds: a plain non-negative integer of at most 15 digits. A value below 10^11
 *   (before 1973-03-03 as milliseconds) is rejected as "looks like epoch seconds": real feeds
 *   that send seconds would otherwise be silently stored 50 years in the past.
 */

/** Smallest accepted epoch-milliseconds value; anything lower looks like epoch seconds. */
export const EPOCH_MS_MIN = 1e11;

/** Outcome of {@link scanTimestamp}. */
export enum TimestampScan {
  Ok = 0,
  Unparseable = 1,
  NoZone = 2,
  EpochSeconds = 3,
  LeapSecond = 4,
  OutOfRange = 5,
}

/** Output slot of {@link scanTimestamp}; one instance is reused for every row. */
export interface ScannedTimestamp {
  epochMs: number;
  /** True when the input already is `YYYY-MM-DDTHH:MM:SS.mmmZ` (it can be reused as is). */
  canonical: boolean;
}

/** Creates a reusable {@link ScannedTimestamp}. */
export function newScannedTimestamp(): ScannedTimestamp {
  return { epochMs: 0, canonical: false };
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Calendar date of a day number (inverse of {@link daysFromCivil}) as `year*10000 + month*100 + day`. */
export function civilFromDays(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10000 + month * 100 + day;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Zero-padded 2- and 3-digit strings, so formatting never calls `padStart`. */
const PAD2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));
const PAD3: string[] = Array.from({ length: 1000 }, (_, i) => (i < 10 ? `00${i}` : i < 100 ? `0${i}` : `${i}`));

/** `YYYY-MM-DDTHH:MM:` of the minute containing `epochMs` (the shared prefix of timestamp and minute key). */
export function formatMinutePrefix(epochMs: number): string {
  const days = Math.floor(epochMs / 86400000);
  const ymd = civilFromDays(days);
  const minuteOfDay = Math.floor((epochMs - days * 86400000) / 60000);
  const year = Math.floor(ymd / 10000);
  return `${year}-${PAD2[Math.floor(ymd / 100) % 100]}-${PAD2[ymd % 100]}T${
    PAD2[Math.floor(minuteOfDay / 60)]
  }:${PAD2[minuteOfDay % 60]}:`;
}

/** `SS.mmmZ` of `epochMs`, to append to its minute prefix. */
export function formatSecondsSuffix(epochMs: number): string {
  const msOfMinute = epochMs - Math.floor(epochMs / 60000) * 60000;
  return `${PAD2[Math.floor(msOfMinute / 1000)]}.${PAD3[msOfMinute % 1000]}Z`;
}

/** UTC timestamp `YYYY-MM-DDTHH:MM:SS.mmmZ` of `epochMs`. */
export function formatUtcTimestamp(epochMs: number): string {
  return formatMinutePrefix(epochMs) + formatSecondsSuffix(epochMs);
}

/** Minute bucket key `YYYY-MM-DDTHH:MM:00.000Z` of `epochMs`. */
export function toMinuteKey(epochMs: number): string {
  return `${formatMinutePrefix(epochMs)}00.000Z`;
}

function digitsAt(src: string, at: number, count: number): number {
  let v = 0;
  for (let k = 0; k < count; k++) {
    const d = src.charCodeAt(at + k) - 48;
    // Written so NaN (reading past the string) also fails.
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

let cachedDatePrefix = -1;
let cachedDays = 0;

/**
 * Fast path for the canonical `YYYY-MM-DDTHH:MM:SS.mmmZ` (what most producers send): fixed
 * offsets, digits checked together, the day number cached per date. Returns false to fall back
 * to the general parser (which also produces the precise error).
 */
function scanCanonical(src: string, at: number, out: ScannedTimestamp): boolean {
  if (
    src.charCodeAt(at + 4) !== 45 ||
    src.charCodeAt(at + 7) !== 45 ||
    src.charCodeAt(at + 10) !== 84 ||
    src.charCodeAt(at + 13) !== 58 ||
    src.charCodeAt(at + 16) !== 58 ||
    src.charCodeAt(at + 19) !== 46
  ) {
    return false;
  }
  const y0 = src.charCodeAt(at) - 48,
    y1 = src.charCodeAt(at + 1) - 48,
    y2 = src.charCodeAt(at + 2) - 48,
    y3 = src.charCodeAt(at + 3) - 48;
  const mo0 = src.charCodeAt(at + 5) - 48,
    mo1 = src.charCodeAt(at + 6) - 48;
  const d0 = src.charCodeAt(at + 8) - 48,
    d1 = src.charCodeAt(at + 9) - 48;
  const h0 = src.charCodeAt(at + 11) - 48,
    h1 = src.charCodeAt(at + 12) - 48;
  const mi0 = src.charCodeAt(at + 14) - 48,
    mi1 = src.charCodeAt(at + 15) - 48;
  const s0 = src.charCodeAt(at + 17) - 48,
    s1 = src.charCodeAt(at + 18) - 48;
  const ms0 = src.charCodeAt(at + 20) - 48,
    ms1 = src.charCodeAt(at + 21) - 48,
    ms2 = src.charCodeAt(at + 22) - 48;
  // Any non-digit makes its value negative or > 9; unsigned-compare them all at once.
  if ((y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1 | h0 | h1 | mi0 | mi1 | s0 | s1 | ms0 | ms1 | ms2) >>> 0 > 15)
    return false;
  if (y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || mo0 > 9 || mo1 > 9 || d0 > 9 || d1 > 9 || h0 > 9 || h1 > 9) return false;
  if (mi0 > 9 || mi1 > 9 || s0 > 9 || s1 > 9 || ms0 > 9 || ms1 > 9 || ms2 > 9) return false;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  if (hour > 23 || minute > 59 || second > 59) return false;
  const datePrefix = year * 10000 + month * 100 + day;
  if (datePrefix !== cachedDatePrefix) {
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
    cachedDays = daysFromCivil(year, month, day);
    cachedDatePrefix = datePrefix;
  }
  out.epochMs = cachedDays * 86400000 + hour * 3600000 + minute * 60000 + second * 1000 + ms0 * 100 + ms1 * 10 + ms2;
  out.canonical = true;
  return true;
}

/** Parses the timestamp in `src[start, end)` (already trimmed) into `out`. */
export function scanTimestamp(src: string, start: number, end: number, out: ScannedTimestamp): TimestampScan {
  const len = end - start;
  if (len <= 0) return TimestampScan.Unparseable;
  if (len === 24 && src.charCodeAt(start + 23) === 90 && scanCanonical(src, start, out)) return TimestampScan.Ok;
  // Epoch milliseconds: all digits.
  if (src.charCodeAt(start + 4) !== 45) {
    let allDigits = true;
    for (let k = start; k < end; k++) {
      const c = src.charCodeAt(k);
      if (c < 48 || c > 57) {
        allDigits = false;
        break;
      }
    }
    if (allDigits) {
      if (len > 15) return TimestampScan.OutOfRange;
      const value = digitsAt(src, start, len);
      if (value < EPOCH_MS_MIN) return TimestampScan.EpochSeconds;
      out.epochMs = value;
      out.canonical = false;
      return TimestampScan.Ok;
    }
  }
  if (len < 16) return TimestampScan.Unparseable;
  const year = digitsAt(src, start, 4);
  const month = digitsAt(src, start + 5, 2);
  const day = digitsAt(src, start + 8, 2);
  const sep = src.charCodeAt(start + 10);
  if (
    year < 0 ||
    month < 0 ||
    day < 0 ||
    src.charCodeAt(start + 4) !== 45 ||
    src.charCodeAt(start + 7) !== 45 ||
    (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32)
  ) {
    return TimestampScan.Unparseable;
  }
  const hour = digitsAt(src, start + 11, 2);
  const minute = digitsAt(src, start + 14, 2);
  if (hour < 0 || minute < 0 || src.charCodeAt(start + 13) !== 58) return TimestampScan.Unparseable;
  let i = start + 16;
  let second = 0;
  let ms = 0;
  let fracDigits = 0;
  /** The fraction was written with `.` (ISO-8601 also allows `,`, which is never stored verbatim). */
  let decimalPoint = false;
  let hasSeconds = false;
  if (i < end && src.charCodeAt(i) === 58 /* : */) {
    second = digitsAt(src, i + 1, 2);
    if (second < 0 || i + 3 > end) return TimestampScan.Unparseable;
    hasSeconds = true;
    i += 3;
    const dot = src.charCodeAt(i);
    if (i < end && (dot === 46 || dot === 44) /* . or , */) {
      decimalPoint = dot === 46;
      i++;
      const fracStart = i;
      while (i < end) {
        const d = src.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        // Truncate to milliseconds: only the first three digits count.
        if (i - fracStart < 3) ms = ms * 10 + d;
        i++;
      }
      fracDigits = i - fracStart;
      if (fracDigits === 0 || fracDigits > 9) return TimestampScan.Unparseable;
      if (fracDigits === 1) ms *= 100;
      else if (fracDigits === 2) ms *= 10;
    }
  }
  // Zone.
  let offsetMinutes = 0;
  let zulu = false;
  if (i >= end) return TimestampScan.NoZone;
  const z = src.charCodeAt(i);
  if (z === 90 /* Z */ || z === 122 /* z */) {
    zulu = true;
    i++;
  } else if (z === 43 /* + */ || z === 45 /* - */) {
    const oh = digitsAt(src, i + 1, 2);
    if (oh < 0 || i + 3 > end) return TimestampScan.Unparseable;
    i += 3;
    let om = 0;
    if (i < end) {
      if (src.charCodeAt(i) === 58) i++;
      om = digitsAt(src, i, 2);
      if (om < 0 || i + 2 > end) return TimestampScan.Unparseable;
      i += 2;
    }
    if (oh > 23 || om > 59) return TimestampScan.OutOfRange;
    offsetMinutes = (z === 45 ? -1 : 1) * (oh * 60 + om);
  } else {
    return TimestampScan.Unparseable;
  }
  if (i !== end) return TimestampScan.Unparseable;
  if (second === 60) return TimestampScan.LeapSecond;
  if (
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return TimestampScan.OutOfRange;
  }
  const epochMs =
    daysFromCivil(year, month, day) * 86400000 +
    hour * 3600000 +
    minute * 60000 +
    second * 1000 +
    ms -
    offsetMinutes * 60000;
  if (epochMs < 0) return TimestampScan.OutOfRange;
  out.epochMs = epochMs;
  out.canonical = zulu && len === 24 && hasSeconds && fracDigits === 3 && decimalPoint && sep === 84 && z === 90;
  return TimestampScan.Ok;
}

/** Epoch milliseconds of a contract timestamp (ISO-8601 with zone, or epoch ms), or `undefined`. */
export function parseTimestamp(text: string): number | undefined {
  const trimmed = text.trim();
  const out = newScannedTimestamp();
  return scanTimestamp(trimmed, 0, trimmed.length, out) === TimestampScan.Ok ? out.epochMs : undefined;
}
