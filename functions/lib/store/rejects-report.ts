/**
 * The rejects report of one object version (`rejected/<key>/<fileId>.jsonl`): Validate writes
 * the rows it rejected (and the warnings of rows it kept); conflicts found later, while storing,
 * are appended when the run completes, so the report lists every row that was not stored.
 * Appending is idempotent: the report remembers (object metadata) which run appended to it.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '../aws/clients/s3';
import { isNotFound, readObjectText } from './s3-objects';

/** Metadata key naming the run whose conflicts the report already holds. */
const APPENDED_BY = 'conflicts-appended-by';

/**
 * Appends the conflicts staged under `conflictKeys` to the report at `reportKey`, sorted by
 * line, once per run. @returns the number of lines appended (0 when this run already did).
 */
export async function appendConflicts(
  bucket: string,
  reportKey: string,
  conflictKeys: readonly string[],
  runId: string,
  client: S3Client = s3Client(),
): Promise<number> {
  if (conflictKeys.length === 0) return 0;
  let report = '';
  try {
    const current = await client.send(new GetObjectCommand({ Bucket: bucket, Key: reportKey }));
    if (current.Metadata?.[APPENDED_BY] === runId) return 0;
    report = (await current.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const lines: { line: number; text: string }[] = [];
  for (const key of conflictKeys) {
    for (const text of (await readObjectText(bucket, key, client)).split('\n')) {
      if (text.trim()) lines.push({ line: (JSON.parse(text) as { line: number }).line, text });
    }
  }
  lines.sort((a, b) => a.line - b.line);
  const body = report + lines.map((l) => `${l.text}\n`).join('');
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: reportKey,
      Body: body,
      ContentType: 'application/x-ndjson',
      ContentLength: Buffer.byteLength(body, 'utf8'),
      Metadata: { [APPENDED_BY]: runId },
    }),
  );
  return lines.length;
}
