/**
 * Validation and normalisation of one row, independent of the input format. The readers
 * (`csv-reader.ts`, `ndjson-reader.ts`, `json-reader.ts`, `validateObjects`) fill a
 * {@link RowSlots} with the text span of each contract field; {@link RecordNormaliser} turns it
 * into an enriched `MarketRecord` or a `Reject`, allocating nothing but the record (and the
 * reject, for bad rows).
 *
 * Checks run in this order and the first failure is reported: MALFORMED (reader problems, nested
 * values), UNKNOWN_TYPE, MISSING_FIELD (`row-shape.ts`), INVALID_SYMBOL, INVALID_TIMESTAMP,
 * FUTURE_TIMESTAMP, MALFORMED (bad `tradeId`), INVALID_PRICE, INVALID_SIZE, CROSSED_QUOTE. Each
 * field's rule is in its `*-field.ts`. An optional field never costs a valid row: an unusable
 * `exchange` is dropped with a warning and the row is kept.
 */
import { newScannedPrice, PriceScan } from '../domain/decimal';
import { compareScanned, MinuteCache, newQuoteMetrics, quoteMetrics, tradeNotional } from '../domain/enrichment';
import {
  elementRecordId,
  isVerbatimTradeId,
  lineRecordId,
  sourceIdPrefix,
  tradeRecordId,
  type SourceIdentity,
} from '../domain/ids';
import { formatSecondsSuffix, newScannedTimestamp, TimestampScan } from '../domain/timestamps';
import type { MarketRecord, ReasonCode, SourceRef } from '../domain/types';
import { exchangeProblem, readExchange } from './exchange-field';
import { Field } from './fields';
import { priceProblem, readPrice } from './price-field';
import { makeQuote, makeTrade } from './record-builders';
import type { ResultSink } from './result-sink';
import { RowSlots, SlotKind } from './row-slots';
import { missingFieldProblem, nestedFieldProblem, readRecordType, RecordType, unknownTypeProblem } from './row-shape';
import { readSize, sizeProblem } from './size-field';
import { StringInterner } from './string-interner';
import { readSymbol, symbolProblem } from './symbol-field';
import { futureTimestampProblem, FUTURE_TOLERANCE_MS, readTimestamp, timestampProblem } from './timestamp-field';
import { tradeIdProblem } from './trade-id-field';

// Imported bindings are copied to module constants once: transpilers that emit CommonJS (tsx,
// the jest transform) turn every use of an imported binding into a getter call, which the per-row
// path cannot afford. (An esbuild bundle would not need this; it costs nothing there.)
const {
  timestamp: F_TIMESTAMP,
  price: F_PRICE,
  size: F_SIZE,
  bid: F_BID,
  ask: F_ASK,
  bidSize: F_BID_SIZE,
  askSize: F_ASK_SIZE,
  exchange: F_EXCHANGE,
  tradeId: F_TRADE_ID,
} = Field;
const ABSENT = SlotKind.Absent;
const UNKNOWN_TYPE = RecordType.Unknown;
const TRADE = RecordType.Trade;
const PRICE_OK = PriceScan.Ok;
const TIMESTAMP_OK = TimestampScan.Ok;
const nestedFieldProblemHot = nestedFieldProblem;
const readRecordTypeHot = readRecordType;
const missingFieldProblemHot = missingFieldProblem;
const readSymbolHot = readSymbol;
const readTimestampHot = readTimestamp;
const tradeIdProblemHot = tradeIdProblem;
const readExchangeHot = readExchange;
const readPriceHot = readPrice;
const readSizeHot = readSize;
const makeTradeHot = makeTrade;
const makeQuoteHot = makeQuote;
const formatSecondsSuffixHot = formatSecondsSuffix;
const tradeNotionalHot = tradeNotional;
const quoteMetricsHot = quoteMetrics;
const compareScannedHot = compareScanned;
const isVerbatimTradeIdHot = isVerbatimTradeId;
const elementRecordIdHot = elementRecordId;
const tradeRecordIdHot = tradeRecordId;

/** Where the records of one run come from and where they are accepted. */
export interface NormaliserContext {
  readonly source: SourceIdentity;
  readonly originRegion: string;
  /** Epoch ms used for FUTURE_TIMESTAMP. */
  readonly now: number;
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
  // The sizes of the row being read (prices and quote metrics go to the buffers above).
  private size = 0;
  private bidSize = 0;
  private askSize = 0;

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
    const malformed = slots.malformed ?? (slots.hasNested ? nestedFieldProblemHot(slots) : undefined);
    if (malformed !== undefined) return this.reject(sink, line, 'MALFORMED', malformed);
    const type = readRecordTypeHot(slots);
    if (type === UNKNOWN_TYPE) return this.reject(sink, line, 'UNKNOWN_TYPE', unknownTypeProblem(slots));
    const missing = missingFieldProblemHot(slots, type);
    if (missing !== undefined) return this.reject(sink, line, 'MISSING_FIELD', missing);
    const symbol = readSymbolHot(slots, this.symbols);
    if (symbol === undefined) return this.reject(sink, line, 'INVALID_SYMBOL', symbolProblem(slots));
    const tsStatus = readTimestampHot(slots, this.ts);
    if (tsStatus !== TIMESTAMP_OK) {
      return this.reject(sink, line, 'INVALID_TIMESTAMP', timestampProblem(slots, tsStatus));
    }
    if (this.ts.epochMs > this.latestAllowed) {
      return this.reject(sink, line, 'FUTURE_TIMESTAMP', futureTimestampProblem(slots));
    }
    const hasTradeId = slots.kind[F_TRADE_ID] !== ABSENT;
    const badTradeId = hasTradeId ? tradeIdProblemHot(slots) : undefined;
    if (badTradeId !== undefined) return this.reject(sink, line, 'MALFORMED', badTradeId);
    const isTrade = type === TRADE;
    if (!(isTrade ? this.readTradeValues(slots, line, sink) : this.readQuoteValues(slots, line, sink))) return;

    const hasExchange = slots.kind[F_EXCHANGE] !== ABSENT;
    const exchange = hasExchange ? readExchangeHot(slots, this.exchanges) : undefined;
    const tradeId = hasTradeId
      ? slots.src[F_TRADE_ID].slice(slots.start[F_TRADE_ID], slots.end[F_TRADE_ID])
      : undefined;
    const record = this.buildRecord(slots, line, element, isTrade, symbol, exchange, tradeId);
    if (hasExchange && exchange === undefined) {
      sink.warnings.push({ line, field: 'exchange', warning: 'FIELD_DROPPED', message: exchangeProblem(slots) });
    }
    sink.records.push(record);
  }

  /** Reads a trade's price and size into `price` and `size`; false when it rejected the row. */
  private readTradeValues(slots: RowSlots, line: number, sink: ResultSink): boolean {
    const status = readPriceHot(slots, F_PRICE, this.price);
    if (status !== PRICE_OK) {
      this.reject(sink, line, 'INVALID_PRICE', priceProblem(slots, F_PRICE, status));
      return false;
    }
    const size = readSizeHot(slots, F_SIZE);
    if (size <= 0) {
      this.reject(sink, line, 'INVALID_SIZE', sizeProblem(slots, F_SIZE, size, true));
      return false;
    }
    this.size = size;
    return true;
  }

  /**
   * Reads a quote's prices and sizes into `bid`, `ask`, `bidSize`, `askSize` and its `metrics`;
   * false when it rejected the row.
   */
  private readQuoteValues(slots: RowSlots, line: number, sink: ResultSink): boolean {
    const bid = this.bid;
    const ask = this.ask;
    let status = readPriceHot(slots, F_BID, bid);
    if (status !== PRICE_OK) {
      this.reject(sink, line, 'INVALID_PRICE', priceProblem(slots, F_BID, status));
      return false;
    }
    status = readPriceHot(slots, F_ASK, ask);
    if (status !== PRICE_OK) {
      this.reject(sink, line, 'INVALID_PRICE', priceProblem(slots, F_ASK, status));
      return false;
    }
    const bidSize = readSizeHot(slots, F_BID_SIZE);
    if (bidSize < 0) {
      this.reject(sink, line, 'INVALID_SIZE', sizeProblem(slots, F_BID_SIZE, bidSize, false));
      return false;
    }
    const askSize = readSizeHot(slots, F_ASK_SIZE);
    if (askSize < 0) {
      this.reject(sink, line, 'INVALID_SIZE', sizeProblem(slots, F_ASK_SIZE, askSize, false));
      return false;
    }
    if (compareScannedHot(bid, ask) > 0) {
      this.reject(sink, line, 'CROSSED_QUOTE', `bid ${bid.text} is above ask ${ask.text}`);
      return false;
    }
    quoteMetricsHot(bid, ask, this.metrics);
    this.bidSize = bidSize;
    this.askSize = askSize;
    return true;
  }

  /** The record of a row whose checks and values all passed. */
  private buildRecord(
    slots: RowSlots,
    line: number,
    element: number,
    isTrade: boolean,
    symbol: string,
    exchange: string | undefined,
    tradeId: string | undefined,
  ): MarketRecord {
    const epochMs = this.ts.epochMs;
    const recordId = this.recordId(slots, line, element, symbol, exchange, tradeId);
    const minute = this.minutes.get(epochMs);
    const timestamp = this.ts.canonical
      ? slots.src[F_TIMESTAMP].slice(slots.start[F_TIMESTAMP], slots.end[F_TIMESTAMP])
      : minute.prefix + formatSecondsSuffixHot(epochMs);
    const source = this.sourceRef(line, element);
    if (isTrade) {
      const price = this.price;
      const size = this.size;
      return makeTradeHot(
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
    }
    return makeQuoteHot(
      recordId,
      symbol,
      timestamp,
      epochMs,
      minute,
      this.bid.text,
      this.ask.text,
      this.bidSize,
      this.askSize,
      this.metrics,
      source,
      this.originRegion,
      exchange,
      tradeId,
    );
  }

  /** The trade's identity when it has a trade id, else the row's position in its source. */
  private recordId(
    slots: RowSlots,
    line: number,
    element: number,
    symbol: string,
    exchange: string | undefined,
    tradeId: string | undefined,
  ): string {
    if (tradeId === undefined)
      return element < 0 ? this.idPrefixDash + line : elementRecordIdHot(this.idPrefix, element);
    return exchange === undefined &&
      isVerbatimTradeIdHot(slots.src[F_TRADE_ID], slots.start[F_TRADE_ID], slots.end[F_TRADE_ID])
      ? `t-${symbol}-${tradeId}`
      : tradeRecordIdHot(symbol, tradeId, exchange);
  }

  /** Where the row came from: the source, its line and, in a JSON file, its element. */
  private sourceRef(line: number, element: number): SourceRef {
    const source: SourceRef =
      this.versionId === undefined
        ? { kind: this.kind, uri: this.uri, line }
        : { kind: this.kind, uri: this.uri, versionId: this.versionId, line };
    return element >= 0 ? { ...source, element } : source;
  }
}
