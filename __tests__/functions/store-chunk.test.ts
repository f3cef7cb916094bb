import './support/env';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/store-chunk';
import { recordItem } from '../../functions/lib/store/items';
import { context, trade } from './support/records';
import { noSuchKey, s3Body } from './support/s3';

const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const records = Array.from({ length: 30 }, (_, i) =>
  trade({
    recordId: `r${i}`,
    source: { kind: 's3', uri: 's3://ingest-test/incoming/a.csv', versionId: 'v1', line: i + 2 },
  }),
);
const ndjson = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const input = {
  bucket: 'ingest-test',
  fileId: 'a-csv-0123456789abcdef',
  chunk: { key: 'staged/a-csv-0123456789abcdef/00000.ndjson', records: 30 },
};

beforeEach(() => {
  ddb.reset();
  s3.reset();
  ddb.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
});

describe('store-chunk', () => {
  it('writes every staged record as its item, 25 per request', async () => {
    s3.on(GetObjectCommand, { Bucket: 'ingest-test', Key: input.chunk.key }).resolves({ Body: s3Body(ndjson) });
    await expect(handler(input, context)).resolves.toEqual({ stored: 30 });
    const batches = ddb.commandCalls(BatchWriteItemCommand).map((c) => c.args[0].input.RequestItems!['pipeline-test']);
    expect(batches.map((b) => b.length)).toEqual([25, 5]);
    expect(batches[0][0]).toEqual({ PutRequest: { Item: recordItem(records[0]) } });
  });

  it('fails (for the workflow to retry) when writes stay unprocessed', async () => {
    s3.on(GetObjectCommand).resolves({
      Body: s3Body(
        records
          .slice(0, 1)
          .map((r) => JSON.stringify(r))
          .join('\n'),
      ),
    });
    ddb
      .on(BatchWriteItemCommand)
      .resolves({ UnprocessedItems: { 'pipeline-test': [{ PutRequest: { Item: recordItem(records[0]) } }] } });
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const run = handler({ ...input, chunk: { ...input.chunk, records: 1 } }, context).catch((e: unknown) => e);
      await jest.runAllTimersAsync();
      expect(await run).toMatchObject({ name: 'UnprocessedItemsError', unprocessed: 1 });
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a chunk whose record count differs from what Validate staged', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body(ndjson) });
    await expect(handler({ ...input, chunk: { ...input.chunk, records: 31 } }, context)).rejects.toMatchObject({
      name: 'StagedChunkMismatchError',
    });
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(0);
  });

  it('reports a missing chunk as FileNotFoundError', async () => {
    s3.on(GetObjectCommand).rejects(noSuchKey());
    await expect(handler(input, context)).rejects.toMatchObject({ name: 'FileNotFoundError' });
  });
});
