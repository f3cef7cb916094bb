/**
 * Runs the real bars handler over the counting client's stream, the way the Lambda stream
 * mapping feeds it: the mapping's filter patterns (`streamFilterPatterns`, applied by the same
 * matcher as the local run), records in stream order, batches of the mapping's size. Every AWS
 * client the handler uses is replaced in this process: DynamoDB by the counting client,
 * EventBridge by a sink that accepts every entry and keeps the details.
 * Used by the bars benchmark (bench/bars-cost.ts) and the bars cost and property tests.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { streamFilterPatterns } from '../contract';
import { matchesAnyPattern } from '../local/filter-pattern';
import type { CountingDynamoClient } from './counting-client';

/** Replaces `send` on a client class's prototype; returns the function that restores it. */
export function replaceSend(
  clientClass: { prototype: { send: unknown } },
  send: (command: { input: unknown }) => Promise<unknown>,
): () => void {
  const original = clientClass.prototype.send;
  clientClass.prototype.send = send;
  return () => {
    clientClass.prototype.send = original;
  };
}

/** A Lambda context good enough for the Powertools logger. */
export function lambdaContext(name: string, region = 'us-east-1'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:bench-account:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: `bench-${name}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** One event the handler put on the bus. */
export interface PublishedEvent {
  readonly detailType: string;
  readonly detail: unknown;
}

/** The records of `records` that the bars mapping of `region` delivers. */
export function deliverable(records: readonly DynamoDBRecord[], region: string): DynamoDBRecord[] {
  const patterns = streamFilterPatterns(region);
  return records.filter((record) => matchesAnyPattern(patterns, record));
}

/** What the bars handler looks like to the driver. */
export type BarsHandler = (event: { Records: DynamoDBRecord[] }, context: Context) => Promise<DynamoDBBatchResponse>;

/**
 * Runs `fn` with every DynamoDB call answered by `table` and every PutEvents accepted into
 * `events`; restores the clients afterwards.
 */
export async function withStandIns<T>(
  table: CountingDynamoClient,
  fn: (events: PublishedEvent[]) => Promise<T>,
): Promise<T> {
  const events: PublishedEvent[] = [];
  const restoreDynamo = replaceSend(DynamoDBClient, (command) => table.send(command));
  const restoreEvents = replaceSend(EventBridgeClient, (command) => {
    const entries = (command.input as { Entries?: { DetailType?: string; Detail?: string }[] }).Entries ?? [];
    for (const entry of entries)
      events.push({ detailType: entry.DetailType ?? '', detail: JSON.parse(entry.Detail ?? 'null') as unknown });
    return Promise.resolve({
      FailedEntryCount: 0,
      Entries: entries.map((_, i) => ({ EventId: `bench-${events.length}-${i}` })),
    });
  });
  try {
    return await fn(events);
  } finally {
    restoreDynamo();
    restoreEvents();
  }
}

/**
 * Reads the table's stream from `position` as the mapping of `region` does: filtered, in
 * batches of `batchSize`, each batch through `handler`; a batch with failures is delivered
 * again from its lowest failed record (the mapping's checkpoint), at most `retries` times.
 * Returns the new stream position.
 * @throws Error when a batch still fails after the retries.
 */
export async function drainStream(
  table: CountingDynamoClient,
  handler: BarsHandler,
  options: {
    readonly region: string;
    readonly position: number;
    readonly batchSize: number;
    readonly retries?: number;
  },
): Promise<number> {
  const records = deliverable(table.stream.slice(options.position), options.region);
  const position = table.stream.length;
  for (let at = 0; at < records.length;) {
    const batch = records.slice(at, at + options.batchSize);
    let attempts = 0;
    for (;;) {
      const response = await handler({ Records: batch }, lambdaContext('bars', options.region));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      if (failed.size === 0) break;
      if (++attempts > (options.retries ?? 3)) throw new Error(`bars batch still failing after ${attempts} attempts`);
      batch.splice(
        0,
        Math.max(
          0,
          batch.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber as string)),
        ),
      );
    }
    at += options.batchSize;
  }
  return position;
}
