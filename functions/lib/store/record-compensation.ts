/**
 * Removing exactly what one file wrote: each record is deleted only if the stored item still
 * comes from that file (same source uri and version). A record with the same key written
 * later by another file survives; an already-deleted record is fine. Safe to run repeatedly.
 */
import { type AttributeValue, DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../aws/clients/dynamodb';
import { mapWithConcurrency } from '../aws/batching';
import { recordKey } from './items';
import { type BackoffOptions, withRetry } from '../aws/retry';
import type { MarketRecord } from '../domain/types';

/** What a compensation pass did. */
export interface DeletionCounts {
  /** Items removed. */
  readonly deleted: number;
  /** Items left alone: already gone, or now owned by another source. */
  readonly kept: number;
}

/** Deletes in flight at once (single-item conditional deletes cannot be batched). */
const DELETE_CONCURRENCY = 16;

/** The condition that the stored item still belongs to `record`'s source object version. */
export function sameSourceCondition(record: MarketRecord): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, AttributeValue>;
} {
  const names = { '#uri': 'sourceUri', '#version': 'sourceVersion' };
  if (record.source.versionId === undefined) {
    return {
      ConditionExpression: '#uri = :uri AND attribute_not_exists(#version)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':uri': { S: record.source.uri } },
    };
  }
  return {
    ConditionExpression: '#uri = :uri AND #version = :version',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':uri': { S: record.source.uri }, ':version': { S: record.source.versionId } },
  };
}

/** Conditionally deletes the items of `records` (throttling retried with backoff). */
export async function deleteOwnRecords(
  tableName: string,
  records: readonly MarketRecord[],
  options: BackoffOptions & { client?: DynamoDBClient } = {},
): Promise<DeletionCounts> {
  const client = options.client ?? dynamoClient();
  const results = await mapWithConcurrency(records, DELETE_CONCURRENCY, async (record) => {
    try {
      await withRetry(
        () =>
          client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: { ...recordKey(record) },
              ...sameSourceCondition(record),
            }),
          ),
        options,
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  });
  const deleted = results.filter(Boolean).length;
  return { deleted, kept: results.length - deleted };
}

/** Result of Compensate, placed at `$.compensation`. */
export interface CompensationOutput {
  readonly fileId: string;
  readonly deleted: number;
  readonly kept: number;
  /** Staged chunks that no longer existed (nothing of theirs can have been stored after they vanished). */
  readonly missingChunks: number;
  /** Where the original was quarantined; absent when the original itself is gone. */
  readonly quarantineKey?: string;
  readonly errorName: string;
}
