/**
 * Validate (first step of the file workflow): stream the object version through the data
 * path, stage accepted records as NDJSON chunks, write the rejects report, and return the
 * counts. Rejected rows are data, not errors: an empty or wholly invalid file completes with 0
 * chunks. Only a missing, unsupported or oversized object fails (non-retryable: the run
 * compensates).
 */
import { type FileWorkflowInput, KEY_PREFIX, type ProcessingType, type ValidationOutput } from '../../contract';
import { detectFormat, processStream } from '../lib/ingest/data-path';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { fileIdFor } from '../lib/store/file-ids';
import { markFileProcessing } from '../lib/store/file-store';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { openObject, putObject } from '../lib/store/s3-objects';
import { ChunkStager } from '../lib/store/staged-chunks';
import { peekStream } from '../lib/ingest/stream-peek';
import { FileTooLargeError, UnsupportedFileError } from '../lib/runtime/workflow-errors';

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

/** `rejected/<key without incoming/>.jsonl`. */
export function rejectsKeyFor(key: string): string {
  const relative = key.startsWith(KEY_PREFIX.incoming) ? key.slice(KEY_PREFIX.incoming.length) : key;
  return `${KEY_PREFIX.rejected}${relative}.jsonl`;
}

/** Validate step: FileWorkflowInput → ValidationOutput (`$.validation`). */
export const handler = instrumented(async (input: FileWorkflowInput): Promise<ValidationOutput> => {
  const tableName = env.tableName();
  const region = pipelineRegion();
  const fileId = fileIdFor(input.bucket, input.key, input.versionId);
  const sourceUri = `s3://${input.bucket}/${input.key}`;
  await markFileProcessing(
    tableName,
    {
      fileId,
      bucket: input.bucket,
      key: input.key,
      versionId: input.versionId,
      processingType: input.processingType,
      requestedAt: input.requestedAt,
      size: input.size,
    },
    region,
  );

  const object = await openObject(input.bucket, input.key, input.versionId);
  const size = object.size ?? input.size;
  if (size !== undefined && size > MAX_FILE_BYTES) throw new FileTooLargeError(input.key, size, MAX_FILE_BYTES);
  const { head, stream } = await peekStream(object.body, SNIFF_BYTES);
  const format = detectFormat(input.key, Buffer.from(head).toString('utf8'));
  if (!format) throw new UnsupportedFileError(input.key, 'content is neither CSV nor JSON/NDJSON');

  const stager = new ChunkStager(input.bucket, fileId, chunkSizeFor(input.processingType, env.chunkSize()));
  const rejectLines: string[] = [];
  const reasons: Record<string, number> = {};
  let accepted = 0;
  for await (const result of processStream(stream, {
    format,
    source: { kind: 's3', uri: sourceUri, versionId: input.versionId, contentTag: object.etag },
    originRegion: region,
  })) {
    accepted += result.records.length;
    await stager.add(result.records);
    for (const reject of result.rejects) {
      rejectLines.push(JSON.stringify({ line: reject.line, reason: reject.reason, message: reject.message }));
      reasons[reject.reason] = (reasons[reject.reason] ?? 0) + 1;
    }
  }
  const chunks = await stager.finish();
  const rejectsKey = rejectsKeyFor(input.key);
  // Written even when empty: every run leaves a report.
  await putObject(
    input.bucket,
    rejectsKey,
    rejectLines.length > 0 ? `${rejectLines.join('\n')}\n` : '',
    'application/x-ndjson',
  );

  count(METRIC.recordsAccepted, accepted);
  count(METRIC.recordsRejected, rejectLines.length);
  logger.info('File validated', {
    fileId,
    key: input.key,
    format,
    accepted,
    rejected: rejectLines.length,
    chunks: chunks.length,
  });
  return { fileId, sourceUri, format, accepted, rejected: rejectLines.length, reasons, rejectsKey, chunks };
});
