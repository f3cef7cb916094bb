import './support/env';
import { handler } from '../../functions/bars';
import { recordItem } from '../../functions/lib/store/items';
import { BARS_BATCH_SIZE } from '../../contract';
import { CountingDynamoClient, PIPELINE_TABLE } from '../../bench/counting-client';
import { drainStream, withStandIns } from '../../bench/bars-stream';
import { trade } from './support/records';

const MINUTE = '2024-03-01T14:30:00.000Z';

/** `count` trades of one symbol in one minute, as the store path writes them. */
function minuteOfTrades(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const epochMs = Date.parse(MINUTE) + Math.floor((i * 60_000) / count);
    return recordItem(
      trade({
        recordId: `t-AAPL-${i}`,
        tradeId: String(i),
        timestamp: new Date(epochMs).toISOString(),
        epochMs,
        price: `${180 + (i % 97) / 10}`,
        size: 1 + (i % 300),
        notional: '0',
      }),
    );
  });
}

describe('bars cost per trade', () => {
  it('reads at most 0.05 read units per trade in a minute of 10,000 trades of one symbol', async () => {
    const table = new CountingDynamoClient(PIPELINE_TABLE, { stream: true });
    const items = minuteOfTrades(10_000);
    let readUnits = 0;
    let position = 0;
    await withStandIns(table, async () => {
      for (let i = 0; i < items.length; i += BARS_BATCH_SIZE) {
        // The stream follows the table: a batch's trades are stored before it is delivered.
        table.seed(items.slice(i, i + BARS_BATCH_SIZE));
        table.resetCounts();
        position = await drainStream(table, handler, { region: 'us-east-1', position, batchSize: BARS_BATCH_SIZE });
        readUnits += table.totals().readUnits;
      }
    });
    expect(readUnits / items.length).toBeLessThanOrEqual(0.05);
  });
});
