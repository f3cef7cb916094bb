/**
 * Validation and normalisation of one row, independent of the input format. The readers
 * (`csv-reader.ts`, `json-reader.ts`, `validateObjects`) fill a {@link RowSlots} with the text
 * span of each contract field; {@link RecordNormaliser} turns it into a `MarketRecord` or a
 * `Reject`, allocating nothing but the record (and the reject, for bad rows).
 *
 * Checks run in this order and the first failure is reported: MALFORMED (reader problems, nested
 * values, bad `tradeId`), UNKNOWN_TYPE, MISSING_FIELD, INVALID_SYMBOL, INVALID_TIMESTAMP,
 * FUTURE_TIMESTAMP, INVALID_PRICE, INVALID_SIZE, CROSSED_QUOTE. An optional field never costs a
 * valid row: an unusable `exchange` is dropped with a warning and the row is kept.
 *
 * Field rules:
 * - symbol: upper-cased, then `^[A-Z][A-Z0-9.-]{0,11}$` (so `aapl` is accepted as `AAPL`).
 * - prices: plain decimal > 0, no sign, no exponent, ≤ 18 significant digits, ≤ 8 decimals.
 * - sizes: integers (a fraction of only zeros, `100.0`, is allowed), ≤ 2^53−1; trade size > 0,
 *   quote sizes ≥ 0.
 * - exchange: optional free text (`NYSE Arca`), trimmed, inner runs of spaces collapsed,
 *   upper-cased. Dropped with a FIELD_DROPPED warning (the row is kept) when it is longer than
 *   EXCHANGE_MAX_LENGTH, holds control characters, is not text, or starts with `=`, `+`, `-` or
 *   `@` (spreadsheet formula injection).
 * - tradeId: optional, 1-128 printable characters.
 * - empty values count as absent; surrounding spaces and tabs are ignored.
 */
import { FIELDS, FIELD_COUNT, Field } from './fields';
import {
  newScannedPrice,
  PriceScan,
  PRICE_MAX_SCALE,
  PRICE_MAX_SIGNIFICANT_DIGITS,
  scanPrice,
  type ScannedPrice,
} from '../domain/decimal';
import {
  compareScanned,
  MinuteCache,
  newQuoteMetrics,
  quoteMetrics,
  tradeNotional,
  type MinuteInfo,
  type QuoteMetrics,
} from '../domain/enrichment';
import {
  elementRecordId,
  isVerbatimTradeId,
  lineRecordId,
  sourceIdPrefix,
  tradeRecordId,
  type SourceIdentity,
} from '../domain/ids';
import { formatSecondsSuffix, newScannedTimestamp, scanTimestamp, TimestampScan } from '../domain/timestamps';
import type {
  MarketRecord,
  QuoteRecord,
  ReasonCode,
  Reject,
  SourceRef,
  TradeRecord,
  ValidationWarning,
} from '../domain/types';
import { isSymbolCode, isSymbolStartCode, SYMBOL_MAX_LENGTH, SYMBOL_RULE } from '../domain/symbol';

// Imported bindings are copied to module constants once: transpilers that emit CommonJS (tsx,
// the jest transform) turn every use of an imported binding into a getter call, which the per-row
// path cannot afford. (An esbuild bundle would not need this; it costs nothing there.)
const {
  symbol: F_SYMBOL,
  timestamp: F_TIMESTAMP,
  type: F_TYPE,
  price: F_PRICE,
  size: F_SIZE,
  bid: F_BID,
  ask: F_ASK,
  bidSize: F_BID_SIZE,
  askSize: F_ASK_SIZE,
  exchange: F_EXCHANGE,
  tradeId: F_TRADE_ID,
} = Field;
const FIELD_SLOTS = FIELD_COUNT;
const FIELD_NAMES = FIELDS;
const PRICE_OK = PriceScan.Ok;
const TIMESTAMP_OK = TimestampScan.Ok;
const scanPriceHot = scanPrice;
const scanTimestampHot = scanTimestamp;
const formatSecondsSuffixHot = formatSecondsSuffix;
const tradeNotionalHot = tradeNotional;
const quoteMetricsHot = quoteMetrics;
const compareScannedHot = compareScanned;
const isVerbatimTradeIdHot = isVerbatimTradeId;

/** How far ahead of `now` a timestamp may be before it is FUTURE_TIMESTAMP. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
/** Longest accepted trade id. */
export const TRADE_ID_MAX_LENGTH = 128;
/** Longest exchange kept (after trimming); a longer one is dropped with a warning. */
export const EXCHANGE_MAX_LENGTH = 64;

/** What a slot holds. */
export enum SlotKind {
  Absent = 0,
  /** A CSV cell or a JSON string. */
  Text = 1,
  /** A JSON number token (raw text, never converted to a float). */
  Number = 2,
  /** A JSON `true`/`false`. */
  Boolean = 3,
  /** A JSON object or array. */
  Nested = 4,
}

/**
 * A `Uint8Array` whose elements are {@link SlotKind}s. Typed arrays only ever read back numbers,
 * and every element is written from a `SlotKind`, so this view is exact; it lets the slot kinds be
 * compared with `SlotKind` members directly.
 */
interface SlotKinds extends Uint8Array<ArrayBuffer> {
  [index: number]: SlotKind;
}

/**
 * The contract fields of one row as spans of source text (no copies). One instance is reused
 * for every row of a reader.
 */
export class RowSlots {
  readonly src: string[] = new Array<string>(FIELD_SLOTS).fill('');
  readonly start = new Int32Array(FIELD_SLOTS);
  readonly end = new Int32Array(FIELD_SLOTS);
  readonly kind = new Uint8Array(FIELD_SLOTS) as SlotKinds;
  /** Set by a reader when the row cannot be read; the row becomes a MALFORMED reject. */
  malformed: string | undefined = undefined;
  /** Some slot holds an object or array. */
  hasNested = false;

  /** Forgets the previous row. */
  clear(): void {
    const kind = this.kind;
    for (let f = 0; f < kind.length; f++) kind[f] = SlotKind.Absent;
    this.malformed = undefined;
    this.hasNested = false;
  }

  /**
   * Overwrites `slot` with the text `src[start, end)` (trimmed; empty means absent). For readers
   * that visit every column of every row (CSV), which then need no `clear()` between rows.
   */
  assign(slot: number, src: string, start: number, end: number): void {
    let c: number;
    while (start < end && ((c = src.charCodeAt(start)) === 32 || c === 9)) start++;
    while (end > start && ((c = src.charCodeAt(end - 1)) === 32 || c === 9)) end--;
    if (start === end) {
      this.kind[slot] = SlotKind.Absent;
      return;
    }
    this.src[slot] = src;
    this.start[slot] = start;
    this.end[slot] = end;
    this.kind[slot] = SlotKind.Text;
  }

  /**
   * Stores `src[start, end)` in `slot`, trimming spaces and tabs; empty text stays absent.
   * Returns false when the slot was already set (a duplicate field).
   */
  set(slot: number, src: string, start: number, end: number, kind: SlotKind): boolean {
    if (this.kind[slot] !== SlotKind.Absent) return false;
    if (kind === SlotKind.Text) {
      let c: number;
      while (start < end && ((c = src.charCodeAt(start)) === 32 || c === 9)) start++;
      while (end > start && ((c = src.charCodeAt(end - 1)) === 32 || c === 9)) end--;
      if (start === end) return true;
    }
    this.src[slot] = src;
    this.start[slot] = start;
    this.end[slot] = end;
    this.kind[slot] = kind;
    if (kind === SlotKind.Nested) this.hasNested = true;
    return true;
  }
}

/** Where the records of one run come from and where they are accepted. */
export interface NormaliserContext {
  readonly source: SourceIdentity;
  readonly originRegion: string;
  /** Epoch ms used for FUTURE_TIMESTAMP. */
  readonly now: number;
}

/** Mutable collector of one batch's output. */
export interface ResultSink {
  records: MarketRecord[];
  rejects: Reject[];
  warnings: ValidationWarning[];
}

/** Creates an empty sink to collect a `ValidationResult` into. */
export function newResultSink(): ResultSink {
  return { records: [], rejects: [], warnings: [] };
}

/** Quoted, shortened, control-character-safe rendering of a value for reject messages. */
export function previewValue(src: string, start: number, end: number): string {
  const text = end - start > 40 ? `${src.slice(start, start + 40)}...` : src.slice(start, end);
  return JSON.stringify(text);
}

function kindName(kind: SlotKind): string {
  return kind === SlotKind.Boolean ? 'a boolean' : kind === SlotKind.Nested ? 'an object or array' : 'a number';
}

const PRICE_PROBLEMS: Record<number, string> = {
  [PriceScan.NotANumber]: 'is not a plain decimal number',
  [PriceScan.Exponent]: 'uses exponent notation, which is not accepted',
  [PriceScan.NonFinite]: 'is not a finite number',
  [PriceScan.NotPositive]: 'must be greater than 0',
  [PriceScan.TooManyDigits]: `has more than ${PRICE_MAX_SIGNIFICANT_DIGITS} significant digits`,
  [PriceScan.ScaleTooLarge]: `has more than ${PRICE_MAX_SCALE} decimal places`,
};

const QUOTE_FIELDS = [F_BID, F_ASK, F_BID_SIZE, F_ASK_SIZE] as const;

const SIZE_NOT_INTEGER = -1;
const SIZE_TOO_LARGE = -2;
const SIZE_NEGATIVE = -3;

/** Integer size in `src[start, end)`, or a negative SIZE_* code. */
function scanSize(src: string, start: number, end: number): number {
  let i = start;
  if (src.charCodeAt(i) === 45) {
    return scanSize(src, start + 1, end) >= 0 ? SIZE_NEGATIVE : SIZE_NOT_INTEGER;
  }
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const d = src.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    if (value > 0) digits++;
  }
  if (i === start) return SIZE_NOT_INTEGER;
  if (i < end) {
    // "100.0" is an integer written by a float-minded producer: allow zeros only.
    if (src.charCodeAt(i) !== 46) return SIZE_NOT_INTEGER;
    for (i++; i < end; i++) if (src.charCodeAt(i) !== 48) return SIZE_NOT_INTEGER;
  }
  if (digits > 16 || value > Number.MAX_SAFE_INTEGER) return SIZE_TOO_LARGE;
  return value;
}

const TYPE_NONE = 0;
const TYPE_TRADE = 1;
const TYPE_QUOTE = 2;

/** `trade`/`quote` (any case) at `s[a, a+5)`, compared without allocating. */
function typeAt(s: string, a: number): number {
  const c0 = s.charCodeAt(a) | 0x20;
  const c1 = s.charCodeAt(a + 1) | 0x20;
  const c2 = s.charCodeAt(a + 2) | 0x20;
  const c3 = s.charCodeAt(a + 3) | 0x20;
  const c4 = s.charCodeAt(a + 4) | 0x20;
  if (c0 === 116 && c1 === 114 && c2 === 97 && c3 === 100 && c4 === 101) return TYPE_TRADE;
  if (c0 === 113 && c1 === 117 && c2 === 111 && c3 === 116 && c4 === 101) return TYPE_QUOTE;
  return TYPE_NONE;
}

const INTERN_SLOTS = 256;

/**
 * Remembers short strings (symbols, exchanges) so a row repeating one reuses the same string
 * instead of slicing a new one; a file has few distinct values and millions of rows.
 */
class StringInterner {
  private readonly values: string[] = new Array<string>(INTERN_SLOTS).fill('');

  /** The remembered string equal to `src[start, end)`, if any. */
  find(src: string, start: number, end: number): string | undefined {
    const len = end - start;
    if (len <= 0) return undefined;
    const cached = this.values[slotOf(src, start, end)];
    if (cached.length !== len) return undefined;
    for (let k = 0; k < len; k++) if (cached.charCodeAt(k) !== src.charCodeAt(start + k)) return undefined;
    return cached;
  }

  /** Remembers `src[start, end)` (replacing whatever shared its slot) and returns it. */
  add(src: string, start: number, end: number): string {
    const value = src.slice(start, end);
    this.values[slotOf(src, start, end)] = value;
    return value;
  }

  /** `src[start, end)`, reused when seen before. */
  get(src: string, start: number, end: number): string {
    return this.find(src, start, end) ?? this.add(src, start, end);
  }
}

function slotOf(src: string, start: number, end: number): number {
  const len = end - start;
  return (
    (len * 31 + src.charCodeAt(start) * 7 + src.charCodeAt(end - 1) * 3 + src.charCodeAt(start + (len >> 1))) &
    (INTERN_SLOTS - 1)
  );
}

/**
 * Builds normalised, enriched records from {@link RowSlots}. One per run: it holds the per-source
 * id prefix (hashed once), the minute cache and reusable scan buffers.
 */
export class RecordNormaliser {
  private readonly idPrefix: string;
  private readonly idPrefixDash: string;
  private readonly kind: 's3' | 'api';
  private readonly uri: string;
  private readonly versionId: string | undefined;
  private readonly originRegion: string;
  private readonly latestAllowed: number;
  private readonly minutes = new MinuteCache();
  private readonly ts = newScannedTimestamp();
  private readonly price = newScannedPrice();
  private readonly bid = newScannedPrice();
  private readonly ask = newScannedPrice();
  private readonly metrics = newQuoteMetrics();
  private readonly symbols = new StringInterner();
  private readonly exchanges = new StringInterner();

  constructor(ctx: NormaliserContext) {
    this.idPrefix = sourceIdPrefix(ctx.source);
    // lineRecordId(prefix, line) without re-concatenating the dash on every row.
    this.idPrefixDash = lineRecordId(this.idPrefix, 0).slice(0, -1);
    this.kind = ctx.source.kind;
    this.uri = ctx.source.uri;
    this.versionId = ctx.source.versionId;
    this.originRegion = ctx.originRegion;
    this.latestAllowed = ctx.now + FUTURE_TOLERANCE_MS;
  }

  /** Adds a reject for `line`. */
  reject(sink: ResultSink, line: number, reason: ReasonCode, message: string): void {
    sink.rejects.push({ line, reason, message });
  }

  /**
   * Validates the row in `slots` (read from `line`) and adds a record or a reject to `sink`.
   * `element` (JSON files) is the 0-based position of the value in the file; it replaces the
   * line in the record id, because one line may hold many JSON records.
   */
  normalise(slots: RowSlots, line: number, sink: ResultSink, element = -1): void {
    if (slots.malformed !== undefined) return this.reject(sink, line, 'MALFORMED', slots.malformed);
    const kind = slots.kind;
    const src = slots.src;
    const start = slots.start;
    const end = slots.end;
    if (slots.hasNested) {
      for (let f = 0; f < FIELD_SLOTS; f++) {
        // An unusable exchange costs the field, not the row (see readExchange).
        if (kind[f] === SlotKind.Nested && f !== F_EXCHANGE) {
          return this.reject(
            sink,
            line,
            'MALFORMED',
            `${FIELD_NAMES[f]} must be a single value, got an object or array`,
          );
        }
      }
    }

    // Type, given or inferred from the fields present.
    let isTrade: boolean;
    if (kind[F_TYPE] !== SlotKind.Absent) {
      const s = src[F_TYPE];
      const a = start[F_TYPE];
      const len = end[F_TYPE] - a;
      const t = kind[F_TYPE] === SlotKind.Text && len === 5 ? typeAt(s, a) : TYPE_NONE;
      if (t === TYPE_TRADE) isTrade = true;
      else if (t === TYPE_QUOTE) isTrade = false;
      else {
        return this.reject(sink, line, 'UNKNOWN_TYPE', `type ${previewValue(s, a, end[F_TYPE])} is not trade or quote`);
      }
    } else {
      const tradeFields = kind[F_PRICE] !== SlotKind.Absent || kind[F_SIZE] !== SlotKind.Absent;
      const quoteFields =
        kind[F_BID] !== SlotKind.Absent ||
        kind[F_ASK] !== SlotKind.Absent ||
        kind[F_BID_SIZE] !== SlotKind.Absent ||
        kind[F_ASK_SIZE] !== SlotKind.Absent;
      if (tradeFields && quoteFields) {
        return this.reject(
          sink,
          line,
          'UNKNOWN_TYPE',
          'type is missing and the row has both trade (price/size) and quote (bid/ask) fields',
        );
      }
      if (!tradeFields && !quoteFields) {
        return this.reject(
          sink,
          line,
          'MISSING_FIELD',
          'missing type, and no price/size or bid/ask fields to infer it from',
        );
      }
      isTrade = tradeFields;
    }

    // Required fields.
    if (kind[F_SYMBOL] === SlotKind.Absent) return this.reject(sink, line, 'MISSING_FIELD', 'missing symbol');
    if (kind[F_TIMESTAMP] === SlotKind.Absent) return this.reject(sink, line, 'MISSING_FIELD', 'missing timestamp');
    if (isTrade) {
      if (kind[F_PRICE] === SlotKind.Absent) return this.reject(sink, line, 'MISSING_FIELD', 'missing price (trade)');
      if (kind[F_SIZE] === SlotKind.Absent) return this.reject(sink, line, 'MISSING_FIELD', 'missing size (trade)');
    } else {
      if (
        kind[F_BID] === SlotKind.Absent ||
        kind[F_ASK] === SlotKind.Absent ||
        kind[F_BID_SIZE] === SlotKind.Absent ||
        kind[F_ASK_SIZE] === SlotKind.Absent
      ) {
        for (const f of QUOTE_FIELDS) {
          if (kind[f] === SlotKind.Absent)
            return this.reject(sink, line, 'MISSING_FIELD', `missing ${FIELD_NAMES[f]} (quote)`);
        }
      }
    }

    // Symbol. Only valid upper-case symbols enter the interner, so a hit needs no re-validation.
    const symSrc = src[F_SYMBOL];
    const symStart = start[F_SYMBOL];
    const symEnd = end[F_SYMBOL];
    let symbol = kind[F_SYMBOL] === SlotKind.Text ? this.symbols.find(symSrc, symStart, symEnd) : undefined;
    if (symbol === undefined) {
      const symLen = symEnd - symStart;
      let lower = false;
      let symbolOk =
        kind[F_SYMBOL] === SlotKind.Text &&
        symLen <= SYMBOL_MAX_LENGTH &&
        isSymbolStartCode(symSrc.charCodeAt(symStart));
      for (let i = symStart; symbolOk && i < symEnd; i++) {
        const c = symSrc.charCodeAt(i);
        if (!isSymbolCode(c)) symbolOk = false;
        else if (c >= 97) lower = true;
      }
      if (!symbolOk) {
        return this.reject(
          sink,
          line,
          'INVALID_SYMBOL',
          kind[F_SYMBOL] !== SlotKind.Text
            ? `symbol must be text, got ${kindName(kind[F_SYMBOL])}`
            : `symbol ${previewValue(symSrc, symStart, symEnd)} ` + `must be ${SYMBOL_RULE}`,
        );
      }
      symbol = lower ? symSrc.slice(symStart, symEnd).toUpperCase() : this.symbols.add(symSrc, symStart, symEnd);
    }

    // Timestamp.
    const tsKind = kind[F_TIMESTAMP];
    const tsSrc = src[F_TIMESTAMP];
    const tsStart = start[F_TIMESTAMP];
    const tsEnd = end[F_TIMESTAMP];
    const tsStatus =
      tsKind === SlotKind.Boolean ? TimestampScan.Unparseable : scanTimestampHot(tsSrc, tsStart, tsEnd, this.ts);
    if (tsStatus !== TIMESTAMP_OK) {
      return this.reject(
        sink,
        line,
        'INVALID_TIMESTAMP',
        timestampMessage(tsStatus, previewValue(tsSrc, tsStart, tsEnd)),
      );
    }
    const epochMs = this.ts.epochMs;
    if (epochMs > this.latestAllowed) {
      return this.reject(
        sink,
        line,
        'FUTURE_TIMESTAMP',
        `timestamp ${previewValue(tsSrc, tsStart, tsEnd)} is more than 5 minutes in the future`,
      );
    }

    // Optional fields. A dropped exchange is reported only if the row is kept.
    let exchange: string | undefined;
    let exchangeDropped: string | undefined;
    if (kind[F_EXCHANGE] !== SlotKind.Absent) {
      exchange = this.readExchange(slots);
      if (exchange === undefined) exchangeDropped = exchangeProblem(slots);
    }
    let tradeId: string | undefined;
    let recordId: string;
    if (kind[F_TRADE_ID] !== SlotKind.Absent) {
      const s = src[F_TRADE_ID];
      const a = start[F_TRADE_ID];
      const b = end[F_TRADE_ID];
      if (kind[F_TRADE_ID] === SlotKind.Boolean || b - a > TRADE_ID_MAX_LENGTH || hasControlChar(s, a, b)) {
        return this.reject(
          sink,
          line,
          'MALFORMED',
          `tradeId ${previewValue(s, a, b)} must be 1-${TRADE_ID_MAX_LENGTH} printable characters`,
        );
      }
      tradeId = s.slice(a, b);
      recordId =
        exchange === undefined && isVerbatimTradeIdHot(s, a, b)
          ? `t-${symbol}-${tradeId}`
          : tradeRecordId(symbol, tradeId, exchange);
    } else {
      recordId = element < 0 ? this.idPrefixDash + line : elementRecordId(this.idPrefix, element);
    }

    const minute = this.minutes.get(epochMs);
    const timestamp = this.ts.canonical ? tsSrc.slice(tsStart, tsEnd) : minute.prefix + formatSecondsSuffixHot(epochMs);
    let source: SourceRef =
      this.versionId === undefined
        ? { kind: this.kind, uri: this.uri, line }
        : { kind: this.kind, uri: this.uri, versionId: this.versionId, line };
    if (element >= 0) source = { ...source, element };

    let record: MarketRecord;
    if (isTrade) {
      const price = this.price;
      const status = this.readPrice(slots, F_PRICE, price);
      if (status !== PRICE_OK) return this.rejectPrice(sink, line, slots, F_PRICE, status);
      const size = this.readSize(slots, F_SIZE);
      if (size <= 0) return this.rejectSize(sink, line, slots, F_SIZE, size, true);
      record = makeTrade(
        recordId,
        symbol,
        timestamp,
        epochMs,
        minute,
        price.text,
        size,
        tradeNotionalHot(price, size),
        source,
        this.originRegion,
        exchange,
        tradeId,
      );
    } else {
      const bid = this.bid;
      const ask = this.ask;
      let status = this.readPrice(slots, F_BID, bid);
      if (status !== PRICE_OK) return this.rejectPrice(sink, line, slots, F_BID, status);
      status = this.readPrice(slots, F_ASK, ask);
      if (status !== PRICE_OK) return this.rejectPrice(sink, line, slots, F_ASK, status);
      const bidSize = this.readSize(slots, F_BID_SIZE);
      if (bidSize < 0) return this.rejectSize(sink, line, slots, F_BID_SIZE, bidSize, false);
      const askSize = this.readSize(slots, F_ASK_SIZE);
      if (askSize < 0) return this.rejectSize(sink, line, slots, F_ASK_SIZE, askSize, false);
      if (compareScannedHot(bid, ask) > 0) {
        return this.reject(sink, line, 'CROSSED_QUOTE', `bid ${bid.text} is above ask ${ask.text}`);
      }
      const metrics = this.metrics;
      quoteMetricsHot(bid, ask, metrics);
      record = makeQuote(
        recordId,
        symbol,
        timestamp,
        epochMs,
        minute,
        bid.text,
        ask.text,
        bidSize,
        askSize,
        metrics,
        source,
        this.originRegion,
        exchange,
        tradeId,
      );
    }
    if (exchangeDropped !== undefined) {
      sink.warnings.push({ line, field: 'exchange', warning: 'FIELD_DROPPED', message: exchangeDropped });
    }
    sink.records.push(record);
  }

  private readPrice(slots: RowSlots, f: number, out: ScannedPrice): PriceScan {
    const k = slots.kind[f];
    if (k !== SlotKind.Text && k !== SlotKind.Number) return PriceScan.NotANumber;
    return scanPriceHot(slots.src[f], slots.start[f], slots.end[f], out);
  }

  private rejectPrice(sink: ResultSink, line: number, slots: RowSlots, f: number, status: PriceScan): void {
    const k = slots.kind[f];
    const shown = k === SlotKind.Boolean ? 'a boolean' : previewValue(slots.src[f], slots.start[f], slots.end[f]);
    this.reject(sink, line, 'INVALID_PRICE', `${FIELD_NAMES[f]} ${shown} ${PRICE_PROBLEMS[status]}`);
  }

  private readSize(slots: RowSlots, f: number): number {
    const k = slots.kind[f];
    if (k !== SlotKind.Text && k !== SlotKind.Number) return SIZE_NOT_INTEGER;
    return scanSize(slots.src[f], slots.start[f], slots.end[f]);
  }

  private rejectSize(
    sink: ResultSink,
    line: number,
    slots: RowSlots,
    f: number,
    code: number,
    positive: boolean,
  ): void {
    const k = slots.kind[f];
    const shown = k === SlotKind.Boolean ? 'a boolean' : previewValue(slots.src[f], slots.start[f], slots.end[f]);
    const why =
      code === SIZE_TOO_LARGE
        ? 'is larger than 2^53-1'
        : code === 0 || code === SIZE_NEGATIVE
          ? positive
            ? 'must be an integer greater than 0'
            : 'must be an integer of 0 or more'
          : 'is not an integer';
    this.reject(sink, line, 'INVALID_SIZE', `${FIELD_NAMES[f]} ${shown} ${why}`);
  }

  /** The normalised exchange, or undefined when it must be dropped (see {@link exchangeProblem}). */
  private readExchange(slots: RowSlots): string | undefined {
    const f = F_EXCHANGE;
    const k = slots.kind[f];
    if (k !== SlotKind.Text && k !== SlotKind.Number) return undefined;
    const s = slots.src[f];
    const a = slots.start[f];
    const b = slots.end[f];
    // Only normalised exchanges enter the interner, so a hit needs no re-validation.
    const known = this.exchanges.find(s, a, b);
    if (known !== undefined) return known;
    if (b - a > EXCHANGE_MAX_LENGTH || isFormulaStart(s.charCodeAt(a))) return undefined;
    let normalise = false;
    let previous = 0;
    for (let i = a; i < b; i++) {
      const c = s.charCodeAt(i);
      if (isControl(c)) return undefined;
      // Lower case, non-ASCII (upper-cased by toUpperCase) or a second space in a row.
      if ((c >= 97 && c <= 122) || c > 127 || (c === 32 && previous === 32)) normalise = true;
      previous = c;
    }
    return normalise ? s.slice(a, b).replace(/ {2,}/g, ' ').toUpperCase() : this.exchanges.add(s, a, b);
  }
}

/** Why the exchange in `slots` was dropped (the message of its FIELD_DROPPED warning). */
function exchangeProblem(slots: RowSlots): string {
  const f = F_EXCHANGE;
  const k = slots.kind[f];
  const kept = 'the field was dropped and the row kept';
  if (k !== SlotKind.Text && k !== SlotKind.Number) return `exchange must be text, got ${kindName(k)}; ${kept}`;
  const s = slots.src[f];
  const a = slots.start[f];
  const b = slots.end[f];
  const shown = previewValue(s, a, b);
  if (b - a > EXCHANGE_MAX_LENGTH) return `exchange ${shown} is longer than ${EXCHANGE_MAX_LENGTH} characters; ${kept}`;
  if (isFormulaStart(s.charCodeAt(a)))
    return `exchange ${shown} starts with ${JSON.stringify(s[a])}, which spreadsheets run as a formula; ${kept}`;
  return `exchange ${shown} has control characters; ${kept}`;
}

/** C0 and C1 control characters and DEL. */
function isControl(c: number): boolean {
  return c < 32 || (c >= 127 && c <= 159);
}

/** `=`, `+`, `-`, `@`: a cell starting with one is a formula to spreadsheet programs. */
function isFormulaStart(c: number): boolean {
  return c === 61 || c === 43 || c === 45 || c === 64;
}

/*
 * Records are built as complete literals, one per combination of the optional keys: optional
 * keys are only present when set (no `undefined` attributes reach storage), and adding them
 * after construction would cost a hidden-class transition and a property-array allocation per row.
 */

function makeTrade(
  recordId: string,
  symbol: string,
  timestamp: string,
  epochMs: number,
  minute: MinuteInfo,
  price: string,
  size: number,
  notional: string,
  source: SourceRef,
  originRegion: string,
  exchange: string | undefined,
  tradeId: string | undefined,
): TradeRecord {
  const type = 'trade';
  const { key, session } = minute;
  if (exchange !== undefined) {
    if (tradeId !== undefined) {
      return {
        recordId,
        type,
        symbol,
        timestamp,
        epochMs,
        minute: key,
        session,
        price,
        size,
        notional,
        exchange,
        tradeId,
        source,
        originRegion,
      };
    }
    return {
      recordId,
      type,
      symbol,
      timestamp,
      epochMs,
      minute: key,
      session,
      price,
      size,
      notional,
      exchange,
      source,
      originRegion,
    };
  }
  if (tradeId !== undefined) {
    return {
      recordId,
      type,
      symbol,
      timestamp,
      epochMs,
      minute: key,
      session,
      price,
      size,
      notional,
      tradeId,
      source,
      originRegion,
    };
  }
  return {
    recordId,
    type,
    symbol,
    timestamp,
    epochMs,
    minute: key,
    session,
    price,
    size,
    notional,
    source,
    originRegion,
  };
}

function makeQuote(
  recordId: string,
  symbol: string,
  timestamp: string,
  epochMs: number,
  minute: MinuteInfo,
  bid: string,
  ask: string,
  bidSize: number,
  askSize: number,
  metrics: QuoteMetrics,
  source: SourceRef,
  originRegion: string,
  exchange: string | undefined,
  tradeId: string | undefined,
): QuoteRecord {
  const type = 'quote';
  const { key, session } = minute;
  const { mid, spread, spreadBps } = metrics;
  if (exchange !== undefined) {
    if (tradeId !== undefined) {
      return {
        recordId,
        type,
        symbol,
        timestamp,
        epochMs,
        minute: key,
        session,
        bid,
        ask,
        bidSize,
        askSize,
        mid,
        spread,
        spreadBps,
        exchange,
        tradeId,
        source,
        originRegion,
      };
    }
    return {
      recordId,
      type,
      symbol,
      timestamp,
      epochMs,
      minute: key,
      session,
      bid,
      ask,
      bidSize,
      askSize,
      mid,
      spread,
      spreadBps,
      exchange,
      source,
      originRegion,
    };
  }
  if (tradeId !== undefined) {
    return {
      recordId,
      type,
      symbol,
      timestamp,
      epochMs,
      minute: key,
      session,
      bid,
      ask,
      bidSize,
      askSize,
      mid,
      spread,
      spreadBps,
      tradeId,
      source,
      originRegion,
    };
  }
  return {
    recordId,
    type,
    symbol,
    timestamp,
    epochMs,
    minute: key,
    session,
    bid,
    ask,
    bidSize,
    askSize,
    mid,
    spread,
    spreadBps,
    source,
    originRegion,
  };
}

function hasControlChar(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

function timestampMessage(status: TimestampScan, shown: string): string {
  switch (status) {
    case TimestampScan.NoZone:
      return `timestamp ${shown} has no time zone (add Z or an offset such as -05:00)`;
    case TimestampScan.EpochSeconds:
      return `timestamp ${shown} looks like epoch seconds; send epoch milliseconds or ISO-8601`;
    case TimestampScan.LeapSecond:
      return `timestamp ${shown} is a leap second (:60), which is not accepted`;
    case TimestampScan.OutOfRange:
      return `timestamp ${shown} is out of range (impossible date or time, offset, or before 1970)`;
    default:
      return `timestamp ${shown} is not ISO-8601 with a zone or epoch milliseconds`;
  }
}
