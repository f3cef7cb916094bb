/**
 * StoreChunk (one Map iteration of the file workflow): staged chunk → table, one conditional
 * write per record (functions/lib/store/record-store.ts): the run creates what is new, joins what
 * is already stored with the same content, and reports a CONFLICTING_DUPLICATE for an identity
 * stored with other content, keeping the stored version. The conflicts are staged next to the
 * chunk for the run's rejects report. Idempotent: a retried chunk finds its own writes.
 */
import type { StoreChunkInput, StoreChunkOutput } from '../../contract';
import { env } from '../lib/runtime/environment';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { storeRecords, summarizeStore } from '../lib/store/record-store';
import { readStagedChunk, stageConflicts } from '../lib/store/staged-chunks';

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
  const results = await storeRecords(
    env.tableName(),
    records.map((record) => ({ record, runId: input.runId })),
  );
  const summary = summarizeStore(results);
  if (summary.failed > 0) {
    // The AWS error itself, so the workflow's retry policy recognises throttling and 5xx; the
    // retried chunk finds the writes that did succeed as its own.
    const error = results.find((r) => r.status === 'failed')?.error;
    logger.error('Records not stored', { chunk: input.chunk.key, failed: summary.failed, error: error as Error });
    throw error;
  }
  const conflictsKey =
    summary.conflicts.length > 0 ? await stageConflicts(input.bucket, input.chunk.key, summary.conflicts) : undefined;
  count(METRIC.recordsStored, summary.stored);
  logger.info('Chunk stored', {
    fileId: input.fileId,
    runId: input.runId,
    chunk: input.chunk.key,
    records: records.length,
    stored: summary.stored,
    duplicates: summary.duplicates,
    conflicts: summary.conflicts.length,
  });
  return {
    stored: summary.stored,
    duplicates: summary.duplicates,
    conflicts: summary.conflicts.length,
    ...(conflictsKey ? { conflictsKey } : {}),
  };
});
