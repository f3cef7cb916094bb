/**
 * Storing market records under ownership (./ownership.ts), for the file workflow (StoreChunk)
 * and the API path (processor). Per new record one conditional request (two when the same
 * content is already stored: the failed create and the join), and as many again for the identity
 * guard of a trade with a trade id:
 *
 * 1. the record item is claimed: created, or joined when the same content is already stored
 *    (a duplicate: nothing changes but the holders), or found to hold other content — a
 *    CONFLICTING_DUPLICATE of the stored row, which is kept;
 * 2. a trade with a trade id then claims its guard (one per trade identity and trading day):
 *    another content there means the trade id was used for another trade that day, in another
 *    minute; the row is a CONFLICTING_DUPLICATE and undoes its record write.
 *
 * Within one run the outcome does not depend on chunk order or concurrency: of two rows with one
 * identity and different content the smaller line wins, taking over the item the larger line
 * wrote (and reporting that line as the conflict). Rows with one identity are written one after
 * another, in line order, within a batch.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../aws/clients/dynamodb';
import { mapWithConcurrency } from '../aws/batching';
import { contentHash } from '../domain/record-content';
import type { MarketRecord, Reject, StoredSource } from '../domain/types';
import { hasTradeGuard, type Item, ownedRecordItem, tradeGuardItem, tradeGuardKey, recordKey } from './items';
import { claimItem, creatorOf, holdersOf, keyOf, releaseItem, takeOverItem } from './ownership';

/** One record to store and the run storing it (a file run's execution name, an API request's run id). */
export interface StoreRequest {
  readonly record: MarketRecord;
  readonly runId: string;
}

/** What became of one record. */
export interface RecordWriteResult {
  /**
   * `stored`: this row's record is in the table, written by its run. `duplicate`: the same
   * content was already stored (by another run, or another row of this run). `conflict`: other
   * content is stored under its identity (see `reject`). `superseded`: a smaller line of the same
   * run with other content took its place and reported it (counted there, not here).
   * `failed`: the write failed after the client's retries (see `error`).
   */
  readonly status: 'stored' | 'duplicate' | 'conflict' | 'superseded' | 'failed';
  readonly reject?: Reject;
  /** Rows of the same run this row took the place of: they had been stored, they are conflicts now. */
  readonly displaced: readonly Reject[];
  readonly error?: unknown;
}

/** Totals of a batch. */
export interface StoreSummary {
  /** Records this batch stored (net of rows it displaced that an earlier batch had stored). */
  readonly stored: number;
  /** Rows whose content was already stored. */
  readonly duplicates: number;
  /** CONFLICTING_DUPLICATE rejects, by line. */
  readonly conflicts: Reject[];
  /** Rows whose write failed. */
  readonly failed: number;
}

/** Options of {@link storeRecords}. */
export interface StoreOptions {
  readonly client?: DynamoDBClient;
  /** Identities written at once. Default 32. */
  readonly concurrency?: number;
}

interface Context {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** Rounds of claim → take over when the item keeps changing under a take-over. */
const TAKE_OVER_ROUNDS = 3;

/** Where the stored row of `item` came from. */
export function storedSourceOf(item: Item): StoredSource {
  return {
    sourceUri: item.sourceUri?.S ?? 'unknown',
    ...(item.sourceVersion?.S !== undefined ? { versionId: item.sourceVersion.S } : {}),
    line: Number(item.sourceLine?.N ?? -1),
  };
}

/** "trade 1001 on XNAS of AAPL" / "quote q-1 of MSFT": how a reject names the identity. */
function identityOf(record: MarketRecord): string {
  if (record.tradeId === undefined) return `${record.type} ${record.recordId}`;
  const venue = record.exchange !== undefined ? ` on ${record.exchange}` : '';
  return `${record.type} ${record.tradeId}${venue} of ${record.symbol}`;
}

/** "line 2", "record 3 of api://…", "line 2 of s3://b/k.csv": where a stored row came from, seen from `record`. */
function describeSource(source: StoredSource, kind: string | undefined, record: MarketRecord): string {
  const unit = kind === 'api' ? 'record' : 'line';
  return source.sourceUri === record.source.uri
    ? `${unit} ${source.line}`
    : `${unit} ${source.line} of ${source.sourceUri}`;
}

/** The CONFLICTING_DUPLICATE reject of `record`, which lost to the stored `existing`. */
function conflictReject(record: MarketRecord, existing: Item): Reject {
  const conflictsWith = storedSourceOf(existing);
  return {
    line: record.source.line,
    reason: 'CONFLICTING_DUPLICATE',
    message:
      `${identityOf(record)} was already stored with other content from ` +
      `${describeSource(conflictsWith, existing.sourceKind?.S, record)}; the stored version is kept`,
    conflictsWith,
  };
}

/** The reject of the row on `line` whose place `record`, a smaller line of the same run, took. */
function displacedReject(record: MarketRecord, line: number): Reject {
  const winner: StoredSource = {
    sourceUri: record.source.uri,
    ...(record.source.versionId !== undefined ? { versionId: record.source.versionId } : {}),
    line: record.source.line,
  };
  const unit = record.source.kind === 'api' ? 'record' : 'line';
  return {
    line,
    reason: 'CONFLICTING_DUPLICATE',
    message: `${identityOf(record)} has other content on ${unit} ${record.source.line}, which comes first and is kept`,
    conflictsWith: winner,
  };
}

/** Adds the rejects of the rows on `lines` that `record` displaced, once per line. */
function addDisplaced(displaced: Reject[], record: MarketRecord, lines: readonly number[]): void {
  for (const line of lines) if (!displaced.some((d) => d.line === line)) displaced.push(displacedReject(record, line));
}

/** Lines a take-over displaced, as the item remembers them (so a retried batch reports them again). */
const DISPLACED_LINES = 'displacedLines';

function displacedLinesOf(item: Item): number[] {
  return (item[DISPLACED_LINES]?.NS ?? []).map(Number);
}

/** Whether `request` may take over `existing`: its run alone holds it, written from a later line of the same source. */
function canTakeOver(existing: Item, request: StoreRequest): boolean {
  const holders = holdersOf(existing);
  return (
    creatorOf(existing) === request.runId &&
    holders.length === 1 &&
    holders[0] === request.runId &&
    existing.sourceUri?.S === request.record.source.uri &&
    Number(existing.sourceLine?.N) > request.record.source.line
  );
}

/** Whether `item` (joined) is this very row's own earlier write (a retried batch). */
function isOwnWrite(previous: Item, request: StoreRequest): boolean {
  return (
    creatorOf(previous) === request.runId &&
    previous.sourceUri?.S === request.record.source.uri &&
    previous.sourceLine?.N === String(request.record.source.line)
  );
}

type Claimed = { readonly kind: 'stored' | 'duplicate' } | { readonly kind: 'conflict'; readonly existing: Item };

/**
 * Claims `item` for `request`, taking over a later line of the same run. Displaced rows are
 * added to `displaced` (once per line); a displaced guard's record item is released.
 */
async function claimOwned(ctx: Context, item: Item, request: StoreRequest, displaced: Reject[]): Promise<Claimed> {
  for (let round = 0; round < TAKE_OVER_ROUNDS; round++) {
    const claim = await claimItem(ctx.client, ctx.tableName, item);
    if (claim.kind === 'created') return { kind: 'stored' };
    if (claim.kind === 'joined') {
      if (!isOwnWrite(claim.previous, request)) return { kind: 'duplicate' };
      // A retried batch: report again what its first attempt displaced.
      addDisplaced(displaced, request.record, displacedLinesOf(claim.previous));
      return { kind: 'stored' };
    }
    const existing = claim.existing;
    if (!canTakeOver(existing, request)) return { kind: 'conflict', existing };
    const line = Number(existing.sourceLine?.N);
    // A displaced guard stood for a record in another minute: that record goes first, so a
    // crash between the two steps leaves a guard to take over again, never an orphan record.
    const pk = existing.recordPk?.S;
    const sk = existing.recordSk?.S;
    if (pk !== undefined && sk !== undefined && (pk !== item.recordPk?.S || sk !== item.recordSk?.S)) {
      await releaseItem(ctx.client, ctx.tableName, { pk: { S: pk }, sk: { S: sk } }, request.runId, {
        sourceUri: request.record.source.uri,
        line,
      });
    }
    const lines = [...displacedLinesOf(existing), line];
    const replacement: Item = { ...item, [DISPLACED_LINES]: { NS: lines.map(String) } };
    if (!(await takeOverItem(ctx.client, ctx.tableName, replacement, existing))) continue;
    addDisplaced(displaced, request.record, lines);
    return { kind: 'stored' };
  }
  // The item kept changing under the take-over: treat the stored row as first.
  const again = await claimItem(ctx.client, ctx.tableName, item);
  return again.kind === 'conflict' ? { kind: 'conflict', existing: again.existing } : { kind: 'stored' };
}

async function storeOne(ctx: Context, request: StoreRequest): Promise<RecordWriteResult> {
  const { record, runId } = request;
  const hash = contentHash(record);
  const item = ownedRecordItem(record, runId, hash);
  const displaced: Reject[] = [];
  const claimed = await claimOwned(ctx, item, request, displaced);
  if (claimed.kind === 'conflict')
    return { status: 'conflict', reject: conflictReject(record, claimed.existing), displaced };
  if (!hasTradeGuard(record)) return { status: claimed.kind, displaced };

  const guard = await claimOwned(ctx, tradeGuardItem(record, runId, hash), request, displaced);
  if (guard.kind !== 'conflict') return { status: claimed.kind, displaced };
  // The trade id stands for another trade of that day: undo this row's own record write.
  await releaseItem(ctx.client, ctx.tableName, keyOf(item), runId, {
    sourceUri: record.source.uri,
    line: record.source.line,
  });
  const existing = guard.existing;
  const key = recordKey(record);
  const sameRecord = existing.recordPk?.S === key.pk.S && existing.recordSk?.S === key.sk.S;
  // A smaller line of this run took this row's record item first, and reported this row then.
  if (sameRecord && creatorOf(existing) === runId && Number(existing.sourceLine?.N) < record.source.line)
    return { status: 'superseded', displaced };
  return { status: 'conflict', reject: conflictReject(record, existing), displaced };
}

/** The key rows of one identity share: its guard (trades with a trade id) or its record item. */
function identityKey(record: MarketRecord): string {
  const key = hasTradeGuard(record) ? tradeGuardKey(record) : recordKey(record);
  return `${key.pk.S}\u0000${key.sk.S}`;
}

/**
 * Stores `requests`; never throws for a single record (its result says `failed`).
 * @returns one result per request, in input order.
 */
export async function storeRecords(
  tableName: string,
  requests: readonly StoreRequest[],
  options: StoreOptions = {},
): Promise<RecordWriteResult[]> {
  const ctx: Context = { client: options.client ?? dynamoClient(), tableName };
  const groups = new Map<string, number[]>();
  requests.forEach((request, index) => {
    const key = identityKey(request.record);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  const results = new Array<RecordWriteResult>(requests.length);
  await mapWithConcurrency([...groups.values()], options.concurrency ?? 32, async (indexes) => {
    // One identity: one row after another, smallest line first.
    const ordered = [...indexes].sort((a, b) => requests[a].record.source.line - requests[b].record.source.line);
    for (const index of ordered) {
      try {
        results[index] = await storeOne(ctx, requests[index]);
      } catch (error) {
        results[index] = { status: 'failed', displaced: [], error };
      }
    }
  });
  return results;
}

/** Totals of `results`. */
export function summarizeStore(results: readonly RecordWriteResult[]): StoreSummary {
  let stored = 0;
  let duplicates = 0;
  let failed = 0;
  const conflicts: Reject[] = [];
  for (const result of results) {
    if (result.status === 'stored') stored++;
    else if (result.status === 'duplicate') duplicates++;
    else if (result.status === 'failed') failed++;
    else if (result.status === 'conflict' && result.reject) conflicts.push(result.reject);
    stored -= result.displaced.length;
    conflicts.push(...result.displaced);
  }
  conflicts.sort((a, b) => a.line - b.line);
  return { stored, duplicates, conflicts, failed };
}
