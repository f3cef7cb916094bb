import { quarantineKeyFor } from '../../functions/lib/store/evidence-keys';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import { KEY_PREFIX, WORKFLOW_STEPS, type StoreChunkInput } from '../../contract';
import type { LocalPipeline } from '../../local/local-pipeline';
import {
  expectedBars,
  fileItem,
  generateTrades,
  listKeys,
  storedRecords,
  tableBars,
  testPipeline,
  tradesCsv,
} from './harness';

/** An error no retrier lists: the run goes straight to compensation. */
class InjectedStoreFailure extends Error {
  constructor() {
    super('injected: the table refused this chunk');
    this.name = 'InjectedStoreFailure';
  }
}

describe('a failure in the middle of a file is compensated', () => {
  let pipeline: LocalPipeline;
  let failingFileId: string | undefined;
  let failingChunkCalls = 0;
  const kept = generateTrades(40, { symbols: ['AAPL', 'MSFT'], idPrefix: 'KEEP' });
  // Same symbols and minutes: its stored chunks move the bars, which compensation must undo.
  const failing = generateTrades(60, { symbols: ['AAPL', 'MSFT'], idPrefix: 'FAIL', seed: 99 });

  beforeAll(async () => {
    pipeline = await testPipeline('compensation', {
      chunkSize: 25,
      fault: (name, event) => {
        if (name !== 'store-chunk' || (event as StoreChunkInput).fileId !== failingFileId) return;
        failingChunkCalls++;
        if (failingChunkCalls === 2) throw new InjectedStoreFailure();
      },
    });
    await pipeline.uploadFile('kept.csv', tradesCsv(kept));
    await pipeline.drain();
    const uploaded = await pipeline.uploadFile('failing.csv', tradesCsv(failing));
    failingFileId = fileIdFor(pipeline.resources.ingestBucket, uploaded.key, uploaded.versionId as string);
    await pipeline.drain();
  });

  it('fails the run through Compensate, MarkFailed and NotifyFailure', () => {
    const run = pipeline.workflows.finished.find((r) => r.name === failingFileId);
    expect(run).toMatchObject({ status: 'FAILED' });
    const top = run?.trace.filter((e) => e.type === 'StateEntered' && !e.state.includes('/')).map((e) => e.state);
    expect(top).toEqual([
      WORKFLOW_STEPS.identifyRun,
      WORKFLOW_STEPS.validate,
      WORKFLOW_STEPS.process,
      WORKFLOW_STEPS.compensate,
      WORKFLOW_STEPS.markFailed,
      WORKFLOW_STEPS.notifyFailure,
      WORKFLOW_STEPS.failed,
    ]);
    // The other chunks of the Map did run: there was something to compensate.
    expect(failingChunkCalls).toBe(3);
  });

  it("removes exactly the failed file's records and keeps the other file's", async () => {
    expect(await storedRecords(pipeline)).toBe(kept.length);
  });

  it('leaves the bars as if the failed file had never arrived', async () => {
    expect(await tableBars(pipeline)).toEqual(expectedBars(kept));
  });

  it('quarantines the failed file and marks it FAILED', async () => {
    expect(await listKeys(pipeline, pipeline.resources.ingestBucket, KEY_PREFIX.quarantine)).toEqual([
      quarantineKeyFor('incoming/failing.csv', failingFileId as string),
    ]);
    expect(await fileItem(pipeline, failingFileId as string)).toMatchObject({ status: { S: 'FAILED' } });
    const report = await pipeline.report();
    expect(report.files.map((f) => [f.key, f.status])).toEqual([
      ['incoming/failing.csv', 'FAILED'],
      ['incoming/kept.csv', 'COMPLETED'],
    ]);
  });
});
