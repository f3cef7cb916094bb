import { GlobalTableReplicator } from '../../local/global-table-replicator';
import type { LocalPipeline } from '../../local/local-pipeline';
import { expectedBars, tableBars, testPipeline, tradesCsv, type TradeRow } from './harness';

/**
 * Two pipelines stand in for us-east-1 and us-west-2, each with its own table; the replicator
 * plays Global Tables between them (last writer wins). Both regions write trades of the same
 * (symbol, minute) before anything replicates, and both write the same trade differently.
 */
describe('bars with both regions writing', () => {
  let east: LocalPipeline;
  let west: LocalPipeline;
  let replicator: GlobalTableReplicator;

  const e1: TradeRow = {
    symbol: 'AAPL',
    timestamp: '2026-03-10T14:30:05.000Z',
    price: '187',
    size: 100,
    tradeId: 'E1',
  };
  const w1: TradeRow = {
    symbol: 'AAPL',
    timestamp: '2026-03-10T14:30:10.000Z',
    price: '188',
    size: 300,
    tradeId: 'W1',
  };
  // The same trade written in both regions with different content: the later write wins.
  const xEast: TradeRow = {
    symbol: 'AAPL',
    timestamp: '2026-03-10T14:30:20.000Z',
    price: '190',
    size: 50,
    tradeId: 'X',
  };
  const xWest: TradeRow = {
    symbol: 'AAPL',
    timestamp: '2026-03-10T14:30:21.000Z',
    price: '185',
    size: 70,
    tradeId: 'X',
  };
  const other: TradeRow = {
    symbol: 'MSFT',
    timestamp: '2026-03-10T14:31:00.000Z',
    price: '400',
    size: 1,
    tradeId: 'M',
  };

  /** Replicates and drains both regions until nothing moves. */
  async function settle(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      await east.drain();
      await west.drain();
      if ((await replicator.replicate()) === 0) return;
    }
    throw new Error('replication did not settle in 20 rounds');
  }

  beforeAll(async () => {
    east = await testPipeline('mr-east', { region: 'us-east-1' });
    west = await testPipeline('mr-west', { region: 'us-west-2' });
    replicator = new GlobalTableReplicator(
      east.clients.dynamodb,
      east.clients.streams,
      { region: 'us-east-1', tableName: east.resources.tableName, streamArn: east.resources.streamArn },
      { region: 'us-west-2', tableName: west.resources.tableName, streamArn: west.resources.streamArn },
    );
    await east.uploadFile('east.csv', tradesCsv([e1, xEast, other]));
    await east.drain();
    await west.uploadFile('west.csv', tradesCsv([w1, xWest]));
    await west.drain();
    await settle();
  });

  it('both regions read the exact bar of trades written in either region, the conflicting trade once', async () => {
    const expected = expectedBars([e1, w1, xWest, other]);
    expect(await tableBars(east)).toEqual(expected);
    expect(await tableBars(west)).toEqual(expected);
  });

  it('keeps counting while the other region is down, on top of its last replicated partial', async () => {
    const e2: TradeRow = {
      symbol: 'AAPL',
      timestamp: '2026-03-10T14:30:40.000Z',
      price: '186',
      size: 5,
      tradeId: 'E2',
    };
    // West is unreachable: nothing replicates while east stores and computes.
    await east.uploadFile('east-2.csv', tradesCsv([e2]));
    await east.drain();
    expect(await tableBars(east)).toEqual(expectedBars([e1, w1, xWest, other, e2]));
    // West comes back: replication settles and both regions agree again.
    await settle();
    expect(await tableBars(west)).toEqual(expectedBars([e1, w1, xWest, other, e2]));
    expect((await east.report()).drift.differences).toBe(0);
    expect((await west.report()).drift.differences).toBe(0);
  });
});
