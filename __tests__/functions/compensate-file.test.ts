import './support/env';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { CountingDynamoClient } from '../../bench/counting-client';
import { handler } from '../../functions/compensate-file';
import type { FileWorkflowState } from '../../contract';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import { fileKey, recordKey } from '../../functions/lib/store/items';
import { storeRecords } from '../../functions/lib/store/record-store';
import { claimFileRun } from '../../functions/lib/store/file-store';
import { context, trade } from './support/records';
import { noSuchKey, s3Body } from './support/s3';
import { tableBehind } from './support/table';

const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const RUN = 'a-csv-0123456789abcdef';
/** The id Validate gives s3://ingest-test/incoming/a.csv version v1, and compensation derives without it. */
const FILE_ID = fileIdFor('ingest-test', 'incoming/a.csv', 'v1');
const source = { kind: 's3' as const, uri: 's3://ingest-test/incoming/a.csv', versionId: 'v1' };
const chunk0 = [
  trade({ recordId: 't-AAPL-1', tradeId: '1', source: { ...source, line: 2 } }),
  trade({ recordId: 't-AAPL-2', tradeId: '2', source: { ...source, line: 3 } }),
];
const chunk1 = [trade({ recordId: 't-AAPL-3', tradeId: '3', source: { ...source, line: 4 } })];
const state: FileWorkflowState = {
  bucket: 'ingest-test',
  key: 'incoming/a.csv',
  versionId: 'v1',
  processingType: 'standard',
  requestedAt: '2024-03-01T14:30:00.000Z',
  run: { runId: RUN },
  validation: {
    fileId: FILE_ID,
    sourceUri: 's3://ingest-test/incoming/a.csv',
    format: 'csv',
    accepted: 3,
    rejected: 0,
    reasons: {},
    warnings: 0,
    rejectsKey: `rejected/a.csv/${FILE_ID}.jsonl`,
    compressed: false,
    manifestKey: `staged/${RUN}/manifest.jsonl`,
    chunks: 2,
    resultsPrefix: `staged/${RUN}/results`,
  },
  error: { Error: 'ProvisionedThroughputExceededException', Cause: '{"errorMessage":"throttled"}' },
};
const ndjson = (rs: unknown[]) => rs.map((r) => JSON.stringify(r)).join('\n');
let table: CountingDynamoClient;
const chunkKeys = [`staged/${RUN}/00000.ndjson`, `staged/${RUN}/00001.ndjson`];
const manifest = ndjson([
  { key: chunkKeys[0], records: 2 },
  { key: chunkKeys[1], records: 1 },
]);

/** The file item as Validate leaves it for `runId`. */
async function claimedBy(runId: string): Promise<void> {
  await claimFileRun(
    'pipeline-test',
    {
      fileId: FILE_ID,
      runId,
      bucket: 'ingest-test',
      key: 'incoming/a.csv',
      versionId: 'v1',
      processingType: 'standard',
      requestedAt: state.requestedAt,
    },
    'us-east-1',
  );
}

beforeEach(async () => {
  s3.reset();
  table = tableBehind(ddb);
  s3.on(GetObjectCommand, { Key: state.validation!.manifestKey }).resolves({ Body: s3Body(manifest) });
  s3.on(GetObjectCommand, { Key: chunkKeys[0] }).resolves({ Body: s3Body(ndjson(chunk0)) });
  s3.on(GetObjectCommand, { Key: chunkKeys[1] }).resolves({ Body: s3Body(ndjson(chunk1)) });
  s3.on(CopyObjectCommand).resolves({});
  await claimedBy(RUN);
});

describe('compensate-file', () => {
  it('removes the records this run alone stored', async () => {
    await storeRecords(
      'pipeline-test',
      [...chunk0, ...chunk1].map((record) => ({ record, runId: RUN })),
    );
    expect(await handler(state, context)).toEqual({
      fileId: FILE_ID,
      runId: RUN,
      deleted: 3,
      kept: 0,
      missingChunks: 0,
      quarantineKey: `quarantine/incoming/a.csv/${FILE_ID}.csv`,
      errorName: 'ProvisionedThroughputExceededException',
    });
    for (const record of [...chunk0, ...chunk1]) expect(table.get(recordKey(record) as never)).toBeUndefined();
  });

  it('keeps a record another run stored too, and one this run never held', async () => {
    await storeRecords('pipeline-test', [{ record: chunk0[0], runId: 'earlier-run' }]);
    await storeRecords('pipeline-test', [
      { record: { ...chunk0[1], size: 5, notional: '936.25' }, runId: 'earlier-run' },
    ]);
    await storeRecords(
      'pipeline-test',
      [...chunk0, ...chunk1].map((record) => ({ record, runId: RUN })),
    );
    await expect(handler(state, context)).resolves.toMatchObject({ deleted: 1, kept: 2 });
    expect(table.get(recordKey(chunk0[0]) as never)).toMatchObject({ runs: { SS: ['earlier-run'] } });
    expect(table.get(recordKey(chunk0[1]) as never)).toMatchObject({ size: { N: '5' } });
  });

  it('quarantines the original under its version key and marks the file FAILED out of the status index', async () => {
    await handler(state, context);
    expect(s3.commandCalls(CopyObjectCommand)[0].args[0].input).toEqual({
      CopySource: 'ingest-test/incoming/a.csv?versionId=v1',
      Bucket: 'ingest-test',
      Key: `quarantine/incoming/a.csv/${FILE_ID}.csv`,
    });
    const file = table.get(fileKey(FILE_ID) as never);
    expect(file).toMatchObject({ status: { S: 'FAILED' }, errorName: { S: 'ProvisionedThroughputExceededException' } });
    expect(file?.gsi1pk).toBeUndefined();
  });

  it('leaves the file item and the original to another run that holds the version now', async () => {
    table = tableBehind(ddb);
    await claimedBy('another-run');
    await expect(handler(state, context)).resolves.not.toHaveProperty('quarantineKey');
    expect(table.get(fileKey(FILE_ID) as never)).toMatchObject({
      status: { S: 'PROCESSING' },
      runId: { S: 'another-run' },
    });
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it("finds the run's chunks through its manifest when Validate produced no output, a line at a time", async () => {
    await storeRecords(
      'pipeline-test',
      [...chunk0, ...chunk1].map((record) => ({ record, runId: RUN })),
    );
    const early: FileWorkflowState = { ...state, validation: undefined, error: { Error: 'States.Timeout' } };
    s3.on(GetObjectCommand, { Key: `staged/${RUN}/manifest.jsonl` }).resolves({ Body: s3Body(manifest, 5) });
    await expect(handler(early, context)).resolves.toMatchObject({ fileId: FILE_ID, deleted: 3 });
  });

  it('marks the file FAILED before it releases any record (a chunk still writing then releases its own)', async () => {
    await storeRecords(
      'pipeline-test',
      [...chunk0, ...chunk1].map((record) => ({ record, runId: RUN })),
    );
    const before = ddb.calls().length;
    await handler(state, context);
    const keys = ddb
      .calls()
      .slice(before)
      .map((call) => (call.args[0].input as { Key?: { pk?: { S?: string } } }).Key?.pk?.S);
    expect(keys[0]).toBe(`FILE#${FILE_ID}`);
    expect(keys.slice(1).every((pk) => pk !== `FILE#${FILE_ID}`)).toBe(true);
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
    s3.on(GetObjectCommand, { Key: state.validation!.manifestKey }).resolves({ Body: s3Body(manifest) });
    await expect(handler(state, context)).resolves.toMatchObject({ deleted: 0, missingChunks: 2 });
  });
});
