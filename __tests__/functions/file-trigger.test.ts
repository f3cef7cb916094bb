import './support/env';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/file-trigger';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import { claimFileRun } from '../../functions/lib/store/file-store';
import { context } from './support/records';
import { tableBehind } from './support/table';

const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBClient);
const notFound = () => Object.assign(new Error('no such execution'), { name: 'ExecutionDoesNotExist' });

/** An S3 notification record as S3 sends it (key URL-encoded, '+' for spaces). */
function s3Record(key: string, versionId: string | undefined, eventName = 'ObjectCreated:Put') {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2024-03-01T14:30:00.000Z',
    eventName,
    userIdentity: { principalId: 'AWS:EXAMPLE' },
    requestParameters: { sourceIPAddress: '10.0.0.1' },
    responseElements: { 'x-amz-request-id': 'R1', 'x-amz-id-2': 'I2' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'csv',
      bucket: { name: 'ingest-test', ownerIdentity: { principalId: 'EXAMPLE' }, arn: 'arn:aws:s3:::ingest-test' },
      object: { key, size: 1234, eTag: 'e', sequencer: '0065E1', ...(versionId ? { versionId } : {}) },
    },
  };
}
const event = (...records: ReturnType<typeof s3Record>[]): S3Event => ({ Records: records });

beforeEach(() => {
  tableBehind(ddb);
  sfn.reset();
  sfn.on(DescribeExecutionCommand).rejects(notFound());
  sfn
    .on(StartExecutionCommand)
    .callsFake((input: { name: string }) => ({ executionArn: `arn:exec:${input.name}`, startDate: new Date() }));
});

describe('file-trigger', () => {
  it('starts one execution per object version, named by its file id, with decoded keys', async () => {
    const result = await handler(
      event(s3Record('incoming/day+1/trades%2B%C3%BC.csv', 'v1'), s3Record('incoming/quotes.json', undefined)),
      context,
    );
    expect(result).toEqual({ started: 2, duplicates: 0, inProgress: 0, skipped: 0 });
    const inputs = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(inputs[0].name).toBe(fileIdFor('ingest-test', 'incoming/day 1/trades+ü.csv', 'v1'));
    expect(inputs[0].stateMachineArn).toBe(process.env.STATE_MACHINE_ARN);
    expect(JSON.parse(inputs[0].input!)).toMatchObject({
      bucket: 'ingest-test',
      key: 'incoming/day 1/trades+ü.csv',
      versionId: 'v1',
      size: 1234,
      processingType: 'standard',
    });
    expect(JSON.parse(inputs[1].input!)).toMatchObject({ key: 'incoming/quotes.json', versionId: 'null' });
  });

  it('starts a run for every accepted file type, gzipped ones included', async () => {
    const keys = [
      'incoming/a.csv',
      'incoming/a.csv.gz',
      'incoming/a.json',
      'incoming/a.json.gz',
      'incoming/a.ndjson',
      'incoming/a.ndjson.gz',
    ];
    const result = await handler(event(...keys.map((key) => s3Record(key, 'v1'))), context);
    expect(result).toEqual({ started: keys.length, duplicates: 0, inProgress: 0, skipped: 0 });
  });

  it('ignores objects outside incoming/, other suffixes and non-create events', async () => {
    const result = await handler(
      event(
        s3Record('rejected/a.csv.jsonl', 'v'),
        s3Record('incoming/notes.txt', 'v'),
        s3Record('incoming/a.csv', 'v', 'ObjectRemoved:Delete'),
      ),
      context,
    );
    expect(result).toEqual({ started: 0, duplicates: 0, inProgress: 0, skipped: 3 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('counts a duplicate notification (its execution exists already) instead of failing', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));
    await expect(handler(event(s3Record('incoming/a.csv', 'v1')), context)).resolves.toEqual({
      started: 0,
      duplicates: 1,
      inProgress: 0,
      skipped: 0,
    });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });
    await expect(handler(event(s3Record('incoming/a.csv', 'v1')), context)).resolves.toMatchObject({ duplicates: 1 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('starts nothing for a version another run is processing (a logged no-op)', async () => {
    const fileId = fileIdFor('ingest-test', 'incoming/a.csv', 'v1');
    await claimFileRun(
      'pipeline-test',
      {
        fileId,
        runId: `${fileId}-priority`,
        bucket: 'ingest-test',
        key: 'incoming/a.csv',
        versionId: 'v1',
        processingType: 'priority',
        requestedAt: new Date().toISOString(),
      },
      'us-east-1',
    );
    sfn
      .on(DescribeExecutionCommand, { executionArn: expect.stringContaining('-priority') as never })
      .resolves({ status: 'RUNNING' });
    await expect(handler(event(s3Record('incoming/a.csv', 'v1')), context)).resolves.toEqual({
      started: 0,
      duplicates: 0,
      inProgress: 1,
      skipped: 0,
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('throws after trying every record when a start fails, so the async invoke retries', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(
        Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }),
      )
      .resolves({ executionArn: 'arn:x', startDate: new Date() });
    await expect(
      handler(event(s3Record('incoming/a.csv', 'v1'), s3Record('incoming/b.csv', 'v1')), context),
    ).rejects.toMatchObject({ name: 'ExecutionStartError', failed: 1 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
  });
});
