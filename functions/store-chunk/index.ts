/**
 * StoreChunk (one Map iteration of the file workflow): staged chunk → table, 25 records per
 * BatchWriteItem. Idempotent: record keys are deterministic and the item content has no
 * ingest-time attribute, so a retried chunk rewrites identical items.
 */
import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { writeAll } from '../lib/store/batch-writer';
import type { StoreChunkInput, StoreChunkOutput } from '../../contract';
import { env } from '../lib/runtime/environment';
import { recordItem } from '../lib/store/items';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { readStagedChunk } from '../lib/store/staged-chunks';

/** The staged chunk holds a different number of records than Validate wrote (truncated or replaced). */
export class StagedChunkMismatchError extends Error {
  constructor(
    readonly key: string,
    readonly expected: number,
    readonly found: number,
  ) {
    super(`Staged chunk ${key} holds ${found} records; Validate staged ${expected}`);
    this.name = 'StagedChunkMismatchError';
  }
}

/** StoreChunk step: one staged chunk → table. */
export const handler = instrumented(async (input: StoreChunkInput): Promise<StoreChunkOutput> => {
  const records = await readStagedChunk(input.bucket, input.chunk.key);
  if (records.length !== input.chunk.records)
    throw new StagedChunkMismatchError(input.chunk.key, input.chunk.records, records.length);
  const requests: WriteRequest[] = records.map((record) => ({ PutRequest: { Item: recordItem(record) } }));
  // Distinct items: a file may repeat a tradeId, which is one stored record.
  const stored = await writeAll(env.tableName(), requests);
  count(METRIC.recordsStored, stored);
  logger.info('Chunk stored', { fileId: input.fileId, chunk: input.chunk.key, records: records.length, stored });
  return { stored };
});
