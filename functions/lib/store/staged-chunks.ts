/**
 * Staged chunks: validated, normalised records written by Validate as NDJSON under
 * `staged/<runId>/`, read back by StoreChunk and Compensate. Staging keeps the Step Functions
 * payloads small (only chunk keys travel) and makes every later step re-runnable. Scoped to the
 * run, never to the file: two runs of one object version never read each other's chunks.
 *
 * StoreChunk stages the conflicts it finds the same way (`staged/<runId>/conflicts/<n>.jsonl`),
 * so the run's rejects report can list them without the rejects travelling in the state.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { KEY_PREFIX, type StagedChunk } from '../../../contract';
import { assertMarketRecord } from '../domain/record-guard';
import { putObject, readObjectText } from './s3-objects';
import type { MarketRecord, Reject } from '../domain/types';

/** Key of chunk `index` of run `runId` (zero-padded so listings sort in order). */
export function stagedChunkKey(runId: string, index: number): string {
  return `${KEY_PREFIX.staged}${runId}/${String(index).padStart(5, '0')}.ndjson`;
}

/** Key of the conflicts found storing the chunk `chunkKey`: `staged/<runId>/conflicts/<n>.jsonl`. */
export function conflictsKeyFor(chunkKey: string): string {
  const slash = chunkKey.lastIndexOf('/');
  return `${chunkKey.slice(0, slash)}/conflicts/${chunkKey.slice(slash + 1).replace(/\.ndjson$/, '')}.jsonl`;
}

/** One line of a rejects report (a conflict keeps the stored row it conflicts with). */
export function rejectLine(reject: Reject): string {
  return JSON.stringify({
    line: reject.line,
    reason: reject.reason,
    message: reject.message,
    ...(reject.conflictsWith ? { conflictsWith: reject.conflictsWith } : {}),
  });
}

/** Stages the conflicts found storing `chunkKey`; returns their key. */
export async function stageConflicts(
  bucket: string,
  chunkKey: string,
  conflicts: readonly Reject[],
  client?: S3Client,
): Promise<string> {
  const key = conflictsKeyFor(chunkKey);
  await putObject(bucket, key, conflicts.map((r) => `${rejectLine(r)}\n`).join(''), 'application/x-ndjson', client);
  return key;
}

/** Buffers records and writes a chunk object every `chunkSize` records. */
export class ChunkStager {
  private readonly buffer: MarketRecord[] = [];
  private readonly written: StagedChunk[] = [];

  constructor(
    private readonly bucket: string,
    private readonly runId: string,
    private readonly chunkSize: number,
    private readonly client?: S3Client,
  ) {}

  /** Adds records; writes full chunks as they fill. */
  async add(records: readonly MarketRecord[]): Promise<void> {
    for (const record of records) {
      this.buffer.push(record);
      if (this.buffer.length >= this.chunkSize) await this.flush();
    }
  }

  /** Writes the last partial chunk and returns every chunk written. */
  async finish(): Promise<StagedChunk[]> {
    await this.flush();
    return [...this.written];
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const key = stagedChunkKey(this.runId, this.written.length);
    const body = this.buffer.map((r) => JSON.stringify(r)).join('\n') + '\n';
    await putObject(this.bucket, key, body, 'application/x-ndjson', this.client);
    this.written.push({ key, records: this.buffer.length });
    this.buffer.length = 0;
  }
}

/**
 * Reads a staged chunk back.
 * @throws FileNotFoundError when the chunk does not exist.
 */
export async function readStagedChunk(bucket: string, key: string, client?: S3Client): Promise<MarketRecord[]> {
  const text = await readObjectText(bucket, key, client);
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => assertMarketRecord(JSON.parse(line)));
}
