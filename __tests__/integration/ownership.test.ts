import type { FileWorkflowState, FunctionName } from '../../contract';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import type { LocalPipeline } from '../../local/local-pipeline';
import {
  barsOf,
  expectedBars,
  fileItem,
  generateTrades,
  recordItemsOf,
  runsOf,
  testPipeline,
  tradesCsv,
  until,
  type TradeRow,
} from './harness';

/** An error no retrier lists: the run goes straight to compensation. */
class InjectedArchiveFailure extends Error {
  constructor() {
    super('injected: the archive refused this file');
    this.name = 'InjectedArchiveFailure';
  }
}

/** What to do before a handler runs for one object version: `(versionId, function) → action`. */
type Fault = (state: FileWorkflowState) => Promise<void> | void;

describe('a run removes only what it created', () => {
  let pipeline: LocalPipeline;
  /** Faults by object key and function, looked up for every step invocation. */
  const faults = new Map<string, Partial<Record<FunctionName, Fault>>>();

  const failArchiveOf = (key: string, versionId: string | undefined): void => {
    faults.set(key, {
      'archive-file': (state) => {
        if (state.versionId === versionId) throw new InjectedArchiveFailure();
      },
    });
  };
  const upload = async (name: string, rows: readonly TradeRow[]) => {
    const uploaded = await pipeline.uploadFile(name, tradesCsv(rows));
    return {
      ...uploaded,
      fileId: fileIdFor(pipeline.resources.ingestBucket, uploaded.key, uploaded.versionId as string),
    };
  };

  beforeAll(async () => {
    pipeline = await testPipeline('ownership', {
      chunkSize: 25,
      fault: async (name, event) => {
        const state = event as FileWorkflowState;
        await faults.get(state?.key)?.[name]?.(state);
      },
    });
  });

  it("a failed identical re-upload leaves the completed run's records and bars untouched", async () => {
    const rows = generateTrades(40, { symbols: ['AAPL', 'MSFT'], idPrefix: 'SAME' });
    const first = await upload('same.csv', rows);
    await pipeline.drain();
    expect(await recordItemsOf(pipeline, 'AAPL')).toHaveLength(20);

    const second = await upload('same.csv', rows);
    failArchiveOf(second.key, second.versionId);
    await pipeline.drain();

    expect(runsOf(pipeline, second.key).map((run) => run.status)).toEqual(['SUCCEEDED', 'FAILED']);
    expect((await recordItemsOf(pipeline, 'AAPL')).length + (await recordItemsOf(pipeline, 'MSFT')).length).toBe(40);
    expect(await barsOf(pipeline, ['AAPL', 'MSFT'])).toEqual(expectedBars(rows));
    expect(await fileItem(pipeline, first.fileId)).toMatchObject({ status: { S: 'COMPLETED' }, stored: { N: '40' } });
  });

  it("a failed file repeating trade ids of a completed file leaves that file's records untouched", async () => {
    const completed = generateTrades(30, { symbols: ['NVDA'], idPrefix: 'KEPT', seed: 5 });
    await upload('completed.csv', completed);
    await pipeline.drain();

    // Five trades repeated as they are, five with another price, and twenty of its own.
    const repeating = [
      ...completed.slice(0, 5),
      ...completed.slice(5, 10).map((row) => ({ ...row, price: '999.99' })),
      ...generateTrades(20, { symbols: ['NVDA'], idPrefix: 'OWN', seed: 6 }),
    ];
    const failing = await upload('repeating.csv', repeating);
    failArchiveOf(failing.key, failing.versionId);
    await pipeline.drain();

    expect(runsOf(pipeline, failing.key).map((run) => run.status)).toEqual(['FAILED']);
    expect(await recordItemsOf(pipeline, 'NVDA')).toHaveLength(30);
    expect(await barsOf(pipeline, ['NVDA'])).toEqual(expectedBars(completed));
  });

  it('a failed run that stored trades first leaves them to a run that completed with the same trades', async () => {
    const rows = generateTrades(20, { symbols: ['SPY'], idPrefix: 'BOTH', seed: 8 });
    let laterId = '';
    faults.set('incoming/stores-first.csv', {
      // Fails only after the other file has completed, relying on the trades this run stored.
      'archive-file': async () => {
        await until(async () => (await fileItem(pipeline, laterId))?.status?.S === 'COMPLETED');
        throw new InjectedArchiveFailure();
      },
    });
    faults.set('incoming/completes.csv', {
      // Starts only once the failing run has stored every trade: it finds them already there.
      'validate-file': async () => {
        await until(async () => (await recordItemsOf(pipeline, 'SPY')).length === rows.length);
      },
    });
    await upload('stores-first.csv', rows);
    laterId = (await upload('completes.csv', rows)).fileId;
    await pipeline.drain();

    expect(runsOf(pipeline, 'incoming/stores-first.csv').map((run) => run.status)).toEqual(['FAILED']);
    expect(runsOf(pipeline, 'incoming/completes.csv').map((run) => run.status)).toEqual(['SUCCEEDED']);
    expect(await recordItemsOf(pipeline, 'SPY')).toHaveLength(20);
    expect(await barsOf(pipeline, ['SPY'])).toEqual(expectedBars(rows));
  });
});
