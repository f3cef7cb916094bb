import './support/env';
import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/processor';
import { recordItem } from '../../functions/lib/store/items';
import type { MarketRecord } from '../../functions/lib/domain/types';
import { context, quote, trade } from './support/records';

const ddb = mockClient(DynamoDBClient);

/** An SQS message carrying an EventBridge envelope, as the bus rule delivers it. */
function message(id: string, detail: unknown, body?: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body:
      body ??
      JSON.stringify({
        version: '0',
        id: `evt-${id}`,
        'detail-type': 'MarketRecordAccepted',
        source: 'market-data.pipeline',
        account: '000000000000',
        time: '2024-03-01T14:30:06Z',
        region: 'us-east-1',
        resources: [],
        detail,
      }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1709303406000',
      SenderId: 'AIDA',
      ApproximateFirstReceiveTimestamp: '1709303406001',
    },
    messageAttributes: {},
    md5OfBody: 'md5',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:processing-test',
    awsRegion: 'us-east-1',
  };
}
const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const written = (): WriteRequest[] =>
  ddb.commandCalls(BatchWriteItemCommand).flatMap((c) => c.args[0].input.RequestItems!['pipeline-test']);
const apiTrade = (id: string): MarketRecord =>
  trade({ recordId: id, source: { kind: 'api', uri: 'api://req-1', line: 0 } });

beforeEach(() => {
  ddb.reset();
  ddb.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
});

describe('processor', () => {
  it('writes the records of a batch together and reports no failures', async () => {
    const result = await handler(
      event(message('m1', apiTrade('a')), message('m2', quote()), message('m3', apiTrade('b'))),
      context,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(1);
    expect(written()).toEqual(
      [recordItem(apiTrade('a')), recordItem(quote()), recordItem(apiTrade('b'))].map((Item) => ({
        PutRequest: { Item },
      })),
    );
  });

  it('fails only malformed messages, so they reach the DLQ after maxReceiveCount', async () => {
    const result = await handler(
      event(
        message('ok', apiTrade('a')),
        message('bad-json', null, '{not json'),
        message('bad-detail', { ...apiTrade('b'), price: 12.5 }),
      ),
      context,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad-json' }, { itemIdentifier: 'bad-detail' }]);
    expect(written()).toHaveLength(1);
  });

  it('maps records still unprocessed after retries back to every message that carried them', async () => {
    const stuck = { PutRequest: { Item: recordItem(apiTrade('b')) } };
    ddb.on(BatchWriteItemCommand).resolves({ UnprocessedItems: { 'pipeline-test': [stuck] } });
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const run = handler(
        event(message('m1', apiTrade('a')), message('m2', apiTrade('b')), message('m2-redelivered', apiTrade('b'))),
        context,
      );
      await jest.runAllTimersAsync();
      const result = await run;
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm2-redelivered' }]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('also takes a bare record body (a rule with InputPath $.detail)', async () => {
    const result = await handler(
      event(message('bare', null, JSON.stringify(apiTrade('a'))), message('scalar', null, '42')),
      context,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'scalar' }]);
    expect(written()).toHaveLength(1);
  });

  it('stamps the writing region on the item', async () => {
    await handler(event(message('m1', { ...apiTrade('a'), originRegion: 'us-west-2' })), context);
    expect(written()[0].PutRequest!.Item!.originRegion).toEqual({ S: 'us-east-1' });
  });
});
