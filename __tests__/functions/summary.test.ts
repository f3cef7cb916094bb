import './support/env';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, notificationParts } from '../../functions/summary';
import { barArrivalItem, partialBarItem } from '../../functions/lib/store/items';
import { partialOf } from '../../functions/lib/domain/bars';
import { type FiveMinuteSummary, lastCompletedWindow, summaryId } from '../../functions/lib/domain/summaries';
import { CountingDynamoClient } from '../../bench/counting-client';
import { replaceSend } from '../../bench/bars-stream';
import { context } from './support/records';

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

let table: CountingDynamoClient;
let restore: () => void;
beforeEach(() => {
  table = new CountingDynamoClient();
  restore = replaceSend(DynamoDBClient, (command) => table.send(command));
  eb.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map(() => ({ EventId: 'x' })),
  }));
});
afterEach(() => restore());

/** Stores `region`'s partial bar of one trade (price, size) per entry, written at `updatedAt`. */
function storePartial(
  region: string,
  symbol: string,
  minute: string,
  trades: [string, number][],
  updatedAt = minute,
  late = false,
): void {
  const partial = partialOf(
    symbol,
    minute,
    region,
    trades.map(([price, size], i) => ({ recordId: `${region}-${i}`, epochMs: Date.parse(minute) + i, price, size })),
    '1',
  );
  table.seed([partialBarItem(partial, { updatedAt, late })]);
}

const summariesIn = (events: PutEventsRequestEntry[]) =>
  events.map((e) => JSON.parse(e.Detail!) as Record<string, unknown>);
const putEntries = () => eb.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries!);

describe('summary function', () => {
  it("rolls up the last completed window from every region's partial bars, each symbol as revision 0", async () => {
    storePartial('us-east-1', 'AAPL', '2024-03-01T14:30:00.000Z', [['10', 1]]);
    storePartial('us-west-2', 'AAPL', '2024-03-01T14:30:00.000Z', [['12', 3]]);
    storePartial('us-east-1', 'AAPL', '2024-03-01T14:34:00.000Z', [['11', 1]]);
    storePartial('us-west-2', 'MSFT', '2024-03-01T14:32:00.000Z', [['9.5', 2]]);
    storePartial('us-east-1', 'MSFT', '2024-03-01T14:35:00.000Z', [['1', 1]]); // next window
    const result = await handler(scheduled('2024-03-01T14:35:00Z'), context);
    expect(result).toEqual({
      windowStart: '2024-03-01T14:30:00.000Z',
      windowEnd: '2024-03-01T14:35:00.000Z',
      symbols: 2,
      notificationParts: 1,
      events: 2,
      revisedWindows: [],
      revisions: 0,
    });
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!) as {
      summaries: FiveMinuteSummary[];
    };
    expect(message.summaries.map((s) => [s.symbol, s.open, s.close, s.volume, s.minutes])).toEqual([
      ['AAPL', '10', '11', 5, 2],
      ['MSFT', '9.5', '9.5', 2, 1],
    ]);
    expect(summariesIn(putEntries())).toEqual([
      expect.objectContaining({ symbol: 'AAPL', summaryId: 'AAPL@2024-03-01T14:30:00.000Z', revision: 0 }),
      expect.objectContaining({ symbol: 'MSFT', revision: 0 }),
    ]);
  });

  it('publishes nothing twice when a retried invocation finds the same values', async () => {
    storePartial('us-east-1', 'AAPL', '2024-03-01T14:30:00.000Z', [['10', 1]]);
    await handler(scheduled('2024-03-01T14:35:00Z'), context);
    eb.resetHistory();
    sns.resetHistory();
    const again = await handler(scheduled('2024-03-01T14:35:00Z'), context);
    expect(again).toMatchObject({ events: 0, revisions: 0 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('publishes an earlier window again, marked as a revision, when a bar changed after it was published', async () => {
    storePartial('us-east-1', 'AAPL', '2024-03-01T14:30:00.000Z', [['10', 1]]);
    await handler(scheduled('2024-03-01T14:35:00Z'), context);
    // A late file: the west partial of 14:31 is written at 14:37, after the window closed.
    storePartial('us-west-2', 'AAPL', '2024-03-01T14:31:00.000Z', [['13', 4]], '2024-03-01T14:37:00.000Z', true);
    eb.resetHistory();
    sns.resetHistory();
    // The change index of the summary's region holds the arrival, as the bars function there writes it.
    table.seed([
      barArrivalItem('AAPL', '2024-03-01T14:31:00.000Z', 'us-west-2', 'us-east-1', '2024-03-01T14:37:01.000Z', 1),
    ]);
    const result = await handler(scheduled('2024-03-01T14:40:00Z'), context);
    expect(result).toMatchObject({ revisedWindows: ['2024-03-01T14:30:00.000Z'], revisions: 1 });
    const [revision] = summariesIn(putEntries());
    expect(revision).toMatchObject({
      symbol: 'AAPL',
      windowStart: '2024-03-01T14:30:00.000Z',
      revision: 1,
      revisionOf: 'AAPL@2024-03-01T14:30:00.000Z',
      volume: 5,
      high: '13',
      close: '13',
    });
    const subjects = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject);
    expect(subjects).toContain('Market data 5-minute summary revision 2024-03-01T14:30Z');
  });

  it('withdraws a published symbol whose trades were all removed after the window was published', async () => {
    storePartial('us-east-1', 'AAPL', '2024-03-01T14:30:00.000Z', [['10', 1]]);
    await handler(scheduled('2024-03-01T14:35:00Z'), context);
    // Compensation removed the trade: the partial now counts nothing (changed late).
    storePartial('us-east-1', 'AAPL', '2024-03-01T14:30:00.000Z', [], '2024-03-01T14:36:00.000Z', true);
    eb.resetHistory();
    const result = await handler(scheduled('2024-03-01T14:40:00Z'), context);
    expect(result.revisions).toBe(1);
    expect(summariesIn(putEntries())).toEqual([
      expect.objectContaining({ symbol: 'AAPL', revision: 1, withdrawn: true, trades: 0, volume: 0 }),
    ]);
  });

  it('publishes nothing when the window has no bars', async () => {
    const result = await handler(scheduled('2024-03-01T14:35:00Z'), context);
    expect(result.symbols).toBe(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('splits a large notification into parts below 200 KB', () => {
    const window = lastCompletedWindow(Date.parse('2024-03-01T14:35:00Z'));
    const summaries = Array.from({ length: 2000 }, (_, i) => ({
      summaryId: summaryId({ symbol: `S${i}`, windowStart: window.start }),
      revision: 0,
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
    expect(parts.flatMap((p) => (JSON.parse(p) as { summaries: unknown[] }).summaries)).toHaveLength(2000);
    expect(JSON.parse(parts[1])).toMatchObject({ part: 2, parts: parts.length });
  });
});
