import './support/env';
import { CopyObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/archive-file';
import type { FileWorkflowState } from '../../contract';
import { context } from './support/records';
import { noSuchKey } from './support/s3';

const s3 = mockClient(S3Client);
const state: FileWorkflowState = {
  bucket: 'ingest-test',
  key: 'incoming/day 1/trades+x.csv',
  versionId: 'v1',
  size: 2048,
  processingType: 'standard',
  requestedAt: '2024-03-01T14:30:00.000Z',
  run: { runId: 'day-1-trades-x-csv-0123456789abcdef' },
  validation: {
    fileId: 'day-1-trades-x-csv-0123456789abcdef',
    sourceUri: 's3://ingest-test/incoming/day 1/trades+x.csv',
    format: 'csv',
    accepted: 3,
    rejected: 1,
    reasons: { INVALID_PRICE: 1 },
    warnings: 0,
    rejectsKey: 'rejected/day 1/trades+x.csv/day-1-trades-x-csv-0123456789abcdef.jsonl',
    compressed: false,
    manifestKey: 'staged/day-1-trades-x-csv-0123456789abcdef/manifest.jsonl',
    chunks: 1,
    resultsPrefix: 'staged/day-1-trades-x-csv-0123456789abcdef/results',
  },
};

beforeEach(() => {
  s3.reset();
  s3.on(CopyObjectCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
});

describe('archive-file', () => {
  it("copies the exact original version under the version's own key and writes its lineage", async () => {
    await expect(handler(state, context)).resolves.toEqual({
      archiveBucket: 'archive-test',
      originalKey: 'originals/incoming/day 1/trades+x.csv/day-1-trades-x-csv-0123456789abcdef.csv',
      lineageKey: 'lineage/day-1-trades-x-csv-0123456789abcdef.json',
    });
    expect(s3.commandCalls(CopyObjectCommand)[0].args[0].input).toEqual({
      CopySource: 'ingest-test/incoming/day%201/trades%2Bx.csv?versionId=v1',
      Bucket: 'archive-test',
      Key: 'originals/incoming/day 1/trades+x.csv/day-1-trades-x-csv-0123456789abcdef.csv',
    });
    const lineage: unknown = JSON.parse(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body as string);
    expect(lineage).toMatchObject({
      fileId: 'day-1-trades-x-csv-0123456789abcdef',
      runId: 'day-1-trades-x-csv-0123456789abcdef',
      sourceUri: 's3://ingest-test/incoming/day 1/trades+x.csv',
      versionId: 'v1',
      size: 2048,
      accepted: 3,
      rejected: 1,
      rejectsKey: 'rejected/day 1/trades+x.csv/day-1-trades-x-csv-0123456789abcdef.jsonl',
      archive: {
        bucket: 'archive-test',
        originalKey: 'originals/incoming/day 1/trades+x.csv/day-1-trades-x-csv-0123456789abcdef.csv',
      },
      manifestKey: 'staged/day-1-trades-x-csv-0123456789abcdef/manifest.jsonl',
      chunks: 1,
      requestedAt: '2024-03-01T14:30:00.000Z',
    });
  });

  it('fails with FileNotFoundError when the original version is gone', async () => {
    s3.on(CopyObjectCommand).rejects(noSuchKey());
    await expect(handler(state, context)).rejects.toMatchObject({ name: 'FileNotFoundError' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
