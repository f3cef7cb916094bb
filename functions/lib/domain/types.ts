/**
 * The data contract (README: Data contract) as types. The data path (`parsing`, `validation`,
 * `enrichment`) produces these; storage, bars, the handlers and the local run consume them.
 */

/** Why a row was rejected. */
export type ReasonCode =
  | 'MALFORMED'
  | 'MISSING_FIELD'
  | 'INVALID_SYMBOL'
  | 'INVALID_TIMESTAMP'
  | 'FUTURE_TIMESTAMP'
  | 'INVALID_PRICE'
  | 'INVALID_SIZE'
  | 'CROSSED_QUOTE'
  | 'UNKNOWN_TYPE'
  | 'CONFLICTING_DUPLICATE';

export const REASON_CODES: readonly ReasonCode[] = [
  'MALFORMED',
  'MISSING_FIELD',
  'INVALID_SYMBOL',
  'INVALID_TIMESTAMP',
  'FUTURE_TIMESTAMP',
  'INVALID_PRICE',
  'INVALID_SIZE',
  'CROSSED_QUOTE',
  'UNKNOWN_TYPE',
  'CONFLICTING_DUPLICATE',
];

/** One rejected row: `line` is the 1-based line in a file, or the 0-based index in an API request. */
export interface Reject {
  readonly line: number;
  readonly reason: ReasonCode;
  readonly message: string;
  /** CONFLICTING_DUPLICATE only: the stored row this one conflicts with (it was kept). */
  readonly conflictsWith?: StoredSource;
}

/** Where a stored record came from: enough to find its row (file and line, or request and index). */
export interface StoredSource {
  readonly sourceUri: string;
  readonly versionId?: string;
  /** 1-based line of a file, or 0-based index of an API request. */
  readonly line: number;
}

/** Why a kept row carries a warning. */
export type WarningCode = 'FIELD_DROPPED';

export const WARNING_CODES: readonly WarningCode[] = ['FIELD_DROPPED'];

/** The optional fields a row may lose and still be kept. */
export type DroppableField = 'exchange';

export const DROPPABLE_FIELDS: readonly DroppableField[] = ['exchange'];

/** A kept row that lost an optional field (`line` as in {@link Reject}). */
export interface ValidationWarning {
  readonly line: number;
  readonly field: DroppableField;
  readonly warning: WarningCode;
  readonly message: string;
}

export type RecordType = 'trade' | 'quote';
export type InputFormat = 'csv' | 'json' | 'ndjson';
/** US-equities session in New York time. */
export type MarketSession = 'pre' | 'regular' | 'post' | 'closed';

/** Where a record came from. */
export interface SourceRef {
  /** `s3` for files, `api` for HTTP requests. */
  readonly kind: 's3' | 'api';
  /** `s3://bucket/key` for files; the API request id for requests. */
  readonly uri: string;
  /** S3 object version (files only, when the bucket is versioned). */
  readonly versionId?: string;
  /** 1-based line (files) or 0-based index (API). */
  readonly line: number;
  /**
   * JSON files only: 0-based position of the record among the file's JSON values (a JSON array
   * may hold many records on one line, so the line alone does not identify them).
   */
  readonly element?: number;
}

interface RecordBase {
  /** Deterministic id: from `tradeId` (+ symbol) when present, else from source object + line. */
  readonly recordId: string;
  /** Upper-cased, matches `^[A-Z][A-Z0-9.-]{0,11}$`. */
  readonly symbol: string;
  /** UTC, millisecond precision: `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
  readonly timestamp: string;
  /** Epoch milliseconds of `timestamp`. */
  readonly epochMs: number;
  /** `YYYY-MM-DDTHH:MM:00.000Z`. */
  readonly minute: string;
  readonly session: MarketSession;
  readonly exchange?: string;
  readonly tradeId?: string;
  readonly source: SourceRef;
  /** Region that accepted the record (stamped on the stored item). */
  readonly originRegion: string;
}

/** Prices are canonical decimal strings (no exponent, no float round-trip); sizes are integers. */
export interface TradeRecord extends RecordBase {
  readonly type: 'trade';
  readonly price: string;
  readonly size: number;
  /** price × size, exact. */
  readonly notional: string;
}

export interface QuoteRecord extends RecordBase {
  readonly type: 'quote';
  readonly bid: string;
  readonly ask: string;
  readonly bidSize: number;
  readonly askSize: number;
  /** (bid + ask) / 2, exact. */
  readonly mid: string;
  /** ask − bid, exact. */
  readonly spread: string;
  /** spread / mid × 10 000, rounded half-even to 4 decimals ("0" when mid is 0). */
  readonly spreadBps: string;
}

export type MarketRecord = TradeRecord | QuoteRecord;

/** Exact minute bar (README: Data contract). Decimal fields are canonical decimal strings. */
export interface MinuteBar {
  readonly symbol: string;
  /** `YYYY-MM-DDTHH:MM:00.000Z`. */
  readonly minute: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: number;
  readonly trades: number;
  /** Σ(price·size)/Σ size, rounded half-even to 8 decimals. */
  readonly vwap: string;
  /** Σ(price·size), exact. */
  readonly notional: string;
}

/** Result of validating a batch of rows. */
export interface ValidationResult {
  readonly records: MarketRecord[];
  readonly rejects: Reject[];
  /** Rows kept without an optional field. */
  readonly warnings: ValidationWarning[];
}
