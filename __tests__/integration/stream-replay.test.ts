import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { LocalPipeline } from '../../local/local-pipeline';
import { expectedBars, generateTrades, tableBars, testPipeline, tradesCsv } from './harness';

describe('DynamoDB stream → bars', () => {
  let pipeline: LocalPipeline;
  const delivered: DynamoDBStreamEvent[] = [];
  let failNextBars = true;
  const rows = generateTrades(150, { symbols: ['NVDA', 'SPY'], idPrefix: 'S', minutes: 4 });

  beforeAll(async () => {
    pipeline = await testPipeline('stream', {
      fault: (name, event) => {
        if (name !== 'bars') return;
        // The first batch fails once as a whole: the mapping retries it from the start.
        if (failNextBars) {
          failNextBars = false;
          throw new Error('injected bars crash');
        }
        delivered.push(event as DynamoDBStreamEvent);
      },
    });
    await pipeline.uploadFile('stream.csv', tradesCsv(rows));
    await pipeline.drain();
  });

  it('delivers only market records written in this region, in batches of the mapping size', () => {
    const records = delivered.flatMap((e) => e.Records);
    expect(records.length).toBeGreaterThanOrEqual(rows.length);
    expect(
      records.every(
        (r) => r.dynamodb?.Keys?.pk?.S?.startsWith('REC#') && r.dynamodb?.NewImage?.originRegion?.S === 'us-east-1',
      ),
    ).toBe(true);
    expect(Math.max(...delivered.map((e) => e.Records.length))).toBeLessThanOrEqual(
      pipeline.resources.spec.streamMapping.batchSize,
    );
    expect(pipeline.stream.filteredOut).toBeGreaterThan(0);
  });

  it('computes exact bars after a crashed batch was retried', async () => {
    expect(pipeline.stream.abandoned).toEqual([]);
    expect(await tableBars(pipeline)).toEqual(expectedBars(rows));
  });

  it('leaves the bars unchanged when a stream batch is replayed', async () => {
    const before = await tableBars(pipeline);
    for (const event of delivered.slice(0, 2)) await pipeline.functions.invoke('bars', event);
    expect(await tableBars(pipeline)).toEqual(before);
  });

  it('does not count a replicated write from the other region', async () => {
    const before = await tableBars(pipeline);
    // What global-table replication writes here for a trade accepted in us-west-2.
    await pipeline.clients.dynamodb.send(
      new PutItemCommand({
        TableName: pipeline.resources.tableName,
        Item: {
          pk: { S: 'REC#NVDA#2026-03-10T14:30:00.000Z' },
          sk: { S: 'T#t-NVDA-REPLICA1' },
          recordId: { S: 't-NVDA-REPLICA1' },
          symbol: { S: 'NVDA' },
          type: { S: 'trade' },
          timestamp: { S: '2026-03-10T14:30:30.000Z' },
          epochMs: { N: String(Date.parse('2026-03-10T14:30:30.000Z')) },
          minute: { S: '2026-03-10T14:30:00.000Z' },
          price: { N: '999.99' },
          size: { N: '1000' },
          notional: { N: '999990' },
          originRegion: { S: 'us-west-2' },
          status: { S: 'STORED' },
        },
      }),
    );
    const filtered = pipeline.stream.filteredOut;
    await pipeline.drain();
    expect(pipeline.stream.filteredOut).toBe(filtered + 1);
    expect(await tableBars(pipeline)).toEqual(before);
  });
});
