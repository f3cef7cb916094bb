import { KEY_PREFIX, WORKFLOW_STEPS } from '../../contract';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import type { LocalPipeline } from '../../local/local-pipeline';
import { fileItem, generateTrades, readText, storedRecords, testPipeline, tradesCsv } from './harness';

/** Step Functions' quota on a state's input or output. */
const PAYLOAD_QUOTA = 256 * 1024;

describe('a file whose chunk list would not fit in the execution state', () => {
  let pipeline: LocalPipeline;
  // One record per chunk and a long name: the old inline chunk list (~95 bytes per chunk) would
  // have been ~270 KiB, past the 256 KiB quota.
  const rows = generateTrades(2_900, { symbols: ['AAPL', 'MSFT', 'NVDA'], minutes: 5, idPrefix: 'BIG' });
  const name = 'large/a-chunk-list-longer-than-the-payload-quota-allows.csv';
  let fileId: string;

  beforeAll(async () => {
    pipeline = await testPipeline('large', { tinyChunkSize: 1, bars: false });
    const uploaded = await pipeline.uploadFile(name, tradesCsv(rows));
    fileId = fileIdFor(pipeline.resources.ingestBucket, uploaded.key, uploaded.versionId as string);
    await pipeline.drain(600_000);
  }, 600_000);

  it('completes, one StoreChunk child execution per chunk, with the execution state under 16 KiB', () => {
    const [run] = pipeline.workflows.finished;
    expect({ status: run.status, error: run.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(run.largestPayloadBytes).toBeLessThan(16 * 1024);
    expect(rows.length * 95).toBeGreaterThan(PAYLOAD_QUOTA);
    const children = run.trace.filter(
      (e) => e.type === 'StateEntered' && e.state.endsWith(`/${WORKFLOW_STEPS.storeChunk}`),
    );
    expect(children).toHaveLength(rows.length);
  });

  it('stores every row and marks the file COMPLETED', async () => {
    expect(await storedRecords(pipeline)).toBe(rows.length);
    expect(await fileItem(pipeline, fileId)).toMatchObject({
      status: { S: 'COMPLETED' },
      accepted: { N: String(rows.length) },
      stored: { N: String(rows.length) },
    });
  });

  it('lists every chunk in the manifest in S3 instead', async () => {
    const manifest = await readText(
      pipeline,
      pipeline.resources.ingestBucket,
      `${KEY_PREFIX.staged}${fileId}/manifest.jsonl`,
    );
    expect(manifest.trim().split('\n')).toHaveLength(rows.length);
  });
});
