import './support/env';
import { DeleteItemCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/compensate-file';
import type { FileWorkflowState } from '../../contract';
import { context, trade } from './support/records';
import { noSuchKey, s3Body } from './support/s3';

const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const source = { kind: 's3' as const, uri: 's3://ingest-test/incoming/a.csv', versionId: 'v1' };
const chunk0 = [
  trade({ recordId: 'r1', source: { ...source, line: 2 } }),
  trade({ recordId: 'r2', source: { ...source, line: 3 } }),
];
const chunk1 = [trade({ recordId: 'r3', source: { ...source, line: 4 } })];
const state: FileWorkflowState = {
  bucket: 'ingest-test',
  key: 'incoming/a.csv',
  versionId: 'v1',
  processingType: 'standard',
  requestedAt: '2024-03-01T14:30:00.000Z',
  validation: {
    fileId: 'a-csv-0123456789abcdef',
    sourceUri: 's3://ingest-test/incoming/a.csv',
    format: 'csv',
    accepted: 3,
    rejected: 0,
    reasons: {},
    rejectsKey: 'rejected/a.csv.jsonl',
    chunks: [
      { key: 'staged/a-csv-0123456789abcdef/00000.ndjson', records: 2 },
      { key: 'staged/a-csv-0123456789abcdef/00001.ndjson', records: 1 },
    ],
  },
  error: { Error: 'UnprocessedItemsError', Cause: '{"errorMessage":"2 writes"}' },
};
const ndjson = (rs: unknown[]) => rs.map((r) => JSON.stringify(r)).join('\n');

beforeEach(() => {
  ddb.reset();
  s3.reset();
  s3.on(GetObjectCommand, { Key: state.validation!.chunks[0].key }).resolves({ Body: s3Body(ndjson(chunk0)) });
  s3.on(GetObjectCommand, { Key: state.validation!.chunks[1].key }).resolves({ Body: s3Body(ndjson(chunk1)) });
  s3.on(CopyObjectCommand).resolves({});
  ddb.on(DeleteItemCommand).resolves({});
  ddb.on(UpdateItemCommand).resolves({});
});

describe('compensate-file', () => {
  it(
    "deletes exactly this file's records, each only if the " + 'stored item still comes from this file version',
    async () => {
      const result = await handler(state, context);
      expect(result).toEqual({
        fileId: 'a-csv-0123456789abcdef',
        deleted: 3,
        kept: 0,
        missingChunks: 0,
        quarantineKey: 'quarantine/incoming/a.csv',
        errorName: 'UnprocessedItemsError',
      });
      const deletes = ddb.commandCalls(DeleteItemCommand).map((c) => c.args[0].input);
      expect(deletes.map((d) => d.Key!.sk.S)).toEqual(['T#r1', 'T#r2', 'T#r3']);
      expect(deletes[0]).toMatchObject({
        ConditionExpression: '#uri = :uri AND #version = :version',
        ExpressionAttributeNames: { '#uri': 'sourceUri', '#version': 'sourceVersion' },
        ExpressionAttributeValues: { ':uri': { S: 's3://ingest-test/incoming/a.csv' }, ':version': { S: 'v1' } },
      });
    },
  );

  it('keeps a record that another file has since written (ConditionalCheckFailed is fine)', async () => {
    ddb.on(DeleteItemCommand, { Key: { pk: { S: 'REC#AAPL#2024-03-01T14:30:00.000Z' }, sk: { S: 'T#r2' } } }).rejects(
      Object.assign(new Error('condition'), {
        name: 'ConditionalCheckFailedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(handler(state, context)).resolves.toMatchObject({ deleted: 2, kept: 1 });
  });

  it('quarantines the original version and marks the file FAILED out of the status index', async () => {
    await handler(state, context);
    expect(s3.commandCalls(CopyObjectCommand)[0].args[0].input).toEqual({
      CopySource: 'ingest-test/incoming/a.csv?versionId=v1',
      Bucket: 'ingest-test',
      Key: 'quarantine/incoming/a.csv',
    });
    const update = ddb.commandCalls(UpdateItemCommand)[0].args[0].input;
    expect(update.Key).toEqual({ pk: { S: 'FILE#a-csv-0123456789abcdef' }, sk: { S: 'FILE' } });
    expect(update.UpdateExpression).toMatch(/REMOVE #gsi1pk, #gsi1sk$/);
    expect(Object.values(update.ExpressionAttributeValues!)).toEqual(
      expect.arrayContaining([{ S: 'FAILED' }, { S: 'UnprocessedItemsError' }]),
    );
  });

  it('is safe to re-run after staged chunks or the original are gone (validation failed early)', async () => {
    s3.on(GetObjectCommand).rejects(noSuchKey());
    s3.on(CopyObjectCommand).rejects(noSuchKey());
    const early: FileWorkflowState = { ...state, validation: undefined, error: { Error: 'FileNotFoundError' } };
    await expect(handler(early, context)).resolves.toMatchObject({
      deleted: 0,
      kept: 0,
      missingChunks: 0,
      errorName: 'FileNotFoundError',
    });
    await expect(handler(state, context)).resolves.toMatchObject({ deleted: 0, missingChunks: 2 });
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(2);
  });
});
