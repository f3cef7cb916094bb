import './support/env';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { gzipSync } from 'node:zlib';
import { chunkSizeFor, handler } from '../../functions/validate-file';
import type { FileWorkflowState } from '../../contract';
import type { CountingDynamoClient } from '../../bench/counting-client';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import { claimFileRun } from '../../functions/lib/store/file-store';
import { fileKey } from '../../functions/lib/store/items';
import { assertMarketRecord } from '../../functions/lib/domain/record-guard';
import { context } from './support/records';
import { noSuchKey, s3Body } from './support/s3';
import { tableBehind } from './support/table';

const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const fileId = fileIdFor('ingest-test', 'incoming/2024/trades.csv', 'v1');
const RUN = `${fileId}-priority`;
const input: FileWorkflowState = {
  bucket: 'ingest-test',
  key: 'incoming/2024/trades.csv',
  versionId: 'v1',
  size: 300,
  processingType: 'standard',
  requestedAt: '2024-03-01T14:31:00.000Z',
  run: { runId: RUN },
};
const rejectsKey = `rejected/2024/trades.csv/${fileId}.jsonl`;
const csv = [
  'Symbol,Timestamp,Price,Size,TradeId,Exchange',
  'aapl,2024-03-01T14:30:01.000Z,187.25,100,1,XNAS',
  'MSFT,2024-03-01T14:30:02.000Z,-1,5,2,', // INVALID_PRICE
  'AAPL,2024-03-01T14:30:03.000Z,187.30,50,3,=SUM(A1)', // kept, exchange dropped with a warning
  'AAPL,not-a-time,187.30,50,4,', // INVALID_TIMESTAMP
  'MSFT,2024-03-01T14:30:04.000Z,400.5,10,5,',
].join('\r\n');
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

let table: CountingDynamoClient;

beforeEach(() => {
  table = tableBehind(ddb);
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
  s3.on(UploadPartCommand).resolves({ ETag: '"e"' });
  s3.on(CompleteMultipartUploadCommand).resolves({});
  process.env.CHUNK_SIZE = '2';
});
afterAll(() => delete process.env.CHUNK_SIZE);

describe('validate-file', () => {
  it("streams the object, stages records under the run's prefix, writes the version's rejects report", async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body(csv, 7), ContentLength: csv.length });
    const output = await handler(input, context);
    expect(output).toEqual({
      fileId,
      sourceUri: 's3://ingest-test/incoming/2024/trades.csv',
      format: 'csv',
      accepted: 3,
      rejected: 2,
      reasons: { INVALID_PRICE: 1, INVALID_TIMESTAMP: 1 },
      warnings: 1,
      rejectsKey,
      compressed: false,
      manifestKey: `staged/${RUN}/manifest.jsonl`,
      chunks: 2,
      resultsPrefix: `staged/${RUN}/results`,
    });
    const manifest = puts().find((p) => p.Key === `staged/${RUN}/manifest.jsonl`)!;
    expect(
      (manifest.Body as string)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { key: string })
        .sort((a, b) => a.key.localeCompare(b.key)),
    ).toEqual([
      { key: `staged/${RUN}/00000.ndjson`, records: 2 },
      { key: `staged/${RUN}/00001.ndjson`, records: 1 },
    ]);
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input).toEqual({
      Bucket: 'ingest-test',
      Key: 'incoming/2024/trades.csv',
      VersionId: 'v1',
    });
    const staged = puts()
      .filter((p) => p.Key!.startsWith('staged/') && p.Key!.endsWith('.ndjson'))
      .sort((a, b) => a.Key!.localeCompare(b.Key!));
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
    const report = puts().find((p) => p.Key === rejectsKey)!;
    expect(
      (report.Body as string)
        .trim()
        .split('\n')
        .map((l): unknown => JSON.parse(l)),
    ).toEqual([
      { line: 3, reason: 'INVALID_PRICE', message: expect.any(String) },
      { line: 4, field: 'exchange', warning: 'FIELD_DROPPED', message: expect.stringContaining('formula') },
      { line: 5, reason: 'INVALID_TIMESTAMP', message: expect.any(String) },
    ]);
  });

  it('claims the version for its run (PROCESSING in the status index) before reading anything', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body(csv) });
    await handler(input, context);
    expect(table.get(fileKey(fileId) as never)).toMatchObject({
      runId: { S: RUN },
      status: { S: 'PROCESSING' },
      gsi1pk: { S: 'FILESTATUS#PROCESSING' },
      gsi1sk: { S: '2024-03-01T14:31:00.000Z' },
    });
  });

  it('stops with RunInProgressError, writing nothing, when another run holds the version', async () => {
    await claimFileRun('pipeline-test', { ...input, fileId, runId: 'other-run' }, 'us-east-1');
    await expect(handler(input, context)).rejects.toMatchObject({ name: 'RunInProgressError', holder: 'other-run' });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(puts()).toHaveLength(0);
  });

  it('takes over a version whose holder the starter found no longer running (supersedes)', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body(csv) });
    await claimFileRun('pipeline-test', { ...input, fileId, runId: 'dead-run' }, 'us-east-1');
    await handler({ ...input, supersedes: 'dead-run' }, context);
    expect(table.get(fileKey(fileId) as never)).toMatchObject({ runId: { S: RUN } });
  });

  it('completes an empty file with no chunks and an empty rejects report', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body('') });
    const output = await handler({ ...input, key: 'incoming/empty.json' }, context);
    expect(output).toMatchObject({ format: 'json', accepted: 0, rejected: 0, chunks: 0 });
    expect(puts().map((p) => [p.Key, p.Body])).toEqual(
      expect.arrayContaining([
        [`rejected/empty.json/${fileIdFor('ingest-test', 'incoming/empty.json', 'v1')}.jsonl`, ''],
        [`staged/${RUN}/manifest.jsonl`, ''],
      ]),
    );
  });

  it('returns the same small output whatever the file size: the chunk list is in the manifest', async () => {
    const rows = (n: number) =>
      [
        'Symbol,Timestamp,Price,Size',
        ...Array.from({ length: n }, (_, i) => `AAPL,2024-03-01T14:30:01.000Z,187.25,${i + 1}`),
      ].join('\n');
    process.env.CHUNK_SIZE = '25';
    s3.on(GetObjectCommand).resolves({ Body: s3Body(rows(10)) });
    const small = JSON.stringify(await handler(input, context)).length;
    s3.on(GetObjectCommand).resolves({ Body: s3Body(rows(20_000)) });
    const large = await handler(input, context);
    expect(large.chunks).toBe(800);
    // Only the counts' digits differ.
    expect(JSON.stringify(large).length - small).toBeLessThan(10);
  });

  it('streams a large rejects report as a multipart upload in parts of at least 5 MiB, never as one body', async () => {
    const bad = ['Symbol,Timestamp,Price,Size', ...Array.from({ length: 120_000 }, () => 'AAPL,not-a-time,1,1')];
    s3.on(GetObjectCommand).resolves({ Body: s3Body(bad.join('\n')) });
    const output = await handler(input, context);
    expect(output).toMatchObject({ accepted: 0, rejected: 120_000, reasons: { INVALID_TIMESTAMP: 120_000 } });
    expect(puts().filter((p) => p.Key === rejectsKey)).toHaveLength(0);
    const parts = s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.every((p) => p.Key === rejectsKey)).toBe(true);
    expect(parts.slice(0, -1).every((p) => (p.Body as Buffer).length >= 5 * 1024 * 1024)).toBe(true);
    const report = Buffer.concat(parts.map((p) => p.Body as Buffer))
      .toString('utf8')
      .trim()
      .split('\n');
    expect(report).toHaveLength(120_000);
    expect(JSON.parse(report[119_999])).toMatchObject({ line: 120_001, reason: 'INVALID_TIMESTAMP' });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(1);
  });

  it('aborts the rejects upload and lists no chunk manifest when the file turns out unreadable', async () => {
    const bad = ['Symbol,Timestamp,Price,Size', ...Array.from({ length: 120_000 }, () => 'AAPL,not-a-time,1,1')];
    const gz = gzipSync(Buffer.from(bad.join('\n')));
    s3.on(GetObjectCommand).resolves({ Body: s3Body(gz.subarray(0, gz.length - 8)) });
    await expect(handler({ ...input, key: 'incoming/2024/trades.csv.gz' }, context)).rejects.toMatchObject({
      name: 'CorruptFileError',
    });
    expect(s3.commandCalls(AbortMultipartUploadCommand).length).toBeGreaterThanOrEqual(1);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(puts().map((p) => p.Key)).not.toContain(`staged/${RUN}/manifest.jsonl`);
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

  describe('compressed input', () => {
    const gzipped = gzipSync(Buffer.from(csv));
    const acceptedOf = (output: { accepted: number; rejected: number; reasons: Record<string, number> }) => [
      output.accepted,
      output.rejected,
      output.reasons,
    ];

    it('reads a gzipped CSV (.csv.gz) as the CSV inside it', async () => {
      s3.on(GetObjectCommand).resolves({ Body: s3Body(gzipped, 7), ContentLength: gzipped.length });
      const output = await handler({ ...input, key: 'incoming/2024/trades.csv.gz' }, context);
      expect(output.format).toBe('csv');
      expect(acceptedOf(output)).toEqual([3, 2, { INVALID_PRICE: 1, INVALID_TIMESTAMP: 1 }]);
    });

    it('decompresses gzip bytes under a plain .csv key instead of rejecting them as MALFORMED rows', async () => {
      s3.on(GetObjectCommand).resolves({ Body: s3Body(gzipped) });
      const output = await handler(input, context);
      expect(acceptedOf(output)).toEqual([3, 2, { INVALID_PRICE: 1, INVALID_TIMESTAMP: 1 }]);
    });

    it('decompresses an object stored with Content-Encoding: gzip', async () => {
      const json = JSON.stringify([
        { symbol: 'AAPL', timestamp: '2024-03-01T14:30:01.000Z', price: '187.25', size: 100 },
        { symbol: 'AAPL', timestamp: '2024-03-01T14:30:02.000Z', price: '187.5', size: 0 },
      ]);
      s3.on(GetObjectCommand).resolves({ Body: s3Body(gzipSync(Buffer.from(json))), ContentEncoding: 'gzip' });
      const output = await handler({ ...input, key: 'incoming/2024/trades.json' }, context);
      expect(output).toMatchObject({ format: 'json', accepted: 1, rejected: 1, reasons: { INVALID_SIZE: 1 } });
    });

    it('reads gzipped NDJSON (.ndjson.gz)', async () => {
      const ndjson = [
        '{"symbol":"AAPL","timestamp":"2024-03-01T14:30:01.000Z","price":"187.25","size":100}',
        '{"symbol":"AAPL","timestamp":"2024-03-01T14:30:02.000Z","price":"0","size":100}',
      ].join('\n');
      s3.on(GetObjectCommand).resolves({ Body: s3Body(gzipSync(Buffer.from(ndjson)), 5) });
      const output = await handler({ ...input, key: 'incoming/day.ndjson.gz' }, context);
      expect(output).toMatchObject({ format: 'ndjson', accepted: 1, rejected: 1, reasons: { INVALID_PRICE: 1 } });
    });

    it.each([
      ['truncated', gzipped.subarray(0, gzipped.length - 12), /truncated|unexpected end/i],
      [
        'corrupt',
        Buffer.concat([gzipped.subarray(0, 12), Buffer.alloc(40, 0xff), gzipped.subarray(52)]),
        /corrupt|invalid/i,
      ],
    ])(
      'fails a %s gzip as a whole file with CorruptFileError naming the problem, never as MALFORMED rows',
      async (_kind, body, reason) => {
        s3.on(GetObjectCommand).resolves({ Body: s3Body(body, 9) });
        const failure = handler({ ...input, key: 'incoming/2024/trades.csv.gz' }, context);
        await expect(failure).rejects.toMatchObject({
          name: 'CorruptFileError',
          message: expect.stringMatching(reason),
        });
        await expect(failure).rejects.toThrow(/incoming\/2024\/trades\.csv\.gz/);
      },
    );
  });
});
