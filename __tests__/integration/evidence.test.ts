import { ARCHIVE_PREFIX } from '../../contract';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import type { LocalPipeline } from '../../local/local-pipeline';
import { generateTrades, readText, testPipeline, tradesCsv } from './harness';

describe('evidence per object version', () => {
  let pipeline: LocalPipeline;
  const firstText = tradesCsv(generateTrades(10, { symbols: ['AAPL'], idPrefix: 'V1' }), [
    'AAPL,2026-03-10T14:30:30.000Z,-1.00,100,V1BAD',
  ]);
  const secondText = tradesCsv(generateTrades(12, { symbols: ['AAPL'], idPrefix: 'V2', seed: 3 }), [
    'AAPL,2026-03-10 14:31:00,415.00,100,V2BAD',
    'aa pl,2026-03-10T14:31:00.000Z,118.00,10,V2BAD2',
  ]);
  const lineage: Record<string, { archive: { bucket: string; originalKey: string }; rejectsKey: string }> = {};

  beforeAll(async () => {
    pipeline = await testPipeline('evidence');
    const first = await pipeline.uploadFile('versions.csv', firstText);
    await pipeline.drain();
    const second = await pipeline.uploadFile('versions.csv', secondText);
    await pipeline.drain();
    for (const [name, uploaded] of [
      ['first', first],
      ['second', second],
    ] as const) {
      const fileId = fileIdFor(pipeline.resources.ingestBucket, uploaded.key, uploaded.versionId as string);
      lineage[name] = JSON.parse(
        await readText(pipeline, pipeline.resources.archiveBucket, `${ARCHIVE_PREFIX.lineage}${fileId}.json`),
      ) as (typeof lineage)[string];
    }
  });

  it("keeps each version's archived original: the first version's lineage still leads to its own bytes", async () => {
    expect(lineage.first.archive.originalKey).not.toBe(lineage.second.archive.originalKey);
    expect(await readText(pipeline, lineage.first.archive.bucket, lineage.first.archive.originalKey)).toBe(firstText);
    expect(await readText(pipeline, lineage.second.archive.bucket, lineage.second.archive.originalKey)).toBe(
      secondText,
    );
  });

  it("keeps each version's rejects report: the first version's lineage still leads to its own rejects", async () => {
    expect(lineage.first.rejectsKey).not.toBe(lineage.second.rejectsKey);
    const reasons = async (key: string) =>
      (await readText(pipeline, pipeline.resources.ingestBucket, key))
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { line: number; reason: string }).reason);
    expect(await reasons(lineage.first.rejectsKey)).toEqual(['INVALID_PRICE']);
    expect(await reasons(lineage.second.rejectsKey)).toEqual(['INVALID_TIMESTAMP', 'INVALID_SYMBOL']);
  });
});
