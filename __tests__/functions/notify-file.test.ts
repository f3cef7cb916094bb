import './support/env';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, type NotifyInput } from '../../functions/notify-file';
import type { StoreChunkOutput, StoreChunksOutput } from '../../contract';
import type { CountingDynamoClient } from '../../bench/counting-client';
import { claimFileRun } from '../../functions/lib/store/file-store';
import { fileKey } from '../../functions/lib/store/items';
import { context } from './support/records';
import { noSuchKey, s3Body } from './support/s3';
import { tableBehind } from './support/table';

const ddb = mockClient(DynamoDBClient);
const eb = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const FILE_ID = 'a-csv-0123456789abcdef';
const RUN = FILE_ID;
const REJECTS = `rejected/a.csv/${FILE_ID}.jsonl`;
const base: NotifyInput = {
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
    accepted: 1500,
    rejected: 2,
    reasons: { INVALID_PRICE: 1, MISSING_FIELD: 1 },
    warnings: 1,
    rejectsKey: REJECTS,
    compressed: false,
    manifestKey: `staged/${RUN}/manifest.jsonl`,
    chunks: 2,
    resultsPrefix: `staged/${RUN}/results`,
  },
};
/** Result files per Map Run, served by the S3 mock (set up again before each test). */
const resultFiles = new Map<string, string>();

/** Lets the S3 mock serve every result file written so far. */
function serveResults(): void {
  for (const [key, body] of resultFiles)
    s3.on(GetObjectCommand, { Key: key }).callsFake(() => ({ Body: s3Body(body, 7) }));
}

/**
 * What the StoreChunks ResultWriter leaves for Map Run `mapRun`: its manifest and one JSON Lines
 * file of child outputs per element of `files`. Returns the Map state's output (where they are).
 */
function storeResults(mapRun: string, files: readonly StoreChunkOutput[][]): StoreChunksOutput {
  const prefix = `staged/${RUN}/results/${mapRun}`;
  resultFiles.set(
    `${prefix}/manifest.json`,
    JSON.stringify({
      DestinationBucket: 'ingest-test',
      MapRunArn: `arn:aws:states:us-east-1:1:mapRun:wf/StoreChunks:${mapRun}`,
      ResultFiles: {
        FAILED: [],
        PENDING: [],
        SUCCEEDED: files.map((_, i) => ({ Key: `${prefix}/SUCCEEDED_${i}.json`, Size: 1 })),
      },
    }),
  );
  files.forEach((lines, i) =>
    resultFiles.set(`${prefix}/SUCCEEDED_${i}.json`, lines.map((l) => `${JSON.stringify(l)}\n`).join('')),
  );
  serveResults();
  return {
    MapRunArn: `arn:aws:states:us-east-1:1:mapRun:wf/StoreChunks:${mapRun}`,
    ResultWriterDetails: { Bucket: 'ingest-test', Key: `${prefix}/manifest.json` },
  };
}
const clean = storeResults('run-clean', [[{ stored: 1500, duplicates: 0, conflicts: 0 }]]);
const completed: NotifyInput = {
  ...base,
  results: [
    storeResults('run-1', [
      [{ stored: 990, duplicates: 10, conflicts: 0 }],
      [{ stored: 480, duplicates: 18, conflicts: 2, conflictsKey: `staged/${RUN}/conflicts/00001.jsonl` }],
    ]),
    { archiveBucket: 'archive-test', originalKey: 'o', lineageKey: 'l' },
  ],
  status: 'COMPLETED',
};
const failed: NotifyInput = {
  ...base,
  error: {
    Error: 'States.TaskFailed',
    Cause: '{"errorType":"ProvisionedThroughputExceededException","errorMessage":"3 writes unprocessed"}',
  },
  status: 'FAILED',
};

const conflictLine = (line: number) =>
  JSON.stringify({
    line,
    reason: 'CONFLICTING_DUPLICATE',
    message: 'm',
    conflictsWith: { sourceUri: 's3://b/k', line: 2 },
  });
let table: CountingDynamoClient;

beforeEach(async () => {
  table = tableBehind(ddb);
  eb.reset();
  sns.reset();
  s3.reset();
  const report = '{"line":3,"reason":"INVALID_PRICE","message":"x"}\n';
  s3.on(HeadObjectCommand, { Key: REJECTS }).resolves({ ContentLength: report.length });
  s3.on(GetObjectCommand, { Key: REJECTS }).resolves({ Body: s3Body(report) });
  s3.on(GetObjectCommand, { Key: `staged/${RUN}/conflicts/00001.jsonl` }).resolves({
    Body: s3Body(`${conflictLine(1207)}\n${conflictLine(1100)}\n`),
  });
  s3.on(PutObjectCommand).resolves({});
  serveResults();
  await claimFileRun(
    'pipeline-test',
    {
      fileId: FILE_ID,
      runId: RUN,
      bucket: 'ingest-test',
      key: 'incoming/a.csv',
      versionId: 'v1',
      processingType: 'standard',
      requestedAt: base.requestedAt,
    },
    'us-east-1',
  );
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
});

describe('notify-file', () => {
  it('marks a completed run COMPLETED with counts summed from the StoreChunks results, and announces it', async () => {
    const detail = await handler(completed, context);
    expect(detail).toMatchObject({
      runId: RUN,
      status: 'COMPLETED',
      accepted: 1498,
      rejected: 4,
      stored: 1470,
      duplicates: 28,
      warnings: 1,
      reasons: { INVALID_PRICE: 1, MISSING_FIELD: 1, CONFLICTING_DUPLICATE: 2 },
    });
    expect(table.get(fileKey(FILE_ID) as never)).toMatchObject({
      status: { S: 'COMPLETED' },
      accepted: { N: '1498' },
      rejected: { N: '4' },
      stored: { N: '1470' },
      duplicates: { N: '28' },
      reasons: { M: { CONFLICTING_DUPLICATE: { N: '2' }, INVALID_PRICE: { N: '1' }, MISSING_FIELD: { N: '1' } } },
    });
    expect(table.get(fileKey(FILE_ID) as never)?.gsi1pk).toBeUndefined();
    const publish = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(publish).toMatchObject({
      TopicArn: process.env.NOTIFICATIONS_TOPIC_ARN,
      Subject: 'File COMPLETED: incoming/a.csv',
    });
    expect((JSON.parse(publish.Message!) as { summary: string }).summary).toBe(
      '1498 accepted (1470 new, 28 already stored), ' +
        '4 rejected (INVALID_PRICE=1, MISSING_FIELD=1, CONFLICTING_DUPLICATE=2), 1 warnings',
    );
    const entry = eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0];
    expect(entry.DetailType).toBe('FileProcessed');
    expect(JSON.parse(entry.Detail!)).toMatchObject({ fileId: 'a-csv-0123456789abcdef', status: 'COMPLETED' });
  });

  it("appends the conflicts found while storing to the version's rejects report, once", async () => {
    await handler(completed, context);
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(put).toMatchObject({ Bucket: 'ingest-test', Key: REJECTS, Metadata: { 'conflicts-appended-by': RUN } });
    expect(
      (put.Body as string)
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { line: number }).line),
    ).toEqual([3, 1100, 1207]);

    // A retried Notify finds the report already complete.
    s3.on(HeadObjectCommand, { Key: REJECTS }).resolves({
      ContentLength: (put.Body as string).length,
      Metadata: { 'conflicts-appended-by': RUN },
    });
    await handler(completed, context);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('appends to a report of 5 MiB or more without reading it: S3 copies it, the conflicts are part 2', async () => {
    s3.on(HeadObjectCommand, { Key: REJECTS }).resolves({ ContentLength: 40 * 1024 * 1024 });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(UploadPartCopyCommand).resolves({ CopyPartResult: { ETag: '"copied"' } });
    s3.on(UploadPartCommand).resolves({ ETag: '"tail"' });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    await handler(completed, context);

    expect(s3.commandCalls(GetObjectCommand).filter((c) => c.args[0].input.Key === REJECTS)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0].args[0].input).toMatchObject({
      Key: REJECTS,
      Metadata: { 'conflicts-appended-by': RUN },
    });
    expect(s3.commandCalls(UploadPartCopyCommand)[0].args[0].input).toMatchObject({
      Key: REJECTS,
      PartNumber: 1,
      CopySource: `ingest-test/${encodeURIComponent(REJECTS)}`,
    });
    const tail = s3.commandCalls(UploadPartCommand)[0].args[0].input;
    expect(tail.PartNumber).toBe(2);
    expect(
      Buffer.from(tail.Body as Buffer)
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { line: number }).line),
    ).toEqual([1100, 1207]);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input.MultipartUpload?.Parts).toEqual([
      { PartNumber: 1, ETag: '"copied"' },
      { PartNumber: 2, ETag: '"tail"' },
    ]);
  });

  it('counts a row two chunks (or a retried chunk) reported as conflicting once', async () => {
    s3.on(GetObjectCommand, { Key: `staged/${RUN}/conflicts/00000.jsonl` }).resolves({
      Body: s3Body(`${conflictLine(1100)}\n`),
    });
    const twice: NotifyInput = {
      ...completed,
      results: [
        storeResults('run-twice', [
          [
            { stored: 990, duplicates: 10, conflicts: 1, conflictsKey: `staged/${RUN}/conflicts/00000.jsonl` },
            { stored: 480, duplicates: 18, conflicts: 2, conflictsKey: `staged/${RUN}/conflicts/00001.jsonl` },
          ],
        ]),
        completed.results![1],
      ],
    };
    await expect(handler(twice, context)).resolves.toMatchObject({
      accepted: 1498,
      rejected: 4,
      stored: 1470,
      duplicates: 28,
      reasons: { CONFLICTING_DUPLICATE: 2 },
    });
  });

  it('leaves the rejects report alone when storing found no conflict', async () => {
    s3.on(GetObjectCommand, { Key: REJECTS }).rejects(noSuchKey());
    await handler({ ...completed, results: [clean, completed.results![1]] }, context);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('publishes batch-run successes to the bus only', async () => {
    await handler({ ...completed, processingType: 'batch' }, context);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('announces failures (batch runs too) with the error, and marks the file FAILED', async () => {
    const detail = await handler({ ...failed, processingType: 'batch' }, context);
    expect(detail).toMatchObject({
      status: 'FAILED',
      stored: 0,
      error: { name: 'States.TaskFailed', message: '3 writes unprocessed' },
    });
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Subject).toBe('File FAILED: incoming/a.csv');
    expect(table.get(fileKey(FILE_ID) as never)).toMatchObject({ status: { S: 'FAILED' } });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('keeps SNS subjects within what SNS accepts', async () => {
    await handler({ ...completed, key: `incoming/${'ü'.repeat(200)}.csv` }, context);
    const subject = sns.commandCalls(PublishCommand)[0].args[0].input.Subject!;
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7E]+$/);
  });

  it('fails with EventPublishError (retried by the workflow) when the bus refuses the event', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException' }] });
    await expect(handler(completed, context)).rejects.toMatchObject({ name: 'EventPublishError' });
  });
});
