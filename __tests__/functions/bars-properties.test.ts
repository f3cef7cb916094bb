import './support/env';
import { BatchGetItemCommand, DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { handler } from '../../functions/bars';
import { computeBar, mergePartials, partialOf, samePartialValues } from '../../functions/lib/domain/bars';
import {
  partialBarFromItem,
  partialBarKey,
  reconcileItem,
  recordItem,
  regionalTradeFromItem,
} from '../../functions/lib/store/items';
import { CountingDynamoClient, PIPELINE_TABLE } from '../../bench/counting-client';
import { deliverable, lambdaContext, withStandIns } from '../../bench/bars-stream';
import { trade } from './support/records';

/**
 * Property: whatever the trades do (inserts, rewrites with other values, rewrites by the other
 * region's replication, removals, reconciliations) and however the stream delivers them (random
 * batch splits, redelivery of earlier batches, partial batch failures retried from the lowest
 * failed record, whole-batch errors bisected, the table running ahead of the stream), this
 * region's partial bar ends equal to the partial computed from scratch from the stored trades.
 */

const REGION = 'us-east-1';
const OTHER = 'us-west-2';
const SYMBOLS = ['AAPL', 'MSFT'] as const;
const MINUTES = ['2024-03-01T14:30:00.000Z', '2024-03-01T14:31:00.000Z'] as const;
const PRICES = ['10', '10.5', '11', '11', '9.25', '12'];

type Op =
  | {
      kind: 'put';
      id: number;
      symbol: number;
      minute: number;
      price: number;
      size: number;
      ms: number;
      other: boolean;
    }
  | { kind: 'delete'; id: number; symbol: number; minute: number }
  | { kind: 'reconcile'; symbol: number; minute: number }
  | { kind: 'deliver'; size: number; failure: 'none' | 'write' | 'error' }
  | { kind: 'redeliver'; from: number; size: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('put' as const),
      id: fc.integer({ min: 0, max: 7 }),
      symbol: fc.integer({ min: 0, max: SYMBOLS.length - 1 }),
      minute: fc.integer({ min: 0, max: MINUTES.length - 1 }),
      price: fc.integer({ min: 0, max: PRICES.length - 1 }),
      size: fc.integer({ min: 1, max: 5 }),
      // Few distinct times: ties on time make the recordId tie-break matter.
      ms: fc.integer({ min: 0, max: 3 }),
      other: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      id: fc.integer({ min: 0, max: 7 }),
      symbol: fc.integer({ min: 0, max: SYMBOLS.length - 1 }),
      minute: fc.integer({ min: 0, max: MINUTES.length - 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reconcile' as const),
      symbol: fc.integer({ min: 0, max: SYMBOLS.length - 1 }),
      minute: fc.integer({ min: 0, max: MINUTES.length - 1 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      size: fc.integer({ min: 1, max: 12 }),
      failure: fc.constantFrom('none' as const, 'none' as const, 'write' as const, 'error' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('redeliver' as const),
      from: fc.nat(),
      size: fc.integer({ min: 1, max: 12 }),
    }),
  },
);

/** The stream as the mapping sees it, and how far it has been acknowledged. */
class Mapping {
  readonly records: DynamoDBRecord[] = [];
  acknowledged = 0;
  private read = 0;
  invocations = 0;

  constructor(private readonly table: CountingDynamoClient) {}

  /** Picks up what the table wrote since the last call (through the filter patterns). */
  poll(): void {
    this.records.push(...deliverable(this.table.stream.slice(this.read), REGION));
    this.read = this.table.stream.length;
  }

  async invoke(batch: DynamoDBRecord[], failure: 'none' | 'write' | 'error'): Promise<Set<string> | 'error'> {
    this.invocations++;
    const send = this.table.send.bind(this.table);
    let failedOnce = false;
    if (failure !== 'none')
      this.table.send = (command) => {
        const failing =
          failure === 'write' ? command instanceof PutItemCommand : command instanceof BatchGetItemCommand;
        if (failing && !failedOnce) {
          failedOnce = true;
          return Promise.reject(new Error(`injected ${failure} failure`));
        }
        return send(command);
      };
    try {
      const response = await handler({ Records: batch }, lambdaContext('bars', REGION));
      return new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    } catch {
      return 'error';
    } finally {
      this.table.send = send;
    }
  }

  /**
   * Delivers the next `size` records as Lambda does: a partial failure resumes at the lowest
   * failed record; a function error bisects the batch and retries each half.
   */
  async deliver(size: number, failure: 'none' | 'write' | 'error'): Promise<void> {
    const batch = this.records.slice(this.acknowledged, this.acknowledged + size);
    if (batch.length === 0) return;
    await this.deliverBatch(batch, failure);
  }

  private async deliverBatch(batch: DynamoDBRecord[], failure: 'none' | 'write' | 'error'): Promise<void> {
    const outcome = await this.invoke(batch, failure);
    if (outcome === 'error') {
      if (batch.length === 1) return; // retried by a later deliver
      const half = Math.ceil(batch.length / 2);
      await this.deliverBatch(batch.slice(0, half), 'none');
      if (this.acknowledged === this.records.indexOf(batch[half])) await this.deliverBatch(batch.slice(half), 'none');
      return;
    }
    const firstFailed = batch.findIndex((r) => outcome.has(r.dynamodb!.SequenceNumber!));
    this.acknowledged += firstFailed < 0 ? batch.length : firstFailed;
  }

  /** Delivers already acknowledged records again (a replay of an earlier batch). */
  async redeliver(from: number, size: number): Promise<void> {
    if (this.acknowledged === 0) return;
    const start = from % this.acknowledged;
    await this.invoke(this.records.slice(start, Math.min(this.acknowledged, start + size)), 'none');
  }

  async drain(): Promise<void> {
    for (let guard = 0; this.acknowledged < this.records.length; guard++) {
      if (guard > 10_000) throw new Error('the stream did not drain');
      await this.deliver(25, 'none');
    }
  }
}

function recordOf(op: Extract<Op, { kind: 'put' }>) {
  const minute = MINUTES[op.minute];
  const epochMs = Date.parse(minute) + op.ms * 15_000;
  const symbol = SYMBOLS[op.symbol];
  return recordItem(
    trade({
      symbol,
      recordId: `t-${symbol}-${op.id}`,
      tradeId: String(op.id),
      timestamp: new Date(epochMs).toISOString(),
      epochMs,
      price: PRICES[op.price],
      size: op.size,
      originRegion: op.other ? OTHER : REGION,
    }),
  );
}

/** This region's trades of (symbol, minute) as the table holds them. */
function storedTrades(table: CountingDynamoClient, symbol: string, minute: string) {
  return table
    .itemsOf(`REC#${symbol}#${minute}`)
    .filter((item) => item.sk.S?.startsWith('T#'))
    .map(regionalTradeFromItem)
    .filter((t) => t.originRegion === REGION);
}

async function run(ops: readonly Op[]): Promise<void> {
  const table = new CountingDynamoClient(PIPELINE_TABLE, { stream: true });
  const mapping = new Mapping(table);
  await withStandIns(table, async () => {
    for (const op of ops) {
      if (op.kind === 'put') table.seed([recordOf(op)]);
      else if (op.kind === 'delete') {
        const symbol = SYMBOLS[op.symbol];
        await table.send(
          new DeleteItemCommand({
            TableName: 't',
            Key: { pk: { S: `REC#${symbol}#${MINUTES[op.minute]}` }, sk: { S: `T#t-${symbol}-${op.id}` } },
          }),
        );
      } else if (op.kind === 'reconcile') {
        const [symbol, minute] = [SYMBOLS[op.symbol], MINUTES[op.minute]];
        const values = partialOf(symbol, minute, REGION, storedTrades(table, symbol, minute));
        table.seed([reconcileItem(symbol, minute, REGION, values, minute, 1)]);
      } else {
        mapping.poll();
        if (op.kind === 'deliver') await mapping.deliver(op.size, op.failure);
        else await mapping.redeliver(op.from, op.size);
      }
    }
    mapping.poll();
    await mapping.drain();
  });

  for (const symbol of SYMBOLS)
    for (const minute of MINUTES) {
      const trades = storedTrades(table, symbol, minute);
      const expected = partialOf(symbol, minute, REGION, trades);
      const item = table.get({ ...partialBarKey(symbol, minute, REGION) });
      const actual = item ? partialBarFromItem(item) : partialOf(symbol, minute, REGION, []);
      if (!samePartialValues(actual, expected))
        throw new Error(`${symbol} ${minute}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
      expect(mergePartials([actual])).toEqual(computeBar(symbol, minute, trades));
    }
}

describe('incremental bars (property)', () => {
  it('equal the bars recomputed from stored trades after any changes, splits, redeliveries and failures', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 1, maxLength: 60 }), (ops) => run(ops)),
      { numRuns: 300 },
    );
  });

  it('stay exact when every batch is delivered twice and half of them fail once', async () => {
    const ops: Op[] = [];
    for (let i = 0; i < 40; i++) {
      ops.push({
        kind: 'put',
        id: i % 8,
        symbol: 0,
        minute: 0,
        price: i % 6,
        size: 1 + (i % 5),
        ms: i % 4,
        other: i % 7 === 0,
      });
      if (i % 5 === 4) ops.push({ kind: 'delete', id: (i * 3) % 8, symbol: 0, minute: 0 });
      ops.push({ kind: 'deliver', size: 3, failure: i % 2 === 0 ? 'write' : 'error' });
      ops.push({ kind: 'redeliver', from: i, size: 6 });
    }
    await run(ops);
  });
});
