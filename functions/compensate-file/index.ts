/**
 * Compensate (any failure in Validate or StoreAndArchive): remove the records this file
 * wrote, quarantine the original, mark the file FAILED. Every part is idempotent, so the step
 * can be retried or re-run: deletes are conditional on the source, the quarantine copy has a
 * fixed key, and marking FAILED is a plain overwrite.
 */
import { type FileWorkflowState, KEY_PREFIX } from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { fileIdFor } from '../lib/store/file-ids';
import { markFileFailed } from '../lib/store/file-store';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { type CompensationOutput, deleteOwnRecords } from '../lib/store/record-compensation';
import { copyObject } from '../lib/store/s3-objects';
import { readStagedChunk } from '../lib/store/staged-chunks';
import { FileNotFoundError } from '../lib/runtime/workflow-errors';

/** Compensate step: undo this file's writes, quarantine it, mark it FAILED (`$.compensation`). */
export const handler = instrumented(async (state: FileWorkflowState): Promise<CompensationOutput> => {
  const tableName = env.tableName();
  const fileId = state.validation?.fileId ?? fileIdFor(state.bucket, state.key, state.versionId);
  const errorName = state.error?.Error ?? 'UnknownError';

  let deleted = 0;
  let kept = 0;
  let missingChunks = 0;
  for (const chunk of state.validation?.chunks ?? []) {
    try {
      const records = await readStagedChunk(state.bucket, chunk.key);
      const counts = await deleteOwnRecords(tableName, records);
      deleted += counts.deleted;
      kept += counts.kept;
    } catch (error) {
      if (!(error instanceof FileNotFoundError)) throw error;
      missingChunks++;
      logger.warn('Staged chunk missing during compensation', { fileId, chunk: chunk.key });
    }
  }

  let quarantineKey: string | undefined = `${KEY_PREFIX.quarantine}${state.key}`;
  try {
    await copyObject({ bucket: state.bucket, key: state.key, versionId: state.versionId }, state.bucket, quarantineKey);
  } catch (error) {
    if (!(error instanceof FileNotFoundError)) throw error;
    quarantineKey = undefined;
    logger.warn('Original missing: nothing to quarantine', { fileId, key: state.key });
  }

  await markFileFailed(tableName, fileId, errorName, pipelineRegion());
  count(METRIC.recordsDeleted, deleted);
  logger.info('File compensated', { fileId, errorName, deleted, kept, missingChunks, quarantineKey });
  return { fileId, deleted, kept, missingChunks, ...(quarantineKey ? { quarantineKey } : {}), errorName };
});
