/**
 * Undoing a failed file run: mark the file FAILED, release every record the run stored (found
 * through the run's chunk manifest; no manifest means Validate never finished, so nothing was
 * stored) — an item is deleted only when no other run stored it too — and, if the run held the
 * object version, quarantine the original under the version's own key. FAILED comes first: a
 * chunk still writing reads the file item after its write and releases its own records
 * (store-chunk), so no order of the two leaves records behind. Used by the workflow's Compensate
 * step and by the watchdog for runs that ended where no Catch could see them. Every part is
 * idempotent, so it can be retried or run by both.
 */
import { type FileWorkflowState } from '../../../contract';
import { count, logger, METRIC } from '../runtime/observability';
import { FileNotFoundError } from '../runtime/workflow-errors';
import { runIdOf } from '../runtime/workflow-run';
import { quarantineKeyFor } from './evidence-keys';
import { fileIdFor } from './file-ids';
import { markFileFailed } from './file-store';
import { type CompensationOutput, releaseRecords } from './record-compensation';
import { copyObject } from './s3-objects';
import { chunkManifestKey, readChunkManifest, readStagedChunk } from './staged-chunks';

/** Undoes `state`'s run in `tableName` (this region's replica) and marks its file FAILED. */
export async function compensateFileRun(
  state: FileWorkflowState,
  tableName: string,
  region: string,
): Promise<CompensationOutput> {
  const runId = runIdOf(state);
  const fileId = state.validation?.fileId ?? fileIdFor(state.bucket, state.key, state.versionId);
  const errorName = state.error?.Error ?? 'UnknownError';

  const holds = await markFileFailed(tableName, fileId, runId, errorName, region);
  let deleted = 0;
  let kept = 0;
  let missingChunks = 0;
  const manifestKey = state.validation?.manifestKey ?? chunkManifestKey(runId);
  try {
    for await (const chunk of readChunkManifest(state.bucket, manifestKey)) {
      try {
        const records = await readStagedChunk(state.bucket, chunk.key);
        const counts = await releaseRecords(tableName, records, runId);
        deleted += counts.deleted;
        kept += counts.kept;
      } catch (error) {
        if (!(error instanceof FileNotFoundError)) throw error;
        missingChunks++;
        logger.warn('Staged chunk missing during compensation', { fileId, runId, chunk: chunk.key });
      }
    }
  } catch (error) {
    if (!(error instanceof FileNotFoundError && error.key === manifestKey)) throw error;
    logger.info('No chunk manifest: Validate did not finish, so nothing was stored', { fileId, runId, manifestKey });
  }

  let quarantineKey: string | undefined;
  if (holds) {
    quarantineKey = quarantineKeyFor(state.key, fileId);
    try {
      await copyObject(
        { bucket: state.bucket, key: state.key, versionId: state.versionId },
        state.bucket,
        quarantineKey,
      );
    } catch (error) {
      if (!(error instanceof FileNotFoundError)) throw error;
      quarantineKey = undefined;
      logger.warn('Original missing: nothing to quarantine', { fileId, key: state.key });
    }
  } else {
    logger.warn('Another run holds the file: its item and original are left to it', { fileId, runId });
  }

  count(METRIC.recordsDeleted, deleted);
  logger.info('File compensated', { fileId, runId, errorName, deleted, kept, missingChunks, quarantineKey });
  return { fileId, runId, deleted, kept, missingChunks, ...(quarantineKey ? { quarantineKey } : {}), errorName };
}
