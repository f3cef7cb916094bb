import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { ScheduledEvent } from 'aws-lambda';
import type { SummaryResult } from '../../functions/summary';
import { lastCompletedWindow, windowOfMinute } from '../../functions/lib/domain/summaries';
import type { LocalPipeline } from '../../local/local-pipeline';
import { testPipeline, tradesCsv, type TradeRow } from './harness';

/** The scheduler's event for a run at `time`. */
const scheduled = (time: number): ScheduledEvent => ({
  version: '0',
  id: `sched-${time}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date(time).toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: {},
});

describe('summary revisions', () => {
  let pipeline: LocalPipeline;
  // A window that closed at least 10 minutes ago: every bar change below comes after it closed.
  const window = windowOfMinute(new Date(Date.now() - 15 * 60_000).toISOString().slice(0, 16) + ':00.000Z');
  const at = (offsetSeconds: number): string => new Date(Date.parse(window.start) + offsetSeconds * 1000).toISOString();
  const first: TradeRow[] = [
    { symbol: 'AAPL', timestamp: at(10), price: '187', size: 100, tradeId: 'S1' },
    { symbol: 'AAPL', timestamp: at(70), price: '188', size: 50, tradeId: 'S2' },
    { symbol: 'MSFT', timestamp: at(20), price: '400', size: 10, tradeId: 'S3' },
  ];
  const late: TradeRow[] = [{ symbol: 'AAPL', timestamp: at(200), price: '190', size: 25, tradeId: 'S4' }];

  const publications = async (): Promise<Record<string, number>> => {
    const { Items } = await pipeline.clients.dynamodb.send(
      new QueryCommand({
        TableName: pipeline.resources.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `SUMMARY#${window.start}` } },
      }),
    );
    return Object.fromEntries((Items ?? []).map((i) => [i.symbol.S as string, Number(i.revision.N)]));
  };

  beforeAll(async () => {
    pipeline = await testPipeline('revisions');
    await pipeline.uploadFile('first.csv', tradesCsv(first));
    await pipeline.drain();
  });

  it('publishes a window once, and not again when nothing changed', async () => {
    const result = await pipeline.functions.invoke<SummaryResult>('summary', scheduled(Date.parse(window.end)));
    expect(result).toMatchObject({ windowStart: window.start, symbols: 2, events: 2, revisions: 0 });
    expect(await publications()).toEqual({ AAPL: 0, MSFT: 0 });
    const again = await pipeline.functions.invoke<SummaryResult>('summary', scheduled(Date.parse(window.end)));
    expect(again).toMatchObject({ events: 0, revisions: 0 });
  });

  it('publishes the window again as a revision of the changed symbol when a late file changes its bars', async () => {
    await pipeline.uploadFile('late.csv', tradesCsv(late));
    await pipeline.drain();
    const now = Date.now() + 1000;
    expect(lastCompletedWindow(now).start).not.toBe(window.start);
    const result = await pipeline.functions.invoke<SummaryResult>('summary', scheduled(now));
    expect(result.revisedWindows).toEqual([window.start]);
    expect(result.revisions).toBe(1);
    expect(await publications()).toEqual({ AAPL: 1, MSFT: 0 });
  });
});
