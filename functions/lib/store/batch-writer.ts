/**
 * DynamoDB BatchWriteItem with the two failure modes handled: UnprocessedItems (partial
 * success, retried with backoff) and throttling exceptions (whole request retried). Whatever
 * still fails after the bounded attempts is reported or thrown — never dropped — so the caller
 * (Lambda + SQS, Step Functions) retries or dead-letters it.
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../aws/clients/dynamodb';
import { chunked, mapWithConcurrency } from '../aws/batching';
import { type BackoffOptions, backoffDelay, isRetryableAwsError, resolveBackoff } from '../aws/retry';

/** BatchWriteItem accepts at most 25 requests. */
export const BATCH_WRITE_LIMIT = 25;

/** Some writes still failed after every retry. */
export class UnprocessedItemsError extends Error {
  constructor(
    /** Requests that were not written. */
    readonly unprocessed: number,
    /** Requests that were written before giving up (they are idempotent to write again). */
    readonly written: number,
    cause?: unknown,
  ) {
    super(`${unprocessed} DynamoDB write(s) still unprocessed after retries (${written} written)`, { cause });
    this.name = 'UnprocessedItemsError';
  }
}

/** Options of a batch write. */
export interface BatchWriteOptions extends BackoffOptions {
  /** Client to use. Default: the shared DynamoDB client. */
  readonly client?: DynamoDBClient;
  /** BatchWriteItem requests in flight at once. Default 4. */
  readonly concurrency?: number;
}

/** What happened to a set of writes. */
export interface BatchWriteOutcome {
  /** Requests DynamoDB confirmed. */
  readonly written: number;
  /** Requests that were not written (unprocessed after retries, or in a request that failed). */
  readonly failed: WriteRequest[];
  /** Non-retryable errors that failed whole requests. */
  readonly errors: unknown[];
}

/** `pk`+`sk` of a put or delete request (the identity DynamoDB rejects duplicates of). */
export function writeRequestKey(request: WriteRequest): string {
  const key = request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {};
  return `${key.pk?.S ?? ''}\u0000${key.sk?.S ?? ''}`;
}

/**
 * Keeps the last request per key: BatchWriteItem rejects a request that names one key twice,
 * and a redelivered message legitimately carries the same record twice.
 */
export function dedupeWriteRequests(requests: readonly WriteRequest[]): WriteRequest[] {
  const byKey = new Map<string, WriteRequest>();
  for (const request of requests) {
    const key = writeRequestKey(request);
    byKey.delete(key);
    byKey.set(key, request);
  }
  return [...byKey.values()];
}

/** Writes `requests` in 25-request batches and reports per-request failures instead of throwing. */
export async function writeBatches(
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchWriteOptions = {},
): Promise<BatchWriteOutcome> {
  const client = options.client ?? dynamoClient();
  const backoff = resolveBackoff(options);
  const batches = chunked(dedupeWriteRequests(requests), BATCH_WRITE_LIMIT);
  const outcomes = await mapWithConcurrency(batches, options.concurrency ?? 4, async (batch) => {
    let pending = batch;
    let written = 0;
    for (let attempt = 0; attempt < backoff.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 0) await backoff.sleep(backoffDelay(attempt - 1, backoff));
      try {
        const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
        const unprocessed = result.UnprocessedItems?.[tableName] ?? [];
        written += pending.length - unprocessed.length;
        pending = unprocessed;
      } catch (error) {
        if (!isRetryableAwsError(error)) return { written, failed: pending, error };
      }
    }
    return { written, failed: pending, error: undefined };
  });
  return {
    written: outcomes.reduce((sum, o) => sum + o.written, 0),
    failed: outcomes.flatMap((o) => o.failed),
    errors: outcomes.flatMap((o) => (o.error === undefined ? [] : [o.error])),
  };
}

/**
 * Writes every request or throws.
 * @returns the number of distinct items written.
 * @throws UnprocessedItemsError when anything is still unwritten after the retries.
 */
export async function writeAll(
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchWriteOptions = {},
): Promise<number> {
  const outcome = await writeBatches(tableName, requests, options);
  if (outcome.failed.length > 0)
    throw new UnprocessedItemsError(outcome.failed.length, outcome.written, outcome.errors[0]);
  return outcome.written;
}
