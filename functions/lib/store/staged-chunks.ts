/**
 * Staged chunks: validated, normalised records written by Validate as NDJSON under
 * `staged/<runId>/`, listed in a chunk manifest (JSON Lines, one `StagedChunk` per line) that the
 * StoreChunks Distributed Map reads, and read back by StoreChunk and Compensate. Only the
 * manifest's key travels in the execution state, so its size does not grow with the file. Scoped
 * to the run, never to the file: two runs of one object version never read each other's chunks.
 *
 * Chunks are uploaded while the file is still being parsed, a bounded number at once: when that
 * many uploads are in flight, `add` waits, which pauses the parser (backpressure), so memory holds
 * at most `concurrency + 1` chunks whatever the file size.
 *
 * StoreChunk stages the conflicts it finds the same way (`staged/<runId>/conflicts/<n>.jsonl`),
 * so the run's rejects report can list them without the rejects travelling in the state.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { KEY_PREFIX, type StagedChunk } from '../../../contract';
import { assertMarketRecord } from '../domain/record-guard';
import type { MarketRecord, Reject } from '../domain/types';
import { readJsonLines } from './json-lines';
import { putObject, readObjectText } from './s3-objects';
import { StreamingUpload } from './streaming-upload';

/** Chunk uploads in flight at once by default: enough to hide S3 latency behind parsing. */
export const DEFAULT_STAGING_CONCURRENCY = 8;

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

/** Key of the chunk manifest of run `runId`. */
export function chunkManifestKey(runId: string): string {
  return `${KEY_PREFIX.staged}${runId}/manifest.jsonl`;
}

/** Where the StoreChunks Distributed Map of run `runId` writes its results (ResultWriter prefix). */
export function stagedResultsPrefix(runId: string): string {
  return `${KEY_PREFIX.staged}${runId}/results`;
}

/** Options of {@link ChunkStager}. */
export interface ChunkStagerOptions {
  readonly bucket: string;
  /** The run staging (`staged/<runId>/`). */
  readonly runId: string;
  /** Records per chunk. */
  readonly chunkSize: number;
  /** Uploads in flight at once. Default {@link DEFAULT_STAGING_CONCURRENCY}. */
  readonly concurrency?: number;
  readonly client?: S3Client;
}

/** What {@link ChunkStager.finish} staged. */
export interface StagedFile {
  readonly manifestKey: string;
  readonly chunks: number;
  readonly records: number;
}

/** Buffers records, uploads a chunk every `chunkSize` records, and lists each uploaded chunk in the manifest. */
export class ChunkStager {
  private buffer: MarketRecord[] = [];
  private nextIndex = 0;
  private staged = 0;
  private records = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | undefined;
  private readonly manifest: StreamingUpload;
  private readonly concurrency: number;
  /** Most chunk uploads in flight at once (tests assert the bound). */
  peakInFlight = 0;

  constructor(private readonly options: ChunkStagerOptions) {
    this.concurrency = options.concurrency ?? DEFAULT_STAGING_CONCURRENCY;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${this.concurrency}`);
    this.manifest = new StreamingUpload(options.bucket, chunkManifestKey(options.runId), {
      contentType: 'application/x-ndjson',
      client: options.client,
    });
  }

  /** Adds records; starts a chunk upload whenever one fills (waiting while too many are in flight). */
  async add(records: readonly MarketRecord[]): Promise<void> {
    for (const record of records) {
      this.buffer.push(record);
      if (this.buffer.length >= this.options.chunkSize) await this.flush();
    }
  }

  /** Uploads the last partial chunk, waits for every upload and completes the manifest. */
  async finish(): Promise<StagedFile> {
    await this.flush();
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.throwIfFailed();
    await this.manifest.close();
    return { manifestKey: chunkManifestKey(this.options.runId), chunks: this.staged, records: this.records };
  }

  /** Gives up after a failure elsewhere: lets uploads in flight settle and discards the manifest upload. */
  async abort(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    await this.manifest.abort();
  }

  private async flush(): Promise<void> {
    this.throwIfFailed();
    if (this.buffer.length === 0) return;
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const records = this.buffer;
    this.buffer = [];
    const chunk: StagedChunk = { key: stagedChunkKey(this.options.runId, this.nextIndex++), records: records.length };
    const body = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const upload = (async () => {
      await putObject(this.options.bucket, chunk.key, body, 'application/x-ndjson', this.options.client);
      // Listed only once it exists, so every manifest entry can be read back.
      await this.manifest.write(`${JSON.stringify(chunk)}\n`);
      this.staged++;
      this.records += chunk.records;
    })().then(
      () => void this.inFlight.delete(upload),
      (error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
        this.inFlight.delete(upload);
      },
    );
    this.inFlight.add(upload);
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight.size);
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/**
 * The chunks listed in a manifest, in the order they were staged.
 * @throws FileNotFoundError when the manifest does not exist.
 */
export async function* readChunkManifest(bucket: string, key: string, client?: S3Client): AsyncGenerator<StagedChunk> {
  for await (const entry of readJsonLines(bucket, key, client)) {
    const chunk = entry as Partial<StagedChunk>;
    if (typeof chunk.key !== 'string' || !Number.isInteger(chunk.records))
      throw new Error(`chunk manifest ${key} has an entry that is not {key, records}: ${JSON.stringify(entry)}`);
    yield { key: chunk.key, records: chunk.records as number };
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
