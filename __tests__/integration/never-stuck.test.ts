import { KEY_PREFIX, type StoreChunkInput } from '../../contract';
import { quarantineKeyFor } from '../../functions/lib/store/evidence-keys';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import type { LocalPipeline } from '../../local/local-pipeline';
import { fileItem, generateTrades, listKeys, storedRecords, testPipeline, tradesCsv } from './harness';

describe('a run that ends where no Catch can see it is compensated by the watchdog', () => {
  let pipeline: LocalPipeline;
  const kept = generateTrades(30, { symbols: ['AAPL'], idPrefix: 'KEEP' });
  const rows = generateTrades(60, { symbols: ['AAPL', 'MSFT'], idPrefix: 'SLOW', seed: 5 });
  let fileId: string;
  let runId: string;

  beforeAll(async () => {
    pipeline = await testPipeline('never-stuck', {
      chunkSize: 25,
      runTimeoutSeconds: 4,
      bars: false,
      fault: async (name, event) => {
        if (name !== 'store-chunk' || (event as StoreChunkInput).fileId !== fileId) return;
        // The last chunk starts writing only after the run timed out and was compensated (the
        // first two are stored before): Lambda finishes an invocation whatever became of its run.
        if (!(event as StoreChunkInput).chunk.key.endsWith('00002.ndjson')) return;
        await new Promise((resolve) => setTimeout(resolve, 6_000));
      },
    });
    await pipeline.uploadFile('kept.csv', tradesCsv(kept));
    await pipeline.drain();
    const uploaded = await pipeline.uploadFile('slow.csv', tradesCsv(rows));
    fileId = fileIdFor(pipeline.resources.ingestBucket, uploaded.key, uploaded.versionId as string);
    runId = fileId;
    await pipeline.drain();
    // The hung chunk's invocation ends after the run; let it end before looking.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }, 60_000);

  it('ends TIMED_OUT, and the watchdog recovers it from the status-change event', () => {
    const run = pipeline.workflows.finished.find((r) => r.name === runId);
    expect(run).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(pipeline.workflows.watchdogOutcomes).toEqual([
      expect.objectContaining({
        name: runId,
        action: 'recovered',
        compensation: expect.objectContaining({ deleted: 50, errorName: 'States.Timeout' }),
      }),
    ]);
  });

  it("removes the timed-out run's records, also those of a chunk written after, keeps the other file's", async () => {
    expect(await storedRecords(pipeline)).toBe(kept.length);
  });

  it('quarantines the file, marks it FAILED with the reason and records that its failure was announced', async () => {
    expect(await listKeys(pipeline, pipeline.resources.ingestBucket, KEY_PREFIX.quarantine)).toEqual([
      quarantineKeyFor('incoming/slow.csv', fileId),
    ]);
    expect(await fileItem(pipeline, fileId)).toMatchObject({
      status: { S: 'FAILED' },
      errorName: { S: 'States.Timeout' },
      failureAnnouncedBy: { S: runId },
    });
  });

  it('leaves no file PROCESSING for the stuck-file sweep to find', async () => {
    const report = await pipeline.report();
    expect(report.files.map((f) => [f.key, f.status])).toEqual([
      ['incoming/kept.csv', 'COMPLETED'],
      ['incoming/slow.csv', 'FAILED'],
    ]);
  });
});
