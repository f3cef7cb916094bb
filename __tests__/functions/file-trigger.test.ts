import './support/env';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/file-trigger';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import { context } from './support/records';

const sfn = mockClient(SFNClient);

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
  sfn.reset();
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
    expect(result).toEqual({ started: 2, duplicates: 0, skipped: 0 });
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

  it('ignores objects outside incoming/, other suffixes and non-create events', async () => {
    const result = await handler(
      event(
        s3Record('rejected/a.csv.jsonl', 'v'),
        s3Record('incoming/notes.txt', 'v'),
        s3Record('incoming/a.csv', 'v', 'ObjectRemoved:Delete'),
      ),
      context,
    );
    expect(result).toEqual({ started: 0, duplicates: 0, skipped: 3 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('counts a duplicate notification (ExecutionAlreadyExists) instead of failing', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));
    await expect(handler(event(s3Record('incoming/a.csv', 'v1')), context)).resolves.toEqual({
      started: 0,
      duplicates: 1,
      skipped: 0,
    });
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
