/**
 * Defensive shape check of a `MarketRecord` that crossed a process boundary (an SQS message,
 * a staged chunk). The data path produced it, but a message can be hand-crafted, replayed from
 * an old archive or truncated; storing a malformed item would poison the bars. The check is
 * structural (types, formats) — business validation already happened in the data path.
 */
import { parseDecimal } from './decimal';
import { isStoredSymbol, SYMBOL_RULE } from './symbol';
import type { MarketRecord } from './types';

/** A value that should be a MarketRecord is not one; `field` names the first problem. */
export class MalformedRecordError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`Malformed market record: ${field} ${detail}`);
    this.name = 'MalformedRecordError';
  }
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/;
const SESSIONS = new Set(['pre', 'regular', 'post', 'closed']);

type Bag = Record<string, unknown>;

function str(bag: Bag, field: string, optional = false): void {
  const value = bag[field];
  if (value === undefined && optional) return;
  if (typeof value !== 'string' || value.length === 0)
    throw new MalformedRecordError(field, 'must be a non-empty string');
}

function decimal(bag: Bag, field: string): void {
  const value = bag[field];
  // Canonical only: the stored N attribute and the bar arithmetic rely on it.
  if (typeof value !== 'string' || parseDecimal(value) !== value)
    throw new MalformedRecordError(field, 'must be a canonical decimal string');
}

function integer(bag: Bag, field: string): void {
  const value = bag[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new MalformedRecordError(field, 'must be a non-negative integer');
}

/**
 * Returns `value` typed as a MarketRecord.
 * @throws MalformedRecordError naming the first field that is wrong.
 */
export function assertMarketRecord(value: unknown): MarketRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new MalformedRecordError('record', 'must be an object');
  const bag = value as Bag;
  str(bag, 'recordId');
  str(bag, 'originRegion');
  if (typeof bag.symbol !== 'string' || !isStoredSymbol(bag.symbol))
    throw new MalformedRecordError('symbol', `must be upper-case, ${SYMBOL_RULE}`);
  if (typeof bag.timestamp !== 'string' || !TIMESTAMP.test(bag.timestamp))
    throw new MalformedRecordError('timestamp', 'must be a UTC ISO timestamp with milliseconds');
  if (typeof bag.minute !== 'string' || !MINUTE.test(bag.minute))
    throw new MalformedRecordError('minute', 'must be a minute key');
  if (typeof bag.epochMs !== 'number' || !Number.isSafeInteger(bag.epochMs))
    throw new MalformedRecordError('epochMs', 'must be an integer');
  if (new Date(bag.epochMs).toISOString() !== bag.timestamp)
    throw new MalformedRecordError('epochMs', 'must equal timestamp');
  if (bag.timestamp.slice(0, 16) !== bag.minute.slice(0, 16))
    throw new MalformedRecordError('minute', 'must be the minute of timestamp');
  if (typeof bag.session !== 'string' || !SESSIONS.has(bag.session))
    throw new MalformedRecordError('session', 'must be pre, regular, post or closed');
  str(bag, 'exchange', true);
  str(bag, 'tradeId', true);
  const source = bag.source as Bag | undefined;
  if (!source || typeof source !== 'object') throw new MalformedRecordError('source', 'must be an object');
  if (source.kind !== 's3' && source.kind !== 'api') throw new MalformedRecordError('source.kind', 'must be s3 or api');
  str(source, 'uri');
  str(source, 'versionId', true);
  integer(source, 'line');
  if (bag.type === 'trade') {
    decimal(bag, 'price');
    decimal(bag, 'notional');
    integer(bag, 'size');
  } else if (bag.type === 'quote') {
    for (const field of ['bid', 'ask', 'mid', 'spread', 'spreadBps']) decimal(bag, field);
    integer(bag, 'bidSize');
    integer(bag, 'askSize');
  } else {
    throw new MalformedRecordError('type', 'must be trade or quote');
  }
  return value as MarketRecord;
}
