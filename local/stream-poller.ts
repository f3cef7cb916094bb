/**
 * Table stream → bars, as the Lambda event source mapping does it: records read from the
 * emulator's streams API (DescribeStream / GetShardIterator TRIM_HORIZON / GetRecords), the
 * mapping's filter patterns applied before batching (non-matching records are never
 * delivered), batches of the mapping's size in shard order, and partial batch responses
 * honoured: the batch is retried from the first failed record, up to the mapping's retry limit,
 * after which the batch is reported as sent to the on-failure destination.
 */
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesAnyPattern } from './filter-pattern';
import type { LocalFunctions } from './lambda-runtime';
import type { ProvisionedPipeline } from './provision';

/** Options of {@link StreamPoller}. */
export interface StreamPollerOptions {
  readonly pipeline: ProvisionedPipeline;
  readonly streams: DynamoDBStreamsClient;
  readonly functions: LocalFunctions;
  readonly log?: (message: string) => void;
}

/** A batch given up after the retry limit (what the on-failure destination would receive). */
export interface AbandonedBatch {
  readonly shardId: string;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
  readonly records: number;
  readonly error: string;
}

/** Converts a record from the streams API into the shape Lambda delivers. */
export function lambdaStreamRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  const created = data.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    dynamodb: {
      ...(created !== undefined ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      Keys: data.Keys as never,
      ...(data.NewImage ? { NewImage: data.NewImage as never } : {}),
      ...(data.OldImage ? { OldImage: data.OldImage as never } : {}),
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType as never,
    },
    eventSourceARN: streamArn,
  };
}

interface ShardState {
  iterator?: string;
  /** Filtered records read but not yet delivered successfully. */
  pending: DynamoDBRecord[];
  attempts: number;
  /** Event ids already read (the emulator returns a few records twice; see renumber). */
  seen: Set<string>;
  /** Sequence number given to the last record read. */
  lastSequence?: bigint;
}

/**
 * The sequence number DynamoDB would give a record read after one numbered `last`: its own when
 * it is higher, else `last + 1`. moto 5.2.5 numbers records by the stream's length when they are
 * created, so two written at the same moment (concurrent requests) can share a number; DynamoDB
 * guarantees strictly increasing numbers within a shard, and the bars function relies on it.
 */
export function nextSequenceNumber(last: bigint | undefined, own: string): bigint {
  const value = BigInt(own);
  return last === undefined || value > last ? value : last + 1n;
}

/** Delivers the table's stream to the bars function. */
export class StreamPoller {
  /** Records handed to the bars function and acknowledged. */
  delivered = 0;
  /** Records dropped by the mapping's filter patterns. */
  filteredOut = 0;
  /** Invocations of the bars function (retries included). */
  batches = 0;
  readonly abandoned: AbandonedBatch[] = [];
  private readonly shards = new Map<string, ShardState>();

  constructor(private readonly options: StreamPollerOptions) {}

  /** Reads new records from every shard and delivers them; resolves with records read + delivered. */
  async pollOnce(): Promise<number> {
    const { streams, pipeline } = this.options;
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: pipeline.streamArn }));
    let activity = 0;
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId as string;
      let state = this.shards.get(shardId);
      if (!state) {
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: pipeline.streamArn,
            ShardId: shardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        state = { iterator: ShardIterator, pending: [], attempts: 0, seen: new Set() };
        this.shards.set(shardId, state);
      }
      activity += await this.readShard(state);
      activity += await this.deliverShard(shardId, state);
    }
    return activity;
  }

  private async readShard(state: ShardState): Promise<number> {
    const { streams, pipeline } = this.options;
    let read = 0;
    while (state.iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
      state.iterator = page.NextShardIterator;
      const records = page.Records ?? [];
      if (records.length === 0) break;
      read += records.length;
      for (const raw of records) {
        // With shared numbers, the emulator's iterator (which counts by number) hands a few
        // records out again on the next page: each is delivered once.
        if (raw.eventID !== undefined) {
          if (state.seen.has(raw.eventID)) continue;
          state.seen.add(raw.eventID);
        }
        const record = lambdaStreamRecord(raw, pipeline.streamArn);
        if (record.dynamodb?.SequenceNumber !== undefined) {
          state.lastSequence = nextSequenceNumber(state.lastSequence, record.dynamodb.SequenceNumber);
          record.dynamodb.SequenceNumber = String(state.lastSequence);
        }
        if (matchesAnyPattern(pipeline.spec.streamMapping.filterPatterns, record)) state.pending.push(record);
        else this.filteredOut++;
      }
    }
    return read;
  }

  private async deliverShard(shardId: string, state: ShardState): Promise<number> {
    const { functions, pipeline, log } = this.options;
    const { batchSize, maximumRetryAttempts, reportBatchItemFailures } = pipeline.spec.streamMapping;
    let delivered = 0;
    while (state.pending.length > 0) {
      const batch = state.pending.slice(0, batchSize);
      this.batches++;
      let failedFrom: number | undefined;
      let error = '';
      try {
        const event: DynamoDBStreamEvent = { Records: batch };
        const response = await functions.invoke<DynamoDBBatchResponse | undefined>('bars', event);
        const failures = reportBatchItemFailures ? (response?.batchItemFailures ?? []) : [];
        if (failures.length > 0) {
          // Lambda checkpoints before the lowest failed sequence number and retries from there.
          const failedSequences = new Set(failures.map((f) => f.itemIdentifier));
          failedFrom = batch.findIndex((r) => failedSequences.has(r.dynamodb?.SequenceNumber as string));
          if (failedFrom < 0) failedFrom = 0;
          error = `partial batch failure at ${batch[failedFrom].dynamodb?.SequenceNumber}`;
        }
      } catch (thrown) {
        failedFrom = 0;
        error = (thrown as Error).message;
      }
      if (failedFrom === undefined) {
        state.pending.splice(0, batch.length);
        state.attempts = 0;
        delivered += batch.length;
        this.delivered += batch.length;
        continue;
      }
      state.pending.splice(0, failedFrom);
      delivered += failedFrom;
      this.delivered += failedFrom;
      state.attempts++;
      if (maximumRetryAttempts >= 0 && state.attempts > maximumRetryAttempts) {
        const dropped = state.pending.splice(0, batch.length - failedFrom);
        this.abandoned.push({
          shardId,
          firstSequenceNumber: dropped[0].dynamodb?.SequenceNumber as string,
          lastSequenceNumber: dropped[dropped.length - 1].dynamodb?.SequenceNumber as string,
          records: dropped.length,
          error,
        });
        log?.(`bars: gave up on ${dropped.length} stream record(s) after ${maximumRetryAttempts} retries: ${error}`);
        state.attempts = 0;
      }
    }
    return delivered;
  }
}
