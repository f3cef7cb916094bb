/**
 * StoreChunk (one StoreChunks child execution of the file workflow): staged chunk → table, one
 * conditional write per record (functions/lib/store/record-store.ts): the run creates what is
 * new, joins what is already stored with the same content, and reports a CONFLICTING_DUPLICATE for
 * an identity stored with other content, keeping the stored version. The conflicts are staged next
 * to the chunk for the run's rejects report. Idempotent: a retried chunk finds its own writes.
 *
 * A chunk can still be writing when its run is compensated (its run timed out or was aborted, or
 * a sibling chunk failed): Lambda finishes the invocation whatever happened to the execution.
 * Compensation marks the file FAILED before it releases the run's records, so after writing, a
 * chunk whose run no longer holds the file as PROCESSING releases what it wrote itself: whichever
 * order the two take, nothing of a failed run stays in the table.
 */
import type { StoreChunkInput, StoreChunkOutput } from '../../contract';
import { env } from '../lib/runtime/environment';
import { RunCompensatedError } from '../lib/runtime/workflow-errors';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { readFileHolder } from '../lib/store/file-store';
import { releaseRecords } from '../lib/store/record-compensation';
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
  const tableName = env.tableName();
  const records = await readStagedChunk(input.bucket, input.chunk.key);
  if (records.length !== input.chunk.records)
    throw new StagedChunkMismatchError(input.chunk.key, input.chunk.records, records.length);
  const results = await storeRecords(
    tableName,
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
  // Read after writing (strongly consistent): compensation marks FAILED before it releases.
  const holder = await readFileHolder(tableName, input.fileId);
  if (holder?.runId !== input.runId || holder.status !== 'PROCESSING') {
    const released = await releaseRecords(tableName, records, input.runId);
    logger.warn('Run no longer processing the file while the chunk was written: its records released', {
      fileId: input.fileId,
      runId: input.runId,
      chunk: input.chunk.key,
      holder: holder?.runId,
      status: holder?.status,
      ...released,
    });
    throw new RunCompensatedError(input.fileId, input.runId);
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
