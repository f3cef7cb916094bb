import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { StoreChunkInput } from '../../contract';
import { tradeRecordId } from '../../functions/lib/domain/ids';
import type { LocalPipeline } from '../../local/local-pipeline';
import {
  barsOf,
  csv,
  expectedBars,
  recordItemsOf,
  rejectLines,
  runsOf,
  testPipeline,
  until,
  type TradeRow,
} from './harness';

const HEADER = ['symbol', 'timestamp', 'price', 'size', 'tradeId', 'exchange'];
type Row = TradeRow & { readonly exchange?: string };
/** A trade row with a trade id and an exchange. */
const trade = (
  symbol: string,
  timestamp: string,
  price: string,
  size: number,
  tradeId: string,
  exchange: string,
): Row => ({ symbol, timestamp, price, size, tradeId, exchange });
const asCsv = (rows: readonly Row[]): string =>
  csv(
    HEADER,
    rows.map((r) => [r.symbol, r.timestamp, r.price, r.size, r.tradeId ?? '', r.exchange ?? '']),
  );
/** Bars of `rows`, ties at one millisecond broken by the record ids their trade ids give. */
const barsOfRows = (rows: readonly Row[]) =>
  expectedBars(rows.map((r) => ({ ...r, recordId: tradeRecordId(r.symbol, r.tradeId ?? '', r.exchange) })));
/** `count` filler trades of `symbol` in the 14:30 minute with unique trade ids. */
const filler = (symbol: string, count: number, prefix: string): Row[] =>
  Array.from({ length: count }, (_, i) => ({
    symbol,
    timestamp: `2026-03-10T14:30:${String(10 + (i % 40)).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`,
    price: `${100 + (i % 7)}.25`,
    size: 10 + i,
    tradeId: `${prefix}${i}`,
    exchange: 'XNAS',
  }));

describe('trade identity, conflicts and optional fields', () => {
  let pipeline: LocalPipeline;
  /** Runs before each StoreChunk; set by a test to order chunks. */
  let beforeStoreChunk: ((input: StoreChunkInput) => Promise<void>) | undefined;

  beforeAll(async () => {
    pipeline = await testPipeline('identity', {
      chunkSize: 25,
      fault: async (name, event) => {
        if (name === 'store-chunk') await beforeStoreChunk?.(event as StoreChunkInput);
      },
    });
  });

  const fileSummary = async (key: string) => (await pipeline.report()).files.filter((f) => f.key === key);
  /** Stores `row` from a file of its own first, as an earlier delivery would have. */
  const storeFirst = async (name: string, row: Row): Promise<Row> => {
    await pipeline.uploadFile(name, asCsv([row]));
    await pipeline.drain();
    return row;
  };

  it('keeps trade 1001 on XNAS and trade 1001 on ARCX as two trades of the bar', async () => {
    const rows: Row[] = [
      trade('AAPL', '2026-03-10T14:31:05.000Z', '187.25', 100, '1001', 'XNAS'),
      trade('AAPL', '2026-03-10T14:31:10.000Z', '187.40', 300, '1001', 'ARCX'),
    ];
    await pipeline.uploadFile('venues.csv', asCsv(rows));
    await pipeline.drain();

    expect(await fileSummary('incoming/venues.csv')).toMatchObject([{ accepted: 2, rejected: 0 }]);
    expect(await recordItemsOf(pipeline, 'AAPL')).toHaveLength(2);
    expect(await barsOf(pipeline, ['AAPL'])).toEqual(barsOfRows(rows));
  });

  it('reports a repeated trade identity with other content as CONFLICTING_DUPLICATE; the first line wins', async () => {
    const first: Row = trade('IBM', '2026-03-10T14:30:05.000Z', '250.00', 100, 'DUP1', 'XNAS');
    const again: Row = { ...first, timestamp: '2026-03-10T14:30:40.000Z', price: '251.00', size: 200 };
    // Line 2 is in the first chunk, line 59 in the third; the third is stored first.
    const rows: Row[] = [first, ...filler('IBM', 56, 'F'), again, ...filler('IBM', 2, 'G')];
    beforeStoreChunk = async (input) => {
      if (!input.chunk.key.includes('in-file-conflict') || !input.chunk.key.endsWith('00000.ndjson')) return;
      await until(async () => (await recordItemsOf(pipeline, 'IBM')).some((item) => item.tradeId?.S === 'DUP1'));
    };
    await pipeline.uploadFile('in-file-conflict.csv', asCsv(rows));
    await pipeline.drain();
    beforeStoreChunk = undefined;

    const conflicts = (await rejectLines(pipeline, 'in-file-conflict.csv')).filter(
      (line) => line.reason === 'CONFLICTING_DUPLICATE',
    );
    expect(conflicts).toEqual([
      expect.objectContaining({ line: 59, conflictsWith: expect.objectContaining({ line: 2 }) }),
    ]);
    expect(String(conflicts[0].message)).toMatch(/line 2\b/);
    const kept = rows.filter((row) => row !== again);
    expect(await barsOf(pipeline, ['IBM'])).toEqual(barsOfRows(kept));
    expect(await fileSummary('incoming/in-file-conflict.csv')).toMatchObject([
      { accepted: kept.length, rejected: 1, reasons: { CONFLICTING_DUPLICATE: 1 } },
    ]);
  });

  it('catches a trade id reused in another minute of the trading day; the next day it is a new trade', async () => {
    const rows: Row[] = [
      trade('MSFT', '2026-03-10T14:30:10.000Z', '415.10', 10, '2001', 'XNAS'),
      trade('MSFT', '2026-03-10T14:45:00.000Z', '415.90', 20, '2001', 'XNAS'),
      trade('MSFT', '2026-03-11T14:30:10.000Z', '416.00', 30, '2001', 'XNAS'),
    ];
    await pipeline.uploadFile('other-minute.csv', asCsv(rows));
    await pipeline.drain();

    expect(await rejectLines(pipeline, 'other-minute.csv')).toEqual([
      expect.objectContaining({
        line: 3,
        reason: 'CONFLICTING_DUPLICATE',
        conflictsWith: expect.objectContaining({ line: 2 }),
      }),
    ]);
    expect(await barsOf(pipeline, ['MSFT'])).toEqual(barsOfRows([rows[0], rows[2]]));
  });

  it("reports a trade conflicting with an earlier file's, naming its file and line; the stored one stays", async () => {
    const stored = await storeFirst(
      'earlier.csv',
      trade('NVDA', '2026-03-10T14:32:00.000Z', '120.00', 100, '3001', 'XNAS'),
    );
    const other: Row = { ...stored, tradeId: '3002', price: '120.50' };
    await pipeline.uploadFile('later.csv', asCsv([{ ...stored, size: 200 }, other]));
    await pipeline.drain();

    expect(await rejectLines(pipeline, 'later.csv')).toEqual([
      expect.objectContaining({
        line: 2,
        reason: 'CONFLICTING_DUPLICATE',
        conflictsWith: expect.objectContaining({
          sourceUri: `s3://${pipeline.resources.ingestBucket}/incoming/earlier.csv`,
          line: 2,
        }),
      }),
    ]);
    expect(await fileSummary('incoming/later.csv')).toMatchObject([{ accepted: 1, rejected: 1 }]);
    expect(await barsOf(pipeline, ['NVDA'])).toEqual(barsOfRows([stored, other]));
  });

  it('announces an API record conflicting with a stored trade as MarketRecordRejected; the trade stays', async () => {
    const stored = await storeFirst(
      'api-conflict.csv',
      trade('SPY', '2026-03-10T14:33:00.000Z', '575.00', 100, '4001', 'XNAS'),
    );

    // Listen on the pipeline's bus for rejections (a queue of this run's own: the emulator may outlive it).
    const region = pipeline.resources.spec.region;
    const { QueueUrl } = await pipeline.clients.sqs.send(
      new CreateQueueCommand({ QueueName: `it-identity-rejected-${Date.now()}` }),
    );
    const { Attributes } = await pipeline.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const events = new EventBridgeClient({ region });
    await events.send(
      new PutRuleCommand({
        Name: 'it-identity-rejected',
        EventBusName: pipeline.resources.eventBusName,
        EventPattern: JSON.stringify({ 'detail-type': ['MarketRecordRejected'] }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'it-identity-rejected',
        EventBusName: pipeline.resources.eventBusName,
        Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
      }),
    );

    const response = await pipeline.apiRequest([{ ...stored, price: '575.50', size: 5 }], {
      headers: { 'idempotency-key': 'it-conflict-1' },
    });
    expect(response.statusCode).toBe(202);
    await pipeline.drain();

    const received = await pipeline.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const details = (received.Messages ?? []).map((m) => (JSON.parse(m.Body as string) as { detail: unknown }).detail);
    expect(details).toEqual([
      expect.objectContaining({
        reason: 'CONFLICTING_DUPLICATE',
        index: 0,
        idempotencyKey: 'it-conflict-1',
        conflictsWith: expect.objectContaining({
          sourceUri: `s3://${pipeline.resources.ingestBucket}/incoming/api-conflict.csv`,
          line: 2,
        }),
      }),
    ]);
    expect(await barsOf(pipeline, ['SPY'])).toEqual(barsOfRows([stored]));
  });

  it('keeps rows with a venue name such as "NYSE Arca" as exchange, upper-cased; unknown columns ignored', async () => {
    const text = csv(
      ['symbol', 'timestamp', 'price', 'size', 'exchange', 'desk', 'comment'],
      [
        ['BRK.B', '2026-03-10T14:34:01.000Z', '471.10', 10, 'NYSE Arca', 'D1', 'first'],
        ['BRK.B', '2026-03-10T14:34:02.000Z', '471.20', 20, '  Cboe   BZX ', 'D2', 'second'],
        ['BRK.B', '2026-03-10T14:34:03.000Z', '471.30', 30, 'xnas', 'D3', 'third'],
      ],
    );
    await pipeline.uploadFile('venue-names.csv', text);
    await pipeline.drain();

    expect(await fileSummary('incoming/venue-names.csv')).toMatchObject([{ accepted: 3, rejected: 0 }]);
    const exchanges = (await recordItemsOf(pipeline, 'BRK.B')).map((item) => item.exchange?.S).sort();
    expect(exchanges).toEqual(['CBOE BZX', 'NYSE ARCA', 'XNAS']);
  });

  it('keeps a row with an unusable exchange (control characters, too long, not text), warning of it', async () => {
    const base = { symbol: 'QQQ', price: '500.00', size: 1 };
    const lines = [
      JSON.stringify({ ...base, timestamp: '2026-03-10T14:35:01.000Z', exchange: 'XN\u0007AS' }),
      JSON.stringify({ ...base, timestamp: '2026-03-10T14:35:02.000Z', exchange: 'X'.repeat(100) }),
      JSON.stringify({ ...base, timestamp: '2026-03-10T14:35:03.000Z', exchange: { mic: 'XNAS' } }),
    ];
    await pipeline.uploadFile('bad-venues.json', `[\n${lines.join(',\n')}\n]\n`);
    await pipeline.drain();

    expect(runsOf(pipeline, 'incoming/bad-venues.json').map((run) => run.status)).toEqual(['SUCCEEDED']);
    expect(await fileSummary('incoming/bad-venues.json')).toMatchObject([{ accepted: 3, rejected: 0 }]);
    const items = await recordItemsOf(pipeline, 'QQQ');
    expect(items).toHaveLength(3);
    expect(items.filter((item) => item.exchange !== undefined)).toEqual([]);
    expect(await rejectLines(pipeline, 'bad-venues.json')).toEqual([
      expect.objectContaining({
        line: 2,
        warning: 'FIELD_DROPPED',
        field: 'exchange',
        message: expect.stringMatching(/control/),
      }),
      expect.objectContaining({
        line: 3,
        warning: 'FIELD_DROPPED',
        field: 'exchange',
        message: expect.stringMatching(/longer/),
      }),
      expect.objectContaining({
        line: 4,
        warning: 'FIELD_DROPPED',
        field: 'exchange',
        message: expect.stringMatching(/text/),
      }),
    ]);
  });
});
