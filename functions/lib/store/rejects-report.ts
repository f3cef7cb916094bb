/**
 * The rejects report of one object version (`rejected/<key>/<fileId>.jsonl`): Validate writes
 * the rows it rejected (and the warnings of rows it kept); conflicts found later, while storing,
 * are appended when the run completes, so the report lists every row that was not stored.
 * Appending is idempotent: the report remembers (object metadata) which run appended to it.
 * A report of 5 MiB or more is never read: S3 copies it as the first part of a multipart upload
 * whose second part is the conflicts, so the memory this takes does not grow with the rejects.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { s3Client } from '../aws/clients/s3';
import { isNotFound, readObjectText } from './s3-objects';
import { MIN_PART_BYTES } from './streaming-upload';

/** Content type of a rejects report: one JSON object per line. */
const REPORT_CONTENT_TYPE = 'application/x-ndjson';

/** Metadata key naming the run whose conflicts the report already holds. */
const APPENDED_BY = 'conflicts-appended-by';

/** One conflict line of a rejects report, with its line number. */
export interface ConflictLine {
  readonly line: number;
  readonly text: string;
}

/**
 * The conflicts staged under `conflictKeys`, one per row (a row a retried chunk reported twice,
 * or that two chunks reported, counts once), sorted by line.
 */
export async function readConflicts(
  bucket: string,
  conflictKeys: readonly string[],
  client: S3Client = s3Client(),
): Promise<ConflictLine[]> {
  const byLine = new Map<number, string>();
  for (const key of conflictKeys) {
    for (const text of (await readObjectText(bucket, key, client)).split('\n')) {
      if (!text.trim()) continue;
      const line = (JSON.parse(text) as { line: number }).line;
      if (!byLine.has(line)) byLine.set(line, text);
    }
  }
  return [...byLine.entries()].sort((a, b) => a[0] - b[0]).map(([line, text]) => ({ line, text }));
}

/**
 * Appends `conflicts` to the report at `reportKey`, once per run. A report smaller than S3's
 * smallest part is rewritten whole; a larger one is copied server-side as part 1 of a multipart
 * upload (never downloaded), the conflicts being part 2.
 * @returns the number of lines appended (0 when there are none or this run already did).
 */
export async function appendConflicts(
  bucket: string,
  reportKey: string,
  conflicts: readonly ConflictLine[],
  runId: string,
  client: S3Client = s3Client(),
): Promise<number> {
  if (conflicts.length === 0) return 0;
  let size = 0;
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: reportKey }));
    if (head.Metadata?.[APPENDED_BY] === runId) return 0;
    size = head.ContentLength ?? 0;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const tail = conflicts.map((c) => `${c.text}\n`).join('');
  if (size >= MIN_PART_BYTES) await appendByPartCopy(bucket, reportKey, tail, runId, client);
  else {
    const report = size > 0 ? await readReport(bucket, reportKey, client) : '';
    const body = report + tail;
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: reportKey,
        Body: body,
        ContentType: REPORT_CONTENT_TYPE,
        ContentLength: Buffer.byteLength(body, 'utf8'),
        Metadata: { [APPENDED_BY]: runId },
      }),
    );
  }
  return conflicts.length;
}

/** The report's text ('' when it vanished since it was looked at). */
async function readReport(bucket: string, reportKey: string, client: S3Client): Promise<string> {
  try {
    const current = await client.send(new GetObjectCommand({ Bucket: bucket, Key: reportKey }));
    return (await current.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (isNotFound(error)) return '';
    throw error;
  }
}

/** Report (copied by S3 as part 1) + `tail` (part 2) → the report, marked as appended by `runId`. */
async function appendByPartCopy(
  bucket: string,
  reportKey: string,
  tail: string,
  runId: string,
  client: S3Client,
): Promise<void> {
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: reportKey,
      ContentType: REPORT_CONTENT_TYPE,
      Metadata: { [APPENDED_BY]: runId },
    }),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error(`CreateMultipartUpload for ${reportKey} returned no UploadId`);
  try {
    const copied = await client.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: reportKey,
        UploadId: uploadId,
        PartNumber: 1,
        CopySource: `${bucket}/${encodeURIComponent(reportKey)}`,
      }),
    );
    const body = Buffer.from(tail, 'utf8');
    const appended = await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: reportKey,
        UploadId: uploadId,
        PartNumber: 2,
        Body: body,
        ContentLength: body.length,
      }),
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: reportKey,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: copied.CopyPartResult?.ETag },
            { PartNumber: 2, ETag: appended.ETag },
          ],
        },
      }),
    );
  } catch (error) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: reportKey, UploadId: uploadId }))
      .catch(() => undefined);
    throw error;
  }
}
