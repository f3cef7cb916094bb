import '../../support/env';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ChunkStager,
  chunkManifestKey,
  readChunkManifest,
  stagedChunkKey,
} from '../../../../functions/lib/store/staged-chunks';
import { trade } from '../../support/records';
import { s3Body } from '../../support/s3';

const s3 = mockClient(S3Client);
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
const lines = (body: unknown): unknown[] =>
  String(body)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);

describe('ChunkStager', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
  });

  it('uploads full chunks as they fill, lists each in the manifest, and writes no empty trailing chunk', async () => {
    const stager = new ChunkStager({ bucket: 'b', runId: 'f1', chunkSize: 2 });
    await stager.add([trade({ recordId: 'a' }), trade({ recordId: 'b' }), trade({ recordId: 'c' })]);
    await stager.add([trade({ recordId: 'd' })]);
    expect(await stager.finish()).toEqual({ manifestKey: 'staged/f1/manifest.jsonl', chunks: 2, records: 4 });
    const chunk1 = puts().find((p) => p.Key === 'staged/f1/00001.ndjson')!;
    expect(lines(chunk1.Body).map((r) => (r as { recordId: string }).recordId)).toEqual(['c', 'd']);
    const manifest = puts().find((p) => p.Key === 'staged/f1/manifest.jsonl')!;
    expect(lines(manifest.Body)).toEqual(
      expect.arrayContaining([
        { key: 'staged/f1/00000.ndjson', records: 2 },
        { key: 'staged/f1/00001.ndjson', records: 2 },
      ]),
    );
    // The manifest is written last, after every chunk it lists.
    expect(puts().at(-1)!.Key).toBe('staged/f1/manifest.jsonl');
  });

  it('writes an empty manifest for a file without accepted records', async () => {
    const stager = new ChunkStager({ bucket: 'b', runId: 'f2', chunkSize: 2 });
    expect(await stager.finish()).toEqual({ manifestKey: 'staged/f2/manifest.jsonl', chunks: 0, records: 0 });
    expect(puts()).toEqual([expect.objectContaining({ Key: 'staged/f2/manifest.jsonl', Body: '' })]);
  });

  it('keeps at most `concurrency` uploads in flight, making the parser wait (backpressure)', async () => {
    let inFlight = 0;
    let peak = 0;
    s3.on(PutObjectCommand).callsFake(async (input: { Key: string }) => {
      if (input.Key === chunkManifestKey('f3')) return {};
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return {};
    });
    const stager = new ChunkStager({ bucket: 'b', runId: 'f3', chunkSize: 1, concurrency: 3 });
    const waitsSeen: number[] = [];
    for (let i = 0; i < 12; i++) {
      await stager.add([trade({ recordId: String(i) })]);
      // add() returns only once its chunk's upload could start: never more than 3 at once.
      waitsSeen.push(inFlight);
    }
    expect(await stager.finish()).toMatchObject({ chunks: 12, records: 12 });
    expect(peak).toBe(3);
    expect(stager.peakInFlight).toBe(3);
    expect(Math.max(...waitsSeen)).toBeLessThanOrEqual(3);
  });

  it('fails with the first upload error and leaves no manifest behind', async () => {
    s3.on(PutObjectCommand, { Key: 'staged/f4/00001.ndjson' }).rejects(
      Object.assign(new Error('slow down'), { name: 'SlowDown' }),
    );
    const stager = new ChunkStager({ bucket: 'b', runId: 'f4', chunkSize: 1 });
    const run = async (): Promise<unknown> => {
      await stager.add([trade({ recordId: '1' }), trade({ recordId: '2' }), trade({ recordId: '3' })]);
      return stager.finish();
    };
    await expect(run()).rejects.toMatchObject({ name: 'SlowDown' });
    await stager.abort();
    expect(puts().map((p) => p.Key)).not.toContain('staged/f4/manifest.jsonl');
  });

  it('zero-pads chunk numbers so keys sort in order', () => {
    expect(stagedChunkKey('f', 12)).toBe('staged/f/00012.ndjson');
  });
});

describe('readChunkManifest', () => {
  beforeEach(() => s3.reset());

  it('yields the listed chunks a line at a time, however the object is split', async () => {
    const manifest = '{"key":"staged/f/00000.ndjson","records":1000}\r\n{"key":"staged/f/00001.ndjson","records":7}\n';
    s3.on(GetObjectCommand).resolves({ Body: s3Body(manifest, 3) });
    const chunks = [];
    for await (const chunk of readChunkManifest('b', 'staged/f/manifest.jsonl')) chunks.push(chunk);
    expect(chunks).toEqual([
      { key: 'staged/f/00000.ndjson', records: 1000 },
      { key: 'staged/f/00001.ndjson', records: 7 },
    ]);
  });

  it('refuses an entry that is not {key, records}', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body('{"key":"k"}\n') });
    const read = async () => {
      for await (const chunk of readChunkManifest('b', 'm')) void chunk;
    };
    await expect(read()).rejects.toThrow(/not \{key, records\}/);
  });
});
