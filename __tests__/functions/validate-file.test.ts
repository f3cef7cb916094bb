import './support/env';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { chunkSizeFor, handler } from '../../functions/validate-file';
import type { FileWorkflowInput } from '../../contract';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import { assertMarketRecord } from '../../functions/lib/domain/record-guard';
import { context } from './support/records';
import { noSuchKey, s3Body } from './support/s3';

const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const input: FileWorkflowInput = {
  bucket: 'ingest-test',
  key: 'incoming/2024/trades.csv',
  versionId: 'v1',
  size: 300,
  processingType: 'standard',
  requestedAt: '2024-03-01T14:31:00.000Z',
};
const fileId = fileIdFor('ingest-test', 'incoming/2024/trades.csv', 'v1');
const csv = [
  'Symbol,Timestamp,Price,Size,TradeId',
  'aapl,2024-03-01T14:30:01.000Z,187.25,100,1',
  'MSFT,2024-03-01T14:30:02.000Z,-1,5,2', // INVALID_PRICE
  'AAPL,2024-03-01T14:30:03.000Z,187.30,50,3',
  'AAPL,not-a-time,187.30,50,4', // INVALID_TIMESTAMP
  'MSFT,2024-03-01T14:30:04.000Z,400.5,10,5',
].join('\r\n');
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

beforeEach(() => {
  ddb.reset();
  s3.reset();
  ddb.on(PutItemCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  process.env.CHUNK_SIZE = '2';
});
afterAll(() => delete process.env.CHUNK_SIZE);

describe('validate-file', () => {
  it(
    'streams the object, stages accepted records in chunks, ' + 'writes the rejects report and returns the counts',
    async () => {
      s3.on(GetObjectCommand).resolves({ Body: s3Body(csv, 7), ContentLength: csv.length });
      const output = await handler(input, context);
      expect(output).toEqual({
        fileId,
        sourceUri: 's3://ingest-test/incoming/2024/trades.csv',
        format: 'csv',
        accepted: 3,
        rejected: 2,
        reasons: { INVALID_PRICE: 1, INVALID_TIMESTAMP: 1 },
        rejectsKey: 'rejected/2024/trades.csv.jsonl',
        chunks: [
          { key: `staged/${fileId}/00000.ndjson`, records: 2 },
          { key: `staged/${fileId}/00001.ndjson`, records: 1 },
        ],
      });
      expect(s3.commandCalls(GetObjectCommand)[0].args[0].input).toEqual({
        Bucket: 'ingest-test',
        Key: 'incoming/2024/trades.csv',
        VersionId: 'v1',
      });
      const staged = puts().filter((p) => p.Key!.startsWith('staged/'));
      const records = staged.flatMap((p) =>
        (p.Body as string)
          .trim()
          .split('\n')
          .map((l) => assertMarketRecord(JSON.parse(l))),
      );
      expect(records.map((r) => [r.symbol, r.source.line, r.source.versionId, r.originRegion])).toEqual([
        ['AAPL', 2, 'v1', 'us-east-1'],
        ['AAPL', 4, 'v1', 'us-east-1'],
        ['MSFT', 6, 'v1', 'us-east-1'],
      ]);
      const report = puts().find((p) => p.Key === 'rejected/2024/trades.csv.jsonl')!;
      expect(
        (report.Body as string)
          .trim()
          .split('\n')
          .map((l): unknown => JSON.parse(l)),
      ).toEqual([
        { line: 3, reason: 'INVALID_PRICE', message: expect.any(String) },
        { line: 5, reason: 'INVALID_TIMESTAMP', message: expect.any(String) },
      ]);
    },
  );

  it('records the run as PROCESSING in the status index first', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body(csv) });
    await handler(input, context);
    expect(ddb.commandCalls(PutItemCommand)[0].args[0].input.Item).toMatchObject({
      pk: { S: `FILE#${fileId}` },
      status: { S: 'PROCESSING' },
      gsi1pk: { S: 'FILESTATUS#PROCESSING' },
      gsi1sk: { S: '2024-03-01T14:31:00.000Z' },
    });
  });

  it('completes an empty file with no chunks and an empty rejects report', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body('') });
    const output = await handler({ ...input, key: 'incoming/empty.json' }, context);
    expect(output).toMatchObject({ format: 'json', accepted: 0, rejected: 0, chunks: [] });
    expect(puts()).toEqual([expect.objectContaining({ Key: 'rejected/empty.json.jsonl', Body: '' })]);
  });

  it('sizes chunks by processing type', () => {
    expect([
      chunkSizeFor('standard', 1000),
      chunkSizeFor('priority', 1000),
      chunkSizeFor('batch', 1000),
      chunkSizeFor('priority', 2),
    ]).toEqual([1000, 250, 4000, 1]);
  });

  it('fails with FileNotFoundError when the version does not exist', async () => {
    s3.on(GetObjectCommand).rejects(noSuchKey());
    await expect(handler(input, context)).rejects.toMatchObject({ name: 'FileNotFoundError' });
  });

  it('fails with UnsupportedFileError for other formats', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body('hello') });
    await expect(handler({ ...input, key: 'incoming/readme.txt' }, context)).rejects.toMatchObject({
      name: 'UnsupportedFileError',
    });
    expect(puts()).toHaveLength(0);
  });
});
