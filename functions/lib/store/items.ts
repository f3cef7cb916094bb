/**
 * Table item layouts (single table, keys `pk`/`sk`) as low-level AttributeValues — no
 * marshalling library on the hot path. Decimals go in as `N` built from the canonical decimal
 * string (exact up to 38 digits, numerically queryable) and are never routed through a JS float.
 *
 * | item        | pk                           | sk                 | indexes                                |
 * |-------------|------------------------------|--------------------|----------------------------------------|
 * | record      | `REC#<symbol>#<minute>`      | `T#<id>` / `Q#<id>`| none (both indexes are sparse)         |
 * | trade guard | `TID#<NY date>#<recordId>`   | `TID`              | none                                   |
 * | file        | `FILE#<fileId>`              | `FILE`             | gsi1 while PROCESSING                  |
 * | request key | `IDEM#<caller hash>#<key>`   | `IDEM`             | none                                   |
 * | partial bar | `BAR#<symbol>`               | `<minute>#<region>`| gsi2 `BARS#<hour>`; gsi1 if late       |
 * | reconciliation | `REC#<symbol>#<minute>`   | `FIX#<region>`     | none (expires)                         |
 * | bar arrival | `BARSEEN#<symbol>`           | `<minute>#<from>#<observer>` | gsi1 (expires)               |
 * | summary published | `SUMMARY#<windowStart>` | `<symbol>#<region>` | none                                 |
 * | summary cursor | `SUMMARY#CURSOR`          | `<region>`         | none                                   |
 *
 * Record items and trade guards are owned (see ./ownership.ts): `runId` is the run that created
 * the item, `runs` every run that stored it (the creator and runs that stored the same content
 * again), `contentHash` identifies the content (domain/record-content.ts); an item a smaller
 * line of its run took over lists the lines it displaced (`displacedLines`).
 *
 * gsi1 of bar changes: `BARCHANGES#<region>#<hour of the change>`, `<time>#<symbol>#<minute>`.
 * Every bar, reconciliation, arrival and summary item is written by one region only.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { TABLE } from '../../../contract';
import type { PartialBar, PartialValues, RegionalTrade, TradePoint } from '../domain/bars';
import { newYorkTradingDate } from '../domain/session';
import type { MarketRecord, RecordType } from '../domain/types';

/** A DynamoDB item. */
export type Item = Record<string, AttributeValue>;
/** The primary key of an item. */
export interface ItemKey {
  readonly pk: { S: string };
  readonly sk: { S: string };
}

/** Status of every stored market record. */
export const RECORD_STATUS = 'STORED';
/** Sort-key prefix of trades and quotes within a record partition. */
export const SORT_PREFIX: Readonly<Record<RecordType, string>> = { trade: TABLE.tradeSortKeyPrefix, quote: 'Q#' };

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: string | number): AttributeValue => ({ N: String(value) });

// ------------------------------------------------------------------------------ market records

/** Partition key of the records of (symbol, minute): `REC#<symbol>#<minute>`. */
export function recordPartitionKey(symbol: string, minute: string): string {
  return `${TABLE.recordKeyPrefix}${symbol}#${minute}`;
}

/** (symbol, minute) of a record partition key, or undefined when `pk` is not one. */
export function parseRecordPartitionKey(pk: string): { symbol: string; minute: string } | undefined {
  if (!pk.startsWith(TABLE.recordKeyPrefix)) return undefined;
  const rest = pk.slice(TABLE.recordKeyPrefix.length);
  // Symbols never contain '#', minutes never do either: the first '#' separates them.
  const hash = rest.indexOf('#');
  if (hash <= 0 || hash === rest.length - 1) return undefined;
  return { symbol: rest.slice(0, hash), minute: rest.slice(hash + 1) };
}

/** Primary key of a stored record (deterministic, so a redelivery overwrites the same item). */
export function recordKey(record: Pick<MarketRecord, 'symbol' | 'minute' | 'type' | 'recordId'>): ItemKey {
  return {
    pk: { S: recordPartitionKey(record.symbol, record.minute) },
    sk: { S: `${SORT_PREFIX[record.type]}${record.recordId}` },
  };
}

/**
 * The stored item of `record`. Only deterministic attributes (no ingest time): writing the same
 * record again leaves the item byte-identical, which DynamoDB does not even emit on the stream.
 */
export function recordItem(record: MarketRecord): Item {
  const item: Item = {
    ...recordKey(record),
    recordId: s(record.recordId),
    symbol: s(record.symbol),
    type: s(record.type),
    timestamp: s(record.timestamp),
    epochMs: n(record.epochMs),
    minute: s(record.minute),
    session: s(record.session),
    sourceKind: s(record.source.kind),
    sourceUri: s(record.source.uri),
    sourceLine: n(record.source.line),
    [TABLE.originRegion]: s(record.originRegion),
    status: s(RECORD_STATUS),
  };
  if (record.source.versionId !== undefined) item.sourceVersion = s(record.source.versionId);
  if (record.exchange !== undefined) item.exchange = s(record.exchange);
  if (record.tradeId !== undefined) item.tradeId = s(record.tradeId);
  if (record.type === 'trade') {
    item.price = n(record.price);
    item.size = n(record.size);
    item.notional = n(record.notional);
  } else {
    item.bid = n(record.bid);
    item.ask = n(record.ask);
    item.bidSize = n(record.bidSize);
    item.askSize = n(record.askSize);
    item.mid = n(record.mid);
    item.spread = n(record.spread);
    item.spreadBps = n(record.spreadBps);
  }
  return item;
}

/** Ownership attributes of record items and trade guards. */
export const OWNERSHIP = {
  /** The run that created the item (a file run's execution name, or an API request's run id). */
  creator: 'runId',
  /** String set: every run that stored the item; it is deleted when the last one lets go. */
  runs: 'runs',
  contentHash: 'contentHash',
} as const;

/** The ownership attributes of an item created by `runId` with content `hash`. */
function ownershipAttributes(runId: string, hash: string): Item {
  return {
    [OWNERSHIP.creator]: s(runId),
    [OWNERSHIP.runs]: { SS: [runId] },
    [OWNERSHIP.contentHash]: s(hash),
  };
}

/** The stored item of `record` as created by run `runId` (`hash`: its content hash). */
export function ownedRecordItem(record: MarketRecord, runId: string, hash: string): Item {
  return { ...recordItem(record), ...ownershipAttributes(runId, hash) };
}

/** Partition-key prefix of trade identity guards. */
export const TRADE_GUARD_PREFIX = 'TID#';

/** True for records whose identity is guarded across minutes: trades with a trade id. */
export function hasTradeGuard(record: MarketRecord): boolean {
  return record.type === 'trade' && record.tradeId !== undefined;
}

/**
 * Key of the identity guard of a trade with a trade id: one per trade identity (the record id:
 * symbol, venue, trade id) and New York trading day, so the same trade id in another minute of
 * the same day finds the trade it would duplicate.
 */
export function tradeGuardKey(record: Pick<MarketRecord, 'recordId' | 'epochMs'>): ItemKey {
  return {
    pk: { S: `${TRADE_GUARD_PREFIX}${newYorkTradingDate(record.epochMs)}#${record.recordId}` },
    sk: { S: 'TID' },
  };
}

/** The guard item of `record` as created by `runId`: where the trade is stored, and its source. */
export function tradeGuardItem(record: MarketRecord, runId: string, hash: string): Item {
  const key = recordKey(record);
  const item: Item = {
    ...tradeGuardKey(record),
    recordPk: key.pk,
    recordSk: key.sk,
    symbol: s(record.symbol),
    sourceKind: s(record.source.kind),
    sourceUri: s(record.source.uri),
    sourceLine: n(record.source.line),
    [TABLE.originRegion]: s(record.originRegion),
    ...ownershipAttributes(runId, hash),
  };
  if (record.source.versionId !== undefined) item.sourceVersion = s(record.source.versionId);
  return item;
}

/** The fields of a stored trade that a minute bar is computed from. */
export interface BarTrade {
  readonly recordId: string;
  readonly epochMs: number;
  /** Canonical decimal string. */
  readonly price: string;
  readonly size: number;
}

/** Reads a stored trade item back as a `BarTrade`. */
export function barTradeFromItem(item: Item): BarTrade {
  const recordId = item.recordId?.S;
  const epochMs = item.epochMs?.N;
  const price = item.price?.N;
  const size = item.size?.N;
  if (recordId === undefined || epochMs === undefined || price === undefined || size === undefined) {
    throw new Error(`Stored trade ${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'} lacks recordId, epochMs, price or size`);
  }
  return { recordId, epochMs: Number(epochMs), price, size: Number(size) };
}

// ------------------------------------------------------------------------------------ files

/** Status of a file run. */
export type FileStatus = 'PROCESSING' | 'COMPLETED' | 'FAILED';

/** Status-index partition of the file items still PROCESSING (the only ones the sparse index holds). */
export const PROCESSING_FILES_PARTITION = 'FILESTATUS#PROCESSING';

/** Key of the file item of `fileId`. */
export function fileKey(fileId: string): ItemKey {
  return { pk: { S: `FILE#${fileId}` }, sk: { S: 'FILE' } };
}

/** What the file item records when a run starts. */
export interface FileRun {
  readonly fileId: string;
  /** The run holding the version (its execution name). */
  readonly runId: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly processingType: string;
  readonly requestedAt: string;
  readonly size?: number;
}

/** The file item of a run that is in progress: carries the sparse status-index attributes. */
export function processingFileItem(run: FileRun, region: string): Item {
  const item: Item = {
    ...fileKey(run.fileId),
    fileId: s(run.fileId),
    [OWNERSHIP.creator]: s(run.runId),
    bucket: s(run.bucket),
    key: s(run.key),
    versionId: s(run.versionId),
    processingType: s(run.processingType),
    requestedAt: s(run.requestedAt),
    status: s('PROCESSING'),
    [TABLE.statusIndex.partitionKey]: s(PROCESSING_FILES_PARTITION),
    [TABLE.statusIndex.sortKey]: s(run.requestedAt),
    [TABLE.originRegion]: s(region),
  };
  if (run.size !== undefined) item.size = n(run.size);
  return item;
}

// ------------------------------------------------------------------------------------- bars

/** Key of `region`'s partial bar of (symbol, minute): `BAR#<symbol>` / `<minute>#<region>`. */
export function partialBarKey(symbol: string, minute: string, region: string): ItemKey {
  return { pk: { S: `${TABLE.barKeyPrefix}${symbol}` }, sk: { S: `${minute}#${region}` } };
}

/** Time-series index partition of a minute: `BARS#YYYY-MM-DDTHH` (its UTC hour). */
export function barHourPartition(minute: string): string {
  return `BARS#${minute.slice(0, 13)}`;
}

/**
 * Change-index (status index) partition of bar changes observed in `region` during the UTC hour
 * of `observedAt`: `BARCHANGES#<region>#YYYY-MM-DDTHH`.
 */
export function barChangePartition(region: string, observedAt: string): string {
  return `BARCHANGES#${region}#${observedAt.slice(0, 13)}`;
}

/** Attributes of a trade point (open or close) under `prefix`. */
function pointAttributes(prefix: string, point: TradePoint): Item {
  return { [prefix]: n(point.price), [`${prefix}Ms`]: n(point.epochMs), [`${prefix}Id`]: s(point.recordId) };
}

/** The additive fields and extremes as attributes (what a partial and a reconciliation carry). */
function partialValueAttributes(values: PartialValues): Item {
  return {
    trades: n(values.trades),
    volume: n(values.volume),
    notional: n(values.notional),
    ...(values.extremes
      ? {
          ...pointAttributes('open', values.extremes.open),
          ...pointAttributes('close', values.extremes.close),
          high: n(values.extremes.high),
          low: n(values.extremes.low),
        }
      : {}),
  };
}

/** When a partial bar is written, and whether its summary window had already closed. */
export interface PartialBarWrite {
  /** ISO time of the write. */
  readonly updatedAt: string;
  /** The minute's 5-minute window closed before (or about when) this change was made. */
  readonly late: boolean;
}

/**
 * The partial bar item: its fields, the last applied stream sequence number, the time-series
 * index attributes, and, for a change made after the summary window closed, the change-index
 * attributes the summary function looks for.
 */
export function partialBarItem(partial: PartialBar, write: PartialBarWrite): Item {
  const item: Item = {
    ...partialBarKey(partial.symbol, partial.minute, partial.region),
    symbol: s(partial.symbol),
    minute: s(partial.minute),
    ...partialValueAttributes(partial),
    updatedAt: s(write.updatedAt),
    [TABLE.timeSeriesIndex.partitionKey]: s(barHourPartition(partial.minute)),
    [TABLE.timeSeriesIndex.sortKey]: s(`${partial.minute}#${partial.symbol}#${partial.region}`),
    [TABLE.originRegion]: s(partial.region),
  };
  if (partial.sequence !== undefined) item.sequence = s(partial.sequence);
  if (write.late) {
    item[TABLE.statusIndex.partitionKey] = s(barChangePartition(partial.region, write.updatedAt));
    item[TABLE.statusIndex.sortKey] = s(`${write.updatedAt}#${partial.symbol}#${partial.minute}`);
  }
  return item;
}

function readPoint(item: Item, prefix: string): TradePoint | undefined {
  const price = item[prefix]?.N;
  const epochMs = item[`${prefix}Ms`]?.N;
  const recordId = item[`${prefix}Id`]?.S;
  return price !== undefined && epochMs !== undefined && recordId !== undefined
    ? { price, epochMs: Number(epochMs), recordId }
    : undefined;
}

/** Reads the additive fields and extremes of a partial bar or a reconciliation item. */
export function partialValuesFromItem(item: Item): PartialValues {
  const num = (name: string): string => {
    const value = item[name]?.N;
    if (value === undefined) throw new Error(`Bar item ${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'} lacks ${name}`);
    return value;
  };
  const open = readPoint(item, 'open');
  const close = readPoint(item, 'close');
  const high = item.high?.N;
  const low = item.low?.N;
  return {
    trades: Number(num('trades')),
    volume: Number(num('volume')),
    notional: num('notional'),
    ...(open && close && high !== undefined && low !== undefined ? { extremes: { open, close, high, low } } : {}),
  };
}

/** Reads a partial bar item back. */
export function partialBarFromItem(item: Item): PartialBar {
  const symbol = item.symbol?.S;
  const minute = item.minute?.S;
  const region = item[TABLE.originRegion]?.S;
  if (symbol === undefined || minute === undefined || region === undefined)
    throw new Error(
      `Bar item ${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'} lacks symbol, minute or ${TABLE.originRegion}`,
    );
  return {
    symbol,
    minute,
    region,
    ...partialValuesFromItem(item),
    ...(item.sequence?.S !== undefined ? { sequence: item.sequence.S } : {}),
  };
}

/** The bar fields and origin of a stored trade (a table item or a stream image). */
export function regionalTradeFromItem(item: Item): RegionalTrade {
  const originRegion = item[TABLE.originRegion]?.S;
  if (originRegion === undefined)
    throw new Error(`Stored trade ${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'} lacks ${TABLE.originRegion}`);
  return { ...barTradeFromItem(item), originRegion };
}

/** Key of `region`'s reconciliation of (symbol, minute), in the minute's record partition. */
export function reconcileKey(symbol: string, minute: string, region: string): ItemKey {
  return {
    pk: { S: recordPartitionKey(symbol, minute) },
    sk: { S: `${TABLE.reconcileSortKeyPrefix}${region}` },
  };
}

/**
 * A reconciliation of `region`'s partial bar: the values recomputed from the stored trades. The
 * bars function of `region` applies it when it arrives on the stream, in order with the trades.
 * It expires (TTL) after `expiresAtSeconds`.
 */
export function reconcileItem(
  symbol: string,
  minute: string,
  region: string,
  values: PartialValues,
  requestedAt: string,
  expiresAtSeconds: number,
): Item {
  return {
    ...reconcileKey(symbol, minute, region),
    symbol: s(symbol),
    minute: s(minute),
    ...partialValueAttributes(values),
    requestedAt: s(requestedAt),
    [TABLE.originRegion]: s(region),
    [TABLE.ttl]: n(expiresAtSeconds),
  };
}

/**
 * What `observer`'s bars function writes when a partial bar of `from` (another region) arrives
 * by replication for a minute whose summary window had closed: an entry in `observer`'s change
 * index, so the summary there revises the window whatever the replication delay was. One item
 * per (symbol, minute, from, observer), overwritten by later arrivals; it expires (TTL).
 */
export function barArrivalItem(
  symbol: string,
  minute: string,
  from: string,
  observer: string,
  observedAt: string,
  expiresAtSeconds: number,
): Item {
  return {
    pk: { S: `BARSEEN#${symbol}` },
    sk: { S: `${minute}#${from}#${observer}` },
    symbol: s(symbol),
    minute: s(minute),
    [TABLE.statusIndex.partitionKey]: s(barChangePartition(observer, observedAt)),
    [TABLE.statusIndex.sortKey]: s(`${observedAt}#${symbol}#${minute}#${from}`),
    [TABLE.originRegion]: s(observer),
    [TABLE.ttl]: n(expiresAtSeconds),
  };
}

/** (symbol, minute) of a change-index entry (a late partial bar or an arrival marker). */
export function changedMinuteFromItem(item: Item): { symbol: string; minute: string } {
  const symbol = item.symbol?.S;
  const minute = item.minute?.S;
  if (symbol === undefined || minute === undefined)
    throw new Error(`Change-index item ${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'} lacks symbol or minute`);
  return { symbol, minute };
}

// -------------------------------------------------------------------------------- summaries

/** What was published for (window, symbol) by the summary function of `region`. */
export interface PublishedSummary {
  readonly windowStart: string;
  readonly symbol: string;
  readonly region: string;
  /** sha-256 of the summary's values: a different fingerprint means the window changed. */
  readonly fingerprint: string;
  /** 0 for the first publication, then 1, 2, ... for each revision. */
  readonly revision: number;
  readonly publishedAt: string;
}

/** Partition of the publications of a window: `SUMMARY#<windowStart>`. */
export function summaryPartition(windowStart: string): string {
  return `SUMMARY#${windowStart}`;
}

/** Item of a publication (one per window, symbol and publishing region). */
export function publishedSummaryItem(published: PublishedSummary): Item {
  return {
    pk: s(summaryPartition(published.windowStart)),
    sk: s(`${published.symbol}#${published.region}`),
    windowStart: s(published.windowStart),
    symbol: s(published.symbol),
    fingerprint: s(published.fingerprint),
    revision: n(published.revision),
    publishedAt: s(published.publishedAt),
    [TABLE.originRegion]: s(published.region),
  };
}

/** Reads a publication item back. */
export function publishedSummaryFromItem(item: Item): PublishedSummary {
  const get = (name: string): string => {
    const value = item[name]?.S ?? item[name]?.N;
    if (value === undefined) throw new Error(`Summary item ${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'} lacks ${name}`);
    return value;
  };
  return {
    windowStart: get('windowStart'),
    symbol: get('symbol'),
    region: get(TABLE.originRegion),
    fingerprint: get('fingerprint'),
    revision: Number(get('revision')),
    publishedAt: get('publishedAt'),
  };
}

/** Key of the summary function's change-index cursor in `region`. */
export function summaryCursorKey(region: string): ItemKey {
  return { pk: { S: 'SUMMARY#CURSOR' }, sk: { S: region } };
}

// ------------------------------------------------------------------------------------- size

/**
 * Size DynamoDB bills for `item` (its documented rules): names + values, strings in UTF-8,
 * numbers ~1 byte per two significant digits + 1, maps/lists 3 bytes + 1 per element.
 */
export function itemSizeBytes(item: Item): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += Buffer.byteLength(name) + attributeValueSize(value);
  return total;
}

function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, v) => sum + Buffer.byteLength(v), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, v) => sum + numberSize(v), 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + attributeValueSize(v), 0);
  if (value.M !== undefined)
    return (
      3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + attributeValueSize(v), 0)
    );
  return 0;
}

function numberSize(value: string): number {
  const digits = value.replace(/[-+.]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}
