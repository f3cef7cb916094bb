import './support/env';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/processor';
import type { CountingDynamoClient } from '../../bench/counting-client';
import { apiRequestIdentity } from '../../functions/lib/domain/ids';
import { recordKey } from '../../functions/lib/store/items';
import { storeRecords } from '../../functions/lib/store/record-store';
import type { MarketRecord, TradeRecord } from '../../functions/lib/domain/types';
import { context, quote, trade } from './support/records';
import { tableBehind } from './support/table';

const ddb = mockClient(DynamoDBClient);
const eb = mockClient(EventBridgeClient);

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
const request = apiRequestIdentity('iam:arn:aws:iam::000000000000:user/feed', 'order-7');
const apiTrade = (id: string, index = 0): MarketRecord =>
  trade({ recordId: `t-AAPL-${id}@XNAS`, tradeId: id, source: { kind: 'api', uri: request.uri, line: index } });
const apiQuote = quote({ recordId: `${request.uri}-2`, source: { kind: 'api', uri: request.uri, line: 2 } });
let table: CountingDynamoClient;
const stored = (record: MarketRecord) => table.get(recordKey(record) as never);

beforeEach(() => {
  table = tableBehind(ddb);
  eb.reset();
  eb.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
  }));
});

describe('processor', () => {
  it("stores each record of a batch, held by its request's run, and reports no failures", async () => {
    const result = await handler(
      event(message('m1', apiTrade('a')), message('m2', apiQuote), message('m3', apiTrade('b', 1))),
      context,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    for (const record of [apiTrade('a'), apiQuote, apiTrade('b', 1)])
      expect(stored(record)).toMatchObject({ runId: { S: request.runId }, runs: { SS: [request.runId] } });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('adds nothing for a redelivered message, or a record a file already stored with the same content', async () => {
    await storeRecords('pipeline-test', [
      { record: { ...apiTrade('a'), source: { kind: 's3', uri: 's3://b/k.csv', line: 9 } }, runId: 'file-run' },
    ]);
    const result = await handler(event(message('m1', apiTrade('a')), message('m1-again', apiTrade('a'))), context);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(stored(apiTrade('a'))).toMatchObject({ runs: { SS: ['file-run', request.runId] }, sourceLine: { N: '9' } });
  });

  it('keeps the stored version of a conflicting record and announces MarketRecordRejected', async () => {
    await storeRecords('pipeline-test', [
      {
        record: { ...apiTrade('a'), source: { kind: 's3', uri: 's3://b/k.csv', versionId: 'v1', line: 9 } },
        runId: 'file-run',
      },
    ]);
    const result = await handler(
      event(message('m1', { ...apiTrade('a', 4), price: '190', notional: '19000' })),
      context,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(stored(apiTrade('a'))).toMatchObject({ price: { N: '187.25' } });
    const entries = eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries!;
    expect(entries.map((e) => e.DetailType)).toEqual(['MarketRecordRejected']);
    expect(JSON.parse(entries[0].Detail!)).toEqual({
      reason: 'CONFLICTING_DUPLICATE',
      message: expect.stringContaining('line 9 of s3://b/k.csv'),
      recordId: 't-AAPL-a@XNAS',
      type: 'trade',
      symbol: 'AAPL',
      timestamp: apiTrade('a').timestamp,
      index: 4,
      idempotencyKey: 'order-7',
      sourceUri: request.uri,
      conflictsWith: { sourceUri: 's3://b/k.csv', versionId: 'v1', line: 9 },
    });
  });

  it('announces a record of a request that a smaller index of the same request, stored later, displaced', async () => {
    await handler(event(message('m9', { ...apiTrade('a', 9), price: '190', notional: '19000' })), context);
    const result = await handler(event(message('m2', apiTrade('a', 2))), context);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(stored(apiTrade('a'))).toMatchObject({ price: { N: '187.25' }, sourceLine: { N: '2' } });
    const details = eb
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!) as Record<string, unknown>));
    expect(details).toEqual([
      expect.objectContaining({
        reason: 'CONFLICTING_DUPLICATE',
        index: 9,
        conflictsWith: expect.objectContaining({ line: 2 }),
      }),
    ]);
    expect(details[0]).not.toHaveProperty('timestamp');
  });

  it('fails a conflicting message whose rejection the bus did not take, so it is announced on redelivery', async () => {
    await storeRecords('pipeline-test', [
      { record: { ...(apiTrade('a') as TradeRecord), price: '1', notional: '100' }, runId: 'other' },
    ]);
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const run = handler(event(message('m1', apiTrade('a')), message('m2', apiTrade('b', 1))), context);
      await jest.runAllTimersAsync();
      expect((await run).batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    } finally {
      jest.useRealTimers();
    }
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
    expect(stored(apiTrade('a'))).toBeDefined();
  });

  it('fails every message whose record could not be written after the client retries', async () => {
    ddb.on(PutItemCommand).rejects(Object.assign(new Error('unavailable'), { name: 'ServiceUnavailable' }));
    const result = await handler(
      event(message('m1', apiTrade('a')), message('m2', apiTrade('b', 1)), message('m2-redelivered', apiTrade('b', 1))),
      context,
    );
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: 'm1' },
      { itemIdentifier: 'm2' },
      { itemIdentifier: 'm2-redelivered' },
    ]);
  });

  it('also takes a bare record body (a rule with InputPath $.detail)', async () => {
    const result = await handler(
      event(message('bare', null, JSON.stringify(apiTrade('a'))), message('scalar', null, '42')),
      context,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'scalar' }]);
    expect(stored(apiTrade('a'))).toBeDefined();
  });

  it('stamps the writing region on the item', async () => {
    await handler(event(message('m1', { ...apiTrade('a'), originRegion: 'us-west-2' })), context);
    expect(stored(apiTrade('a'))?.originRegion).toEqual({ S: 'us-east-1' });
  });
});
