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
 * | bar         | `BAR#<symbol>`               | `<minute>`         | gsi2 = `BARS#<hour>`, `<minute>#<sym>` |
 *
 * Record items and trade guards are owned (see ./ownership.ts): `runId` is the run that created
 * the item, `runs` every run that stored it (the creator and runs that stored the same content
 * again), `contentHash` identifies the content (domain/record-content.ts); an item a smaller
 * line of its run took over lists the lines it displaced (`displacedLines`).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { TABLE } from '../../../contract';
import { newYorkTradingDate } from '../domain/session';
import type { MarketRecord, MinuteBar, RecordType } from '../domain/types';

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
export const SORT_PREFIX: Readonly<Record<RecordType, string>> = { trade: 'T#', quote: 'Q#' };

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
    [TABLE.statusIndex.partitionKey]: s('FILESTATUS#PROCESSING'),
    [TABLE.statusIndex.sortKey]: s(run.requestedAt),
    [TABLE.originRegion]: s(region),
  };
  if (run.size !== undefined) item.size = n(run.size);
  return item;
}

// ------------------------------------------------------------------------------------- bars

/** Key of the bar of (symbol, minute). */
export function barKey(symbol: string, minute: string): ItemKey {
  return { pk: { S: `BAR#${symbol}` }, sk: { S: minute } };
}

/** Time-series index partition of a minute: `BARS#YYYY-MM-DDTHH` (its UTC hour). */
export function barHourPartition(minute: string): string {
  return `BARS#${minute.slice(0, 13)}`;
}

/** The bar item: all bar fields plus the sparse time-series index attributes. */
export function barItem(bar: MinuteBar, region: string): Item {
  return {
    ...barKey(bar.symbol, bar.minute),
    symbol: s(bar.symbol),
    minute: s(bar.minute),
    open: n(bar.open),
    high: n(bar.high),
    low: n(bar.low),
    close: n(bar.close),
    volume: n(bar.volume),
    trades: n(bar.trades),
    vwap: n(bar.vwap),
    notional: n(bar.notional),
    [TABLE.timeSeriesIndex.partitionKey]: s(barHourPartition(bar.minute)),
    [TABLE.timeSeriesIndex.sortKey]: s(`${bar.minute}#${bar.symbol}`),
    [TABLE.originRegion]: s(region),
  };
}

/** Reads a bar item back. */
export function barFromItem(item: Item): MinuteBar {
  const str = (name: string): string => {
    const value = item[name]?.S ?? item[name]?.N;
    if (value === undefined) throw new Error(`Bar item ${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'} lacks ${name}`);
    return value;
  };
  return {
    symbol: str('symbol'),
    minute: str('minute'),
    open: str('open'),
    high: str('high'),
    low: str('low'),
    close: str('close'),
    volume: Number(str('volume')),
    trades: Number(str('trades')),
    vwap: str('vwap'),
    notional: str('notional'),
  };
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
