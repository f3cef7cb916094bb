import './support/env';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { CountingDynamoClient } from '../../bench/counting-client';
import { handler } from '../../functions/store-chunk';
import { claimFileRun, markFileCompleted, markFileFailed } from '../../functions/lib/store/file-store';
import { recordKey } from '../../functions/lib/store/items';
import { context, trade } from './support/records';
import { noSuchKey, s3Body } from './support/s3';
import { tableBehind } from './support/table';

const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const RUN = 'a-csv-0123456789abcdef';
const records = Array.from({ length: 30 }, (_, i) =>
  trade({
    recordId: `t-AAPL-r${i}@XNAS`,
    tradeId: `r${i}`,
    source: { kind: 's3', uri: 's3://ingest-test/incoming/a.csv', versionId: 'v1', line: i + 2 },
  }),
);
const ndjson = (rs: unknown[]) => rs.map((r) => JSON.stringify(r)).join('\n') + '\n';
const input = {
  bucket: 'ingest-test',
  fileId: 'a-csv-0123456789abcdef',
  runId: RUN,
  chunk: { key: `staged/${RUN}/00000.ndjson`, records: 30 },
};
let table: CountingDynamoClient;
/** The file item's run `runId` (what Validate claims before any chunk is stored). */
const fileRun = (runId: string) => ({
  fileId: input.fileId,
  runId,
  bucket: 'ingest-test',
  key: 'incoming/a.csv',
  versionId: 'v1',
  processingType: 'standard',
  requestedAt: '2024-03-01T14:30:00.000Z',
});

beforeEach(async () => {
  s3.reset();
  table = tableBehind(ddb);
  s3.on(GetObjectCommand, { Bucket: 'ingest-test', Key: input.chunk.key }).resolves({ Body: s3Body(ndjson(records)) });
  s3.on(PutObjectCommand).resolves({});
  await claimFileRun('pipeline-test', fileRun(RUN), 'us-east-1');
  table.resetCounts();
});

describe('store-chunk', () => {
  it('stores every staged record as an item created by the run, one conditional write each', async () => {
    await expect(handler(input, context)).resolves.toEqual({ stored: 30, duplicates: 0, conflicts: 0 });
    expect(table.get(recordKey(records[0]) as never)).toMatchObject({ runId: { S: RUN }, runs: { SS: [RUN] } });
    expect(table.totals()).toMatchObject({ requests: 60, itemWrites: 60, conditionFailures: 0 });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('counts a retried chunk as stored again (its own writes), never as duplicates', async () => {
    await handler(input, context);
    await expect(handler(input, context)).resolves.toEqual({ stored: 30, duplicates: 0, conflicts: 0 });
  });

  /** `earlier-run` held the file, stored the chunk and completed; then `RUN` claimed the file. */
  const storedEarlier = async (): Promise<void> => {
    await markFileFailed('pipeline-test', input.fileId, RUN, 'Superseded', 'us-east-1');
    await claimFileRun('pipeline-test', fileRun('earlier-run'), 'us-east-1');
    await handler({ ...input, runId: 'earlier-run' }, context);
    await markFileCompleted('pipeline-test', input.fileId, 'earlier-run', {}, 'us-east-1');
    await claimFileRun('pipeline-test', fileRun(RUN), 'us-east-1');
  };

  it('counts what another run stored with the same content as duplicates, also when retried', async () => {
    await storedEarlier();
    await expect(handler(input, context)).resolves.toEqual({ stored: 0, duplicates: 30, conflicts: 0 });
    await expect(handler(input, context)).resolves.toEqual({ stored: 0, duplicates: 30, conflicts: 0 });
    expect(table.get(recordKey(records[0]) as never)).toMatchObject({ runId: { S: 'earlier-run' } });
  });

  it('stages the conflicts it finds next to the chunk, for the rejects report, and keeps the stored rows', async () => {
    const changed = records.map((r, i) => (i < 2 ? { ...r, price: '1', notional: '100' } : r));
    await storedEarlier();
    s3.on(GetObjectCommand, { Key: input.chunk.key }).resolves({ Body: s3Body(ndjson(changed)) });
    await expect(handler(input, context)).resolves.toEqual({
      stored: 0,
      duplicates: 28,
      conflicts: 2,
      conflictsKey: `staged/${RUN}/conflicts/00000.jsonl`,
    });
    const staged = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(staged.Key).toBe(`staged/${RUN}/conflicts/00000.jsonl`);
    expect(
      (staged.Body as string)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { line: number; reason: string; conflictsWith: { line: number } }),
    ).toEqual([
      expect.objectContaining({
        line: 2,
        reason: 'CONFLICTING_DUPLICATE',
        conflictsWith: expect.objectContaining({ line: 2 }),
      }),
      expect.objectContaining({
        line: 3,
        reason: 'CONFLICTING_DUPLICATE',
        conflictsWith: expect.objectContaining({ line: 3 }),
      }),
    ]);
    expect(table.get(recordKey(records[0]) as never)).toMatchObject({ price: { N: '187.25' } });
  });

  it('fails with the AWS error, for the workflow to retry, when writes fail after the client retries', async () => {
    ddb
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(handler(input, context)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });

  it('refuses a chunk whose record count differs from what Validate staged', async () => {
    await expect(handler({ ...input, chunk: { ...input.chunk, records: 31 } }, context)).rejects.toMatchObject({
      name: 'StagedChunkMismatchError',
    });
    expect(table.totals().requests).toBe(0);
  });

  it('reports a missing chunk as FileNotFoundError', async () => {
    s3.on(GetObjectCommand).rejects(noSuchKey());
    await expect(handler(input, context)).rejects.toMatchObject({ name: 'FileNotFoundError' });
  });

  it('releases its own records again when its run was compensated while it wrote (the file is FAILED)', async () => {
    await markFileFailed('pipeline-test', input.fileId, RUN, 'States.Timeout', 'us-east-1');
    await expect(handler(input, context)).rejects.toMatchObject({ name: 'RunCompensatedError' });
    for (const record of records) expect(table.get(recordKey(record) as never)).toBeUndefined();
    expect(ddb.commandCalls(GetItemCommand).at(-1)?.args[0].input).toMatchObject({ ConsistentRead: true });
  });

  it('releases only its own claim: records another run also stored stay, as that run stored them', async () => {
    await storedEarlier();
    await markFileFailed('pipeline-test', input.fileId, RUN, 'States.Timeout', 'us-east-1');
    await expect(handler(input, context)).rejects.toMatchObject({ name: 'RunCompensatedError' });
    for (const record of records)
      expect(table.get(recordKey(record) as never)).toMatchObject({ runId: { S: 'earlier-run' } });
  });

  it('releases its records when another run holds the file now (its own run was given up on)', async () => {
    await markFileFailed('pipeline-test', input.fileId, RUN, 'States.Timeout', 'us-east-1');
    await claimFileRun('pipeline-test', fileRun('next-run'), 'us-east-1');
    await expect(handler(input, context)).rejects.toMatchObject({ name: 'RunCompensatedError' });
    expect(table.get(recordKey(records[0]) as never)).toBeUndefined();
  });
});
