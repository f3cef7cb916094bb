/**
 * Compensation of a failed run: the run lets go of every record item (and trade guard) it
 * stored (./ownership.ts). An item is deleted only when this run alone holds it; an item another
 * run also stored — a completed file with the same trades, an identical re-upload, an API
 * request — stays. Items this run never held are not touched. Safe to run repeatedly.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../aws/clients/dynamodb';
import { mapWithConcurrency } from '../aws/batching';
import { hasTradeGuard, recordKey, tradeGuardKey } from './items';
import { releaseItem, type ReleaseResult } from './ownership';
import type { MarketRecord } from '../domain/types';

/** What a compensation pass did. */
export interface DeletionCounts {
  /** Record items removed (this run alone held them). */
  readonly deleted: number;
  /** Record items left alone: another run stored them too, or this run never held them (or they are gone). */
  readonly kept: number;
}

/** Releases in flight at once (single-item conditional requests cannot be batched). */
const RELEASE_CONCURRENCY = 16;

/** Run `runId` lets go of the record items (and trade guards) of `records`. */
export async function releaseRecords(
  tableName: string,
  records: readonly MarketRecord[],
  runId: string,
  options: { client?: DynamoDBClient } = {},
): Promise<DeletionCounts> {
  const client = options.client ?? dynamoClient();
  const results = await mapWithConcurrency(records, RELEASE_CONCURRENCY, async (record): Promise<ReleaseResult> => {
    const released = await releaseItem(client, tableName, recordKey(record), runId);
    if (hasTradeGuard(record)) await releaseItem(client, tableName, tradeGuardKey(record), runId);
    return released;
  });
  const deleted = results.filter((r) => r === 'deleted').length;
  return { deleted, kept: results.length - deleted };
}

/** Result of Compensate, placed at `$.compensation`. */
export interface CompensationOutput {
  readonly fileId: string;
  readonly runId: string;
  readonly deleted: number;
  readonly kept: number;
  /** Staged chunks that no longer existed (nothing of theirs can have been stored after they vanished). */
  readonly missingChunks: number;
  /** Where the original was quarantined; absent when the original itself is gone or another run holds the file. */
  readonly quarantineKey?: string;
  readonly errorName: string;
}
