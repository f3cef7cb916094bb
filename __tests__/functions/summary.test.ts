import './support/env';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, notificationParts } from '../../functions/summary';
import { barItem } from '../../functions/lib/store/items';
import { type FiveMinuteSummary, lastCompletedWindow } from '../../functions/lib/domain/summaries';
import type { MinuteBar } from '../../functions/lib/domain/types';
import { context } from './support/records';

const ddb = mockClient(DynamoDBClient);
const eb = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);

/** The EventBridge scheduled event (rate(5 minutes)). */
const scheduled = (time: string): ScheduledEvent => ({
  version: '0',
  id: 'sched-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time,
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:000000000000:rule/summary-test'],
  detail: {},
});
const bar = (symbol: string, minute: string, close: string): MinuteBar => ({
  symbol,
  minute,
  open: '10',
  high: '11',
  low: '9',
  close,
  volume: 10,
  trades: 2,
  notional: '100',
  vwap: '10',
});

beforeEach(() => {
  ddb.reset();
  eb.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map(() => ({ EventId: 'x' })),
  }));
});

describe('summary function', () => {
  it('summarises the last completed window from the time-series index and publishes to SNS and the bus', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [
          bar('AAPL', '2024-03-01T14:30:00.000Z', '10.5'),
          bar('AAPL', '2024-03-01T14:34:00.000Z', '11'),
          bar('MSFT', '2024-03-01T14:32:00.000Z', '9.5'),
        ].map((b) => barItem(b, 'us-east-1')),
        LastEvaluatedKey: { pk: { S: 'k' } },
      })
      .resolves({ Items: [] });
    const result = await handler(scheduled('2024-03-01T14:35:00Z'), context);
    expect(result).toEqual({
      windowStart: '2024-03-01T14:30:00.000Z',
      windowEnd: '2024-03-01T14:35:00.000Z',
      symbols: 2,
      notificationParts: 1,
      events: 2,
    });
    const query = ddb.commandCalls(QueryCommand)[0].args[0].input;
    expect(query).toMatchObject({
      IndexName: 'timeseries-index',
      ExpressionAttributeValues: {
        ':hour': { S: 'BARS#2024-03-01T14' },
        ':from': { S: '2024-03-01T14:30:00.000Z' },
        ':to': { S: '2024-03-01T14:34:00.000Z#~' },
      },
    });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2); // paginated
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!) as {
      summaries: FiveMinuteSummary[];
    };
    expect(message.summaries.map((s: FiveMinuteSummary) => [s.symbol, s.close, s.minutes])).toEqual([
      ['AAPL', '11', 2],
      ['MSFT', '9.5', 1],
    ]);
    const entries = eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries!;
    expect(entries.map((e) => e.DetailType)).toEqual(['FiveMinuteSummary', 'FiveMinuteSummary']);
  });

  it('publishes nothing when the window has no bars', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const result = await handler(scheduled('2024-03-01T14:35:00Z'), context);
    expect(result.symbols).toBe(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('splits a large notification into parts below 200 KB', () => {
    const window = lastCompletedWindow(Date.parse('2024-03-01T14:35:00Z'));
    const summaries = Array.from({ length: 2000 }, (_, i) => ({
      symbol: `S${i}`,
      windowStart: window.start,
      windowEnd: window.end,
      open: '1',
      high: '1',
      low: '1',
      close: '1',
      volume: 1,
      trades: 1,
      notional: '1',
      vwap: '1',
      minutes: 1,
    }));
    const parts = notificationParts(summaries, window);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThan(200 * 1024);
    expect(parts.flatMap((p) => (JSON.parse(p) as { summaries: FiveMinuteSummary[] }).summaries)).toHaveLength(2000);
    expect(JSON.parse(parts[1])).toMatchObject({ part: 2, parts: parts.length });
  });
});
