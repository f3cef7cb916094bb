/**
 * Compensate (any failure in Validate or StoreAndArchive): this run lets go of every record it
 * stored — an item is deleted only when no other run stored it too — then, if the run still
 * holds the object version, the original is quarantined under the version's own key and the file
 * is marked FAILED. Every part is idempotent, so the step can be retried or re-run.
 */
import { type FileWorkflowState } from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { quarantineKeyFor } from '../lib/store/evidence-keys';
import { fileIdFor } from '../lib/store/file-ids';
import { markFileFailed } from '../lib/store/file-store';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { type CompensationOutput, releaseRecords } from '../lib/store/record-compensation';
import { copyObject } from '../lib/store/s3-objects';
import { readStagedChunk } from '../lib/store/staged-chunks';
import { FileNotFoundError } from '../lib/runtime/workflow-errors';
import { runIdOf } from '../lib/runtime/workflow-run';

/** Compensate step: undo this run's writes, quarantine the file, mark it FAILED (`$.compensation`). */
export const handler = instrumented(async (state: FileWorkflowState): Promise<CompensationOutput> => {
  const tableName = env.tableName();
  const runId = runIdOf(state);
  const fileId = state.validation?.fileId ?? fileIdFor(state.bucket, state.key, state.versionId);
  const errorName = state.error?.Error ?? 'UnknownError';

  let deleted = 0;
  let kept = 0;
  let missingChunks = 0;
  for (const chunk of state.validation?.chunks ?? []) {
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

  const holds = await markFileFailed(tableName, fileId, runId, errorName, pipelineRegion());
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
});
