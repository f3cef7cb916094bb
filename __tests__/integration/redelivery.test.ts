import type { S3Event } from 'aws-lambda';
import type { LocalPipeline } from '../../local/local-pipeline';
import { expectedBars, generateTrades, storedRecords, tableBars, testPipeline, tradesCsv } from './harness';

describe('at-least-once delivery of files and S3 events is exactly-once in effect', () => {
  let pipeline: LocalPipeline;
  const rows = generateTrades(40, { symbols: ['MSFT', 'SPY'], idPrefix: 'R' });
  let firstEvent: S3Event;

  beforeAll(async () => {
    pipeline = await testPipeline('redelivery');
    const uploaded = await pipeline.uploadFile('dup.csv', tradesCsv(rows));
    firstEvent = uploaded.event as S3Event;
    await pipeline.drain();
  });

  it('ignores the same S3 event delivered again: no second execution, no extra items', async () => {
    const before = { stored: await storedRecords(pipeline), bars: await tableBars(pipeline) };
    const result = await pipeline.deliverS3Event(firstEvent);
    expect(result).toEqual({ started: 0, duplicates: 1, inProgress: 0, skipped: 0 });
    await pipeline.drain();
    expect(pipeline.workflows.finished).toHaveLength(1);
    expect(await storedRecords(pipeline)).toBe(before.stored);
    expect(await tableBars(pipeline)).toEqual(before.bars);
  });

  it('dedupes a duplicate event that arrives while the first execution is still running', async () => {
    const uploaded = await pipeline.uploadFile('racing.csv', tradesCsv(rows.slice(0, 5)));
    // The first delivery started the execution; it has not run yet when the second arrives.
    expect(await pipeline.deliverS3Event(uploaded.event as S3Event)).toEqual({
      started: 0,
      duplicates: 1,
      inProgress: 0,
      skipped: 0,
    });
    await pipeline.drain();
    expect(
      pipeline.workflows.finished.filter((run) => (run.input as { key: string }).key === 'incoming/racing.csv'),
    ).toHaveLength(1);
  });

  it('keeps items and bars unchanged when the same file is uploaded again as a new version', async () => {
    const before = await storedRecords(pipeline);
    const second = await pipeline.uploadFile('dup.csv', tradesCsv(rows));
    expect(second.versionId).not.toBe(firstEvent.Records[0].s3.object.versionId);
    await pipeline.drain();
    // A new object version is a new run (its own execution)...
    expect(pipeline.workflows.finished.filter((run) => run.status === 'SUCCEEDED')).toHaveLength(3);
    // ...that writes the same deterministic record ids: nothing is added, no bar moves.
    expect(await storedRecords(pipeline)).toBe(before);
    expect(await tableBars(pipeline)).toEqual(expectedBars(rows));
  });

  it('adds nothing when the same bytes without trade ids are uploaded again as a new version', async () => {
    const anonymous = generateTrades(12, { symbols: ['NVDA'], seed: 11 }).map((r) => ({ ...r, tradeId: undefined }));
    const first = await pipeline.uploadFile('no-ids.csv', tradesCsv(anonymous));
    await pipeline.drain();
    const before = { stored: await storedRecords(pipeline), bars: await tableBars(pipeline) };
    const second = await pipeline.uploadFile('no-ids.csv', tradesCsv(anonymous));
    expect(second.versionId).not.toBe(first.versionId);
    await pipeline.drain();
    // Ids of rows without a trade id come from the object and line plus the bytes' ETag, not the version.
    expect(await storedRecords(pipeline)).toBe(before.stored);
    expect(await tableBars(pipeline)).toEqual(before.bars);
  });

  it('stores a changed file under the same key as new rows, without overwriting the earlier version', async () => {
    const before = await storedRecords(pipeline);
    const changed = generateTrades(3, { symbols: ['NVDA'], seed: 12 }).map((r) => ({ ...r, tradeId: undefined }));
    await pipeline.uploadFile('no-ids.csv', tradesCsv(changed));
    await pipeline.drain();
    expect(await storedRecords(pipeline)).toBe(before + 3);
  });

  it('does not notify for keys outside incoming/ or with another suffix', async () => {
    const ignored = await pipeline.uploadFile('notes.txt', 'symbol,timestamp\n');
    expect(ignored.event).toBeUndefined();
  });
});
