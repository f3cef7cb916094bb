/**
 * File ids: one stable id per object version (bucket, key, versionId). It names the file item,
 * the version's evidence (rejects report, archived original, lineage) and the S3-triggered
 * execution, so S3's at-least-once notifications for one version collapse into one run
 * (StartExecution rejects a reused name). The execution name is the run id.
 */
import { createHash } from 'node:crypto';
import { EXECUTION_NAME_MAX, KEY_PREFIX, type ProcessingType } from '../../../contract';

/** Longest readable part kept from the key; leaves room for the hash and a processing-type suffix. */
const READABLE_MAX = 48;
const HASH_CHARS = 16;

/**
 * `<readable tail of the key>-<sha256 prefix>`, only `[A-Za-z0-9_-]`, at most 65 characters.
 * @example fileIdFor('ingest', 'incoming/2024/trades.csv', 'v1') // '2024-trades-csv-3f1c…'
 */
export function fileIdFor(bucket: string, key: string, versionId: string): string {
  const hash = createHash('sha256').update(`${bucket}\n${key}\n${versionId}`).digest('hex').slice(0, HASH_CHARS);
  const relative = key.startsWith(KEY_PREFIX.incoming) ? key.slice(KEY_PREFIX.incoming.length) : key;
  const readable = relative
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(-READABLE_MAX)
    .replace(/^-+|-+$/g, '');
  return readable ? `${readable}-${hash}` : hash;
}

/**
 * Execution name of a run requested over the API: the file id plus the processing type, so an
 * identical request finds the run it already started, while a request for another profile (or a
 * re-run after an S3-triggered one) gets its own execution.
 */
export function requestedExecutionName(fileId: string, processingType: ProcessingType): string {
  return `${fileId}-${processingType}`.slice(0, EXECUTION_NAME_MAX);
}

/** ARN of the execution `name` of `stateMachineArn` (the format Step Functions uses). */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
