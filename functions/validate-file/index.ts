/**
 * Validate (first task of the file workflow): claim the object version for this run, stream it
 * through the data path, stage accepted records as NDJSON chunks under the run's prefix, write
 * the version's rejects report, and return the counts. Rejected rows are data, not errors: an
 * empty or wholly invalid file completes with 0 chunks. Only a missing, unsupported or oversized
 * object fails (non-retryable: the run compensates); a version another run holds ends the run
 * at DuplicateRun (RunInProgressError) before anything is written.
 */
import { type FileWorkflowState, type ProcessingType, type ValidationOutput } from '../../contract';
import { detectFormat, processStream } from '../lib/ingest/data-path';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { rejectsKeyFor } from '../lib/store/evidence-keys';
import { fileIdFor } from '../lib/store/file-ids';
import { claimFileRun, fileRunOf } from '../lib/store/file-store';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { openObject, putObject } from '../lib/store/s3-objects';
import { ChunkStager, rejectLine } from '../lib/store/staged-chunks';
import { peekStream } from '../lib/ingest/stream-peek';
import { FileTooLargeError, UnsupportedFileError } from '../lib/runtime/workflow-errors';
import { runIdOf } from '../lib/runtime/workflow-run';

/** Largest file one run takes: the archive step copies it with a single CopyObject (5 GiB). */
export const MAX_FILE_BYTES = 5 * 1024 ** 3;
/** Bytes looked at to recognise the format. */
const SNIFF_BYTES = 4096;

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

  const object = await openObject(input.bucket, input.key, input.versionId);
  const size = object.size ?? input.size;
  if (size !== undefined && size > MAX_FILE_BYTES) throw new FileTooLargeError(input.key, size, MAX_FILE_BYTES);
  const { head, stream } = await peekStream(object.body, SNIFF_BYTES);
  const format = detectFormat(input.key, Buffer.from(head).toString('utf8'));
  if (!format) throw new UnsupportedFileError(input.key, 'content is neither CSV nor JSON/NDJSON');

  const stager = new ChunkStager(input.bucket, runId, chunkSizeFor(input.processingType, env.chunkSize()));
  // Rejects and warnings in line order (the data path yields them in order, part by part).
  const reportLines: string[] = [];
  const reasons: Record<string, number> = {};
  let accepted = 0;
  let rejected = 0;
  let warnings = 0;
  for await (const result of processStream(stream, {
    format,
    source: { kind: 's3', uri: sourceUri, versionId: input.versionId, contentTag: object.etag },
    originRegion: region,
  })) {
    accepted += result.records.length;
    await stager.add(result.records);
    const lines = [
      ...result.rejects.map((reject) => ({ line: reject.line, text: rejectLine(reject) })),
      ...result.warnings.map((warning) => ({ line: warning.line, text: JSON.stringify(warning) })),
    ].sort((a, b) => a.line - b.line);
    for (const { text } of lines) reportLines.push(text);
    for (const reject of result.rejects) reasons[reject.reason] = (reasons[reject.reason] ?? 0) + 1;
    rejected += result.rejects.length;
    warnings += result.warnings.length;
  }
  const chunks = await stager.finish();
  const rejectsKey = rejectsKeyFor(input.key, fileId);
  // Written even when empty: every version leaves a report.
  await putObject(
    input.bucket,
    rejectsKey,
    reportLines.length > 0 ? `${reportLines.join('\n')}\n` : '',
    'application/x-ndjson',
  );

  count(METRIC.recordsAccepted, accepted);
  count(METRIC.recordsRejected, rejected);
  logger.info('File validated', {
    fileId,
    runId,
    key: input.key,
    format,
    accepted,
    rejected,
    warnings,
    chunks: chunks.length,
  });
  return { fileId, sourceUri, format, accepted, rejected, reasons, warnings, rejectsKey, chunks };
});
