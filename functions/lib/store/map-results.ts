/**
 * Reading what a Distributed Map wrote with its ResultWriter: the Map Run's `manifest.json`
 * lists the result files, each a JSON Lines object of child outputs (WriterConfig COMPACT +
 * JSONL). Read a line at a time, so a run of any number of chunks costs the same memory.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { StoreChunkOutput, StoreChunksOutput } from '../../../contract';
import { readJsonLines } from './json-lines';
import { readObjectText } from './s3-objects';

/** The parts of a Map Run manifest this code reads. */
interface MapRunManifest {
  readonly DestinationBucket?: string;
  readonly ResultFiles?: { readonly SUCCEEDED?: readonly { readonly Key: string }[] };
}

/**
 * The outputs of the succeeded child executions of a Map Run.
 * @throws FileNotFoundError when the manifest or a result file is missing.
 */
export async function* mapRunOutputs(
  details: StoreChunksOutput['ResultWriterDetails'],
  client?: S3Client,
): AsyncGenerator<unknown> {
  const manifest = JSON.parse(await readObjectText(details.Bucket, details.Key, client)) as MapRunManifest;
  const bucket = manifest.DestinationBucket ?? details.Bucket;
  for (const file of manifest.ResultFiles?.SUCCEEDED ?? []) yield* readJsonLines(bucket, file.Key, client);
}

/** What the StoreChunk outputs of a run add up to. */
export interface StoreChunksSummary {
  readonly stored: number;
  readonly duplicates: number;
  /** Conflicts as the chunks reported them (a retried chunk's counted once per result line). */
  readonly conflicts: number;
  /** Where the chunks staged their conflicts (one key per chunk that found any). */
  readonly conflictsKeys: readonly string[];
}

/** Σ of the StoreChunk outputs of a run's StoreChunks results. */
export async function summarizeStoreChunks(output: StoreChunksOutput, client?: S3Client): Promise<StoreChunksSummary> {
  let stored = 0;
  let duplicates = 0;
  let conflicts = 0;
  const conflictsKeys: string[] = [];
  for await (const line of mapRunOutputs(output.ResultWriterDetails, client)) {
    const result = (line ?? {}) as Partial<StoreChunkOutput>;
    stored += typeof result.stored === 'number' ? result.stored : 0;
    duplicates += typeof result.duplicates === 'number' ? result.duplicates : 0;
    conflicts += typeof result.conflicts === 'number' ? result.conflicts : 0;
    if (typeof result.conflictsKey === 'string') conflictsKeys.push(result.conflictsKey);
  }
  return { stored, duplicates, conflicts, conflictsKeys };
}
