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
 * Appends `conflicts` to the report at `reportKey`, once per run.
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
  let report = '';
  try {
    const current = await client.send(new GetObjectCommand({ Bucket: bucket, Key: reportKey }));
    if (current.Metadata?.[APPENDED_BY] === runId) return 0;
    report = (await current.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const body = report + conflicts.map((c) => `${c.text}\n`).join('');
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
  return conflicts.length;
}
