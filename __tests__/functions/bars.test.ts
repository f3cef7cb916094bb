import './support/env';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { handler } from '../../functions/bars';
import { partialOf, type PartialBar } from '../../functions/lib/domain/bars';
import {
  partialBarFromItem,
  partialBarItem,
  partialBarKey,
  reconcileItem,
  recordItem,
} from '../../functions/lib/store/items';
import type { TradeRecord } from '../../functions/lib/domain/types';
import { CountingDynamoClient, PIPELINE_TABLE } from '../../bench/counting-client';
import { deliverable, lambdaContext, withStandIns, type PublishedEvent } from '../../bench/bars-stream';
import { quote, trade } from './support/records';

const MINUTE = '2024-03-01T14:30:00.000Z';
const EAST = 'us-east-1';
const WEST = 'us-west-2';

const t1 = trade({ recordId: 'a', timestamp: '2024-03-01T14:30:01.000Z', price: '10', size: 1 });
const t2 = trade({ recordId: 'b', timestamp: '2024-03-01T14:30:02.000Z', price: '12', size: 3 });
const t3 = trade({ recordId: 'c', timestamp: '2024-03-01T14:30:03.000Z', price: '11', size: 2 });
const msft = trade({ symbol: 'MSFT', recordId: 'm', price: '400', size: 1 });

let table: CountingDynamoClient;
let position = 0;
beforeEach(() => {
  table = new CountingDynamoClient(PIPELINE_TABLE, { stream: true });
  position = 0;
});

/** Stores or overwrites trades as the store path does (each change reaches the stream). */
const store = (...trades: TradeRecord[]): void => table.seed(trades.map(recordItem));
/** Deletes a trade as compensation does. */
const remove = (t: TradeRecord): Promise<unknown> =>
  table.send(new DeleteItemCommand({ TableName: 't', Key: { pk: recordItem(t).pk, sk: recordItem(t).sk } }));

/** The stream records since the last call that the mapping of `region` delivers. */
function newRecords(region = EAST): DynamoDBRecord[] {
  const records = deliverable(table.stream.slice(position), region);
  position = table.stream.length;
  return records;
}

/** Runs the handler of `region` on `records`; resolves with its response and the events it put. */
async function invoke(records: DynamoDBRecord[], region = EAST) {
  process.env.PIPELINE_REGION = region;
  try {
    return await withStandIns(table, async (events: PublishedEvent[]) => {
      const response = await handler({ Records: records }, lambdaContext('bars', region));
      return { response, events };
    });
  } finally {
    process.env.PIPELINE_REGION = EAST;
  }
}

const storedPartial = (region = EAST, symbol = 'AAPL'): PartialBar | undefined => {
  const item = table.get({ ...partialBarKey(symbol, MINUTE, region) });
  return item ? partialBarFromItem(item) : undefined;
};
const bareTrades = (...trades: TradeRecord[]) =>
  trades.map(({ recordId, epochMs, price, size }) => ({ recordId, epochMs, price, size }));
const lastSequence = (records: DynamoDBRecord[]) => records[records.length - 1].dynamodb!.SequenceNumber!;

describe('bars function', () => {
  it("adds this region's trades to its partial (a read, a write per minute) and announces the merged bar", async () => {
    store(t1, t2, msft);
    const records = newRecords();
    table.resetCounts();
    const { response, events } = await invoke(records);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(table.calls.filter((c) => c !== 'PutItem')).toEqual(['BatchGetItem']);
    expect(table.writes.map((w) => w.pk)).toEqual(['BAR#AAPL', 'BAR#MSFT']);
    expect(storedPartial()).toEqual(
      partialOf('AAPL', MINUTE, EAST, bareTrades(t1, t2), records[1].dynamodb!.SequenceNumber),
    );
    expect(events).toContainEqual({
      detailType: 'MinuteBarUpdated',
      detail: {
        symbol: 'AAPL',
        minute: MINUTE,
        open: '10',
        high: '12',
        low: '10',
        close: '12',
        volume: 4,
        trades: 2,
        notional: '46',
        vwap: '11.5',
      },
    });
  });

  it('applies a redelivered batch once: nothing is written and nothing announced the second time', async () => {
    store(t1, t2);
    const records = newRecords();
    await invoke(records);
    const before = storedPartial();
    table.resetCounts();
    const { events } = await invoke(records);
    expect(table.writes).toEqual([]);
    expect(events).toEqual([]);
    expect(storedPartial()).toEqual(before);
  });

  it('applies only the records above the stored sequence number when a retry overlaps what was applied', async () => {
    store(t1, t2);
    const first = newRecords();
    await invoke(first.slice(0, 1));
    await invoke(first);
    expect(storedPartial()).toEqual(partialOf('AAPL', MINUTE, EAST, bareTrades(t1, t2), lastSequence(first)));
  });

  it('subtracts a trade that a replicated MODIFY moved to the other region (last writer wins)', async () => {
    store(t1, t2);
    await invoke(newRecords());
    // Replication of the other region's newer version of t2 overwrites it here.
    store({ ...t2, originRegion: WEST, price: '13' });
    const records = newRecords();
    await invoke(records);
    expect(storedPartial()).toEqual(partialOf('AAPL', MINUTE, EAST, bareTrades(t1), lastSequence(records)));
  });

  it('recomputes the extremes from the stored trades when the removed trade was one of them', async () => {
    store(t1, t2, t3);
    await invoke(newRecords());
    await remove(t2); // the high and the close
    const records = newRecords();
    table.resetCounts();
    await invoke(records);
    expect(table.calls).toContain('Query');
    expect(storedPartial()).toEqual(partialOf('AAPL', MINUTE, EAST, bareTrades(t1, t3), lastSequence(records)));
  });

  it('reads no trades when the removed trade was none of the extremes', async () => {
    const mid = trade({ recordId: 'd', timestamp: '2024-03-01T14:30:01.500Z', price: '10.5', size: 5 });
    store(t1, mid, t2);
    await invoke(newRecords());
    await remove(mid);
    const records = newRecords();
    table.resetCounts();
    await invoke(records);
    expect(table.calls).not.toContain('Query');
    expect(storedPartial()).toEqual(partialOf('AAPL', MINUTE, EAST, bareTrades(t1, t2), lastSequence(records)));
  });

  it("keeps the other region's trades, quotes and its own partial bars out of its partial", async () => {
    store(t1);
    await invoke(newRecords());
    store(trade({ recordId: 'w', originRegion: WEST }));
    table.seed([recordItem(quote())]);
    const all = table.stream.slice(position);
    position = table.stream.length;
    table.resetCounts();
    // Even handed every record (a filter that lets everything through), it ignores them.
    const { events } = await invoke([...all, ...table.stream.slice(0, 1)]);
    expect(table.writes).toEqual([]);
    expect(events).toEqual([]);
  });

  it("publishes the merged bar when the other region's partial arrives by replication, writing nothing", async () => {
    store(t1);
    await invoke(newRecords());
    const west = partialOf('AAPL', MINUTE, WEST, bareTrades(trade({ recordId: 'w', price: '9', size: 10 })), '5');
    table.seed([partialBarItem(west, { updatedAt: MINUTE, late: false })]);
    const records = newRecords();
    expect(records).toHaveLength(1);
    table.resetCounts();
    const { events } = await invoke(records);
    expect(table.writes.filter((w) => w.pk.startsWith('BAR#'))).toEqual([]);
    expect(events.map((e) => e.detail)).toEqual([
      expect.objectContaining({ symbol: 'AAPL', trades: 2, volume: 11, low: '9', high: '10', notional: '100' }),
    ]);
  });

  it('writes nothing for a trade rewritten with the same bar fields', async () => {
    store(t1);
    await invoke(newRecords());
    table.seed([{ ...recordItem(t1), sourceLine: { N: '77' } }]);
    const records = newRecords();
    expect(records).toHaveLength(1);
    table.resetCounts();
    await invoke(records);
    expect(table.writes).toEqual([]);
  });

  it('applies a reconciliation in stream order: earlier changes are replaced, later ones apply on top', async () => {
    store(t1);
    await invoke(newRecords());
    // Corrupt the stored partial by hand, then reconcile it to the truth {t1}; t2 arrives after.
    const stored = storedPartial()!;
    table.seed([partialBarItem({ ...stored, volume: 999 }, { updatedAt: MINUTE, late: false })]);
    table.seed([reconcileItem('AAPL', MINUTE, EAST, partialOf('AAPL', MINUTE, EAST, bareTrades(t1)), MINUTE, 1)]);
    store(t2);
    const records = newRecords();
    await invoke(records);
    expect(storedPartial()).toEqual(partialOf('AAPL', MINUTE, EAST, bareTrades(t1, t2), lastSequence(records)));
  });

  it("reports only the lowest sequence number of the failed minute's records", async () => {
    store(t1, msft, t2);
    const records = newRecords();
    const send = table.send.bind(table);
    table.send = async (command) => {
      const input = command.input as { Item?: { pk?: { S?: string } } };
      if (command instanceof PutItemCommand && input.Item?.pk?.S === 'BAR#AAPL') throw new Error('boom');
      return send(command);
    };
    const { response } = await invoke(records);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0].dynamodb!.SequenceNumber }]);
    expect(storedPartial(EAST, 'MSFT')?.trades).toBe(1);
    expect(storedPartial()).toBeUndefined();
  });

  it('fails the minute when another writer changed the partial after it was read', async () => {
    store(t1);
    const records = newRecords();
    const send = table.send.bind(table);
    table.send = async (command) => {
      // Someone writes the partial between the handler's read and its conditional write.
      if (command instanceof PutItemCommand)
        table.seed([partialBarItem(partialOf('AAPL', MINUTE, EAST, [], '1'), { updatedAt: MINUTE, late: false })]);
      return send(command);
    };
    const { response, events } = await invoke(records);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0].dynamodb!.SequenceNumber }]);
    // Announced before the write: the retry announces again (at-least-once).
    expect(events).toHaveLength(1);
  });

  it('puts a change made after the summary window closed into the change index, and an earlier one not', async () => {
    const now = Date.parse('2024-03-01T14:36:00.000Z');
    const spy = jest.spyOn(Date, 'now').mockReturnValue(now);
    try {
      store(t1, trade({ recordId: 'n', timestamp: '2024-03-01T14:35:10.000Z', price: '1', size: 1 }));
      await invoke(newRecords());
    } finally {
      spy.mockRestore();
    }
    expect(table.get({ ...partialBarKey('AAPL', MINUTE, EAST) })?.gsi1pk).toEqual({
      S: 'BARCHANGES#us-east-1#2024-03-01T14',
    });
    expect(table.get({ ...partialBarKey('AAPL', '2024-03-01T14:35:00.000Z', EAST) })?.gsi1pk).toBeUndefined();
  });
});
