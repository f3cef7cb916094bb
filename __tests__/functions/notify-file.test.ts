import './support/env';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, type NotifyInput } from '../../functions/notify-file';
import { context } from './support/records';

const ddb = mockClient(DynamoDBClient);
const eb = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);
const base: NotifyInput = {
  bucket: 'ingest-test',
  key: 'incoming/a.csv',
  versionId: 'v1',
  processingType: 'standard',
  requestedAt: '2024-03-01T14:30:00.000Z',
  validation: {
    fileId: 'a-csv-0123456789abcdef',
    sourceUri: 's3://ingest-test/incoming/a.csv',
    format: 'csv',
    accepted: 1500,
    rejected: 2,
    reasons: { INVALID_PRICE: 1, MISSING_FIELD: 1 },
    rejectsKey: 'rejected/a.csv.jsonl',
    chunks: [
      { key: 'k0', records: 1000 },
      { key: 'k1', records: 500 },
    ],
  },
};
const completed: NotifyInput = {
  ...base,
  results: [[{ stored: 1000 }, { stored: 499 }], { archiveBucket: 'archive-test', originalKey: 'o', lineageKey: 'l' }],
  status: 'COMPLETED',
};
const failed: NotifyInput = {
  ...base,
  error: {
    Error: 'States.TaskFailed',
    Cause: '{"errorType":"UnprocessedItemsError","errorMessage":"3 writes unprocessed"}',
  },
  status: 'FAILED',
};

beforeEach(() => {
  ddb.reset();
  eb.reset();
  sns.reset();
  ddb.on(UpdateItemCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
});

describe('notify-file', () => {
  it('marks a completed run COMPLETED with counts and announces it on SNS and the bus', async () => {
    const detail = await handler(completed, context);
    expect(detail).toMatchObject({
      status: 'COMPLETED',
      accepted: 1500,
      rejected: 2,
      stored: 1499,
      reasons: { INVALID_PRICE: 1, MISSING_FIELD: 1 },
    });
    const update = ddb.commandCalls(UpdateItemCommand)[0].args[0].input;
    expect(update.UpdateExpression).toContain('REMOVE #gsi1pk, #gsi1sk');
    expect(Object.values(update.ExpressionAttributeValues!)).toEqual(
      expect.arrayContaining([{ S: 'COMPLETED' }, { N: '1499' }]),
    );
    const publish = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(publish).toMatchObject({
      TopicArn: process.env.NOTIFICATIONS_TOPIC_ARN,
      Subject: 'File COMPLETED: incoming/a.csv',
    });
    expect((JSON.parse(publish.Message!) as { summary: string }).summary).toBe(
      '1500 accepted, 2 rejected (INVALID_PRICE=1, MISSING_FIELD=1), 1499 stored',
    );
    const entry = eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0];
    expect(entry.DetailType).toBe('FileProcessed');
    expect(JSON.parse(entry.Detail!)).toMatchObject({ fileId: 'a-csv-0123456789abcdef', status: 'COMPLETED' });
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
    expect(Object.values(ddb.commandCalls(UpdateItemCommand)[0].args[0].input.ExpressionAttributeValues!)).toEqual(
      expect.arrayContaining([{ S: 'FAILED' }]),
    );
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
