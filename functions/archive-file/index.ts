/**
 * Archive (parallel with StoreChunks): the original object version is copied to the archive
 * bucket under its own key (`originals/<key>/<fileId><ext>`) and a lineage document
 * (`lineage/<fileId>.json`) records where it came from, which run processed it and what became
 * of it. Both keys belong to the version, so a later upload to the same key never overwrites
 * them, and a retry rewrites the same objects.
 */
import { type ArchiveOutput, type FileWorkflowState } from '../../contract';
import { lineageKeyFor, originalArchiveKeyFor } from '../lib/store/evidence-keys';
import { env } from '../lib/runtime/environment';
import { fileIdFor } from '../lib/store/file-ids';
import { instrumented, logger } from '../lib/runtime/observability';
import { copyObject, putObject } from '../lib/store/s3-objects';

/** The lineage document of a file run. */
export interface FileLineage {
  readonly fileId: string;
  /** The run (execution name) that archived this version. */
  readonly runId?: string;
  readonly sourceUri: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly size?: number;
  readonly processingType: string;
  readonly requestedAt: string;
  readonly archivedAt: string;
  readonly format?: string;
  readonly accepted?: number;
  readonly rejected?: number;
  readonly reasons?: Readonly<Record<string, number>>;
  readonly rejectsKey?: string;
  /** The chunk manifest (lists every staged chunk) and how many chunks it lists. */
  readonly manifestKey?: string;
  readonly chunks: number;
  readonly archive: { readonly bucket: string; readonly originalKey: string };
}

/** Builds the lineage document of `state`. */
export function lineageOf(
  state: FileWorkflowState,
  archiveBucket: string,
  originalKey: string,
  now: Date,
): FileLineage {
  const validation = state.validation;
  return {
    fileId: validation?.fileId ?? fileIdFor(state.bucket, state.key, state.versionId),
    ...(state.run?.runId ? { runId: state.run.runId } : {}),
    sourceUri: validation?.sourceUri ?? `s3://${state.bucket}/${state.key}`,
    bucket: state.bucket,
    key: state.key,
    versionId: state.versionId,
    size: state.size,
    processingType: state.processingType,
    requestedAt: state.requestedAt,
    archivedAt: now.toISOString(),
    format: validation?.format,
    accepted: validation?.accepted,
    rejected: validation?.rejected,
    reasons: validation?.reasons,
    rejectsKey: validation?.rejectsKey,
    manifestKey: validation?.manifestKey,
    chunks: validation?.chunks ?? 0,
    archive: { bucket: archiveBucket, originalKey },
  };
}

/** Archive step: original version + lineage → archive bucket. */
export const handler = instrumented(async (state: FileWorkflowState): Promise<ArchiveOutput> => {
  const archiveBucket = env.archiveBucket();
  const fileId = state.validation?.fileId ?? fileIdFor(state.bucket, state.key, state.versionId);
  const originalKey = originalArchiveKeyFor(state.key, fileId);
  await copyObject({ bucket: state.bucket, key: state.key, versionId: state.versionId }, archiveBucket, originalKey);
  const lineage = lineageOf(state, archiveBucket, originalKey, new Date());
  const lineageKey = lineageKeyFor(lineage.fileId);
  await putObject(archiveBucket, lineageKey, JSON.stringify(lineage, null, 2), 'application/json');
  logger.info('File archived', { fileId: lineage.fileId, originalKey, lineageKey });
  return { archiveBucket, originalKey, lineageKey };
});
