/**
 * Validate (first task of the file workflow): claim the object version for this run, stream it
 * through the data path, stage accepted records as NDJSON chunks under the run's prefix, listed in
 * a chunk manifest, stream the version's rejects report, and return the counts. Memory stays flat
 * whatever the file size or the number of rejects: chunks are uploaded a bounded number at once
 * while parsing continues (parsing waits when that many are in flight), and the report goes out as
 * a multipart upload, part by part.
 *
 * Rejected rows are data, not errors: an empty or wholly invalid file completes with 0 chunks.
 * Only a missing, unsupported, corrupt or oversized object fails (non-retryable: the run
 * compensates); a failed run leaves no half-written report or manifest behind. A version another
 * run holds ends the run at DuplicateRun (RunInProgressError) before anything is written.
 */
import { type FileWorkflowState, type ProcessingType, type ValidationOutput } from '../../contract';
import { processStream } from '../lib/ingest/data-path';
import { openFileSource } from '../lib/ingest/file-source';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { rejectsKeyFor } from '../lib/store/evidence-keys';
import { fileIdFor } from '../lib/store/file-ids';
import { claimFileRun, fileRunOf } from '../lib/store/file-store';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { ChunkStager, rejectLine, stagedResultsPrefix } from '../lib/store/staged-chunks';
import { StreamingUpload } from '../lib/store/streaming-upload';
import { runIdOf } from '../lib/runtime/workflow-run';

/** Largest file one run takes: the archive step copies it with a single CopyObject (5 GiB). */
export const MAX_FILE_BYTES = 5 * 1024 ** 3;

/** Records per staged chunk for a processing type: priority stores sooner in smaller pieces, batch in bigger ones. */
export function chunkSizeFor(processingType: ProcessingType, base: number): number {
  if (processingType === 'priority') return Math.max(1, Math.floor(base / 4));
  if (processingType === 'batch') return base * 4;
  return base;
}

/** Validate step: the execution input with `$.run` → ValidationOutput (`$.validation`). */
export const handler = instrumented(async (input: FileWorkflowState): Promise<ValidationOutput> => {
  const tableName = env.tableName();
  const region = pipelineRegion();
  const runId = runIdOf(input);
  const fileId = fileIdFor(input.bucket, input.key, input.versionId);
  const sourceUri = `s3://${input.bucket}/${input.key}`;
  await claimFileRun(tableName, fileRunOf(input, fileId, runId), region, { replaces: input.supersedes });

  const source = await openFileSource({ ...input, maxBytes: MAX_FILE_BYTES });
  const rejectsKey = rejectsKeyFor(input.key, fileId);
  // Written even when empty: every version leaves a report.
  const report = new StreamingUpload(input.bucket, rejectsKey, { contentType: 'application/x-ndjson' });
  const stager = new ChunkStager({
    bucket: input.bucket,
    runId,
    chunkSize: chunkSizeFor(input.processingType, env.chunkSize()),
  });
  const reasons: Record<string, number> = {};
  let accepted = 0;
  let rejected = 0;
  let warnings = 0;
  let staged;
  try {
    for await (const result of processStream(source.stream, {
      format: source.format,
      source: { kind: 's3', uri: sourceUri, versionId: input.versionId, contentTag: source.etag },
      originRegion: region,
    })) {
      accepted += result.records.length;
      await stager.add(result.records);
      if (result.rejects.length === 0 && result.warnings.length === 0) continue;
      // Rejects and warnings in line order (the data path yields them in order, part by part).
      const lines = [
        ...result.rejects.map((reject) => ({ line: reject.line, text: rejectLine(reject) })),
        ...result.warnings.map((warning) => ({ line: warning.line, text: JSON.stringify(warning) })),
      ].sort((a, b) => a.line - b.line);
      for (const reject of result.rejects) reasons[reject.reason] = (reasons[reject.reason] ?? 0) + 1;
      rejected += result.rejects.length;
      warnings += result.warnings.length;
      await report.write(lines.map(({ text }) => `${text}\n`).join(''));
    }
    staged = await stager.finish();
    await report.close();
  } catch (error) {
    await Promise.all([stager.abort(), report.abort()]);
    throw error;
  }

  count(METRIC.recordsAccepted, accepted);
  count(METRIC.recordsRejected, rejected);
  logger.info('File validated', {
    fileId,
    runId,
    key: input.key,
    format: source.format,
    compressed: source.compressed,
    accepted,
    rejected,
    warnings,
    chunks: staged.chunks,
  });
  return {
    fileId,
    sourceUri,
    format: source.format,
    compressed: source.compressed,
    accepted,
    rejected,
    reasons,
    warnings,
    rejectsKey,
    manifestKey: staged.manifestKey,
    chunks: staged.chunks,
    resultsPrefix: stagedResultsPrefix(runId),
  };
});
