import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CountingDynamoClient } from '../../../../bench/counting-client';
import { contentHash } from '../../../../functions/lib/domain/record-content';
import type { TradeRecord } from '../../../../functions/lib/domain/types';
import { recordKey, tradeGuardKey } from '../../../../functions/lib/store/items';
import { releaseRecords } from '../../../../functions/lib/store/record-compensation';
import { storeRecords, summarizeStore, type StoreRequest } from '../../../../functions/lib/store/record-store';
import { quote, trade } from '../../support/records';

const TABLE = 'pipeline-test';
const FILE_A = 's3://ingest-test/incoming/a.csv';
const FILE_B = 's3://ingest-test/incoming/b.csv';

/** A trade of file `uri` on `line`, with trade id 1001 on XNAS unless overridden. */
function row(uri: string, line: number, overrides: Partial<TradeRecord> = {}): TradeRecord {
  return trade({
    recordId: 't-AAPL-1001@XNAS',
    tradeId: '1001',
    exchange: 'XNAS',
    source: { kind: 's3', uri, versionId: 'v1', line },
    ...overrides,
  });
}

const at = (timestamp: string): Partial<TradeRecord> => ({
  timestamp,
  epochMs: Date.parse(timestamp),
  minute: `${timestamp.slice(0, 16)}:00.000Z`,
});

describe('storing records under ownership', () => {
  let table: CountingDynamoClient;
  const client = (): DynamoDBClient => table as unknown as DynamoDBClient;
  const store = async (requests: StoreRequest[]) => storeRecords(TABLE, requests, { client: client() });
  const item = (record: TradeRecord) => table.get(recordKey(record) as never);

  beforeEach(() => {
    table = new CountingDynamoClient();
  });

  it('creates each new record with its creating run, the runs holding it and its content hash', async () => {
    const record = row(FILE_A, 2);
    const results = await store([{ record, runId: 'run-a' }]);
    expect(results).toEqual([{ status: 'stored', displaced: [] }]);
    expect(item(record)).toMatchObject({
      runId: { S: 'run-a' },
      runs: { SS: ['run-a'] },
      contentHash: { S: contentHash(record) },
      sourceUri: { S: FILE_A },
    });
    // A trade with a trade id also claims its identity for the trading day.
    expect(table.get(tradeGuardKey(record) as never)).toMatchObject({ runs: { SS: ['run-a'] } });
  });

  it('finds its own writes again when a batch is retried: stored, not duplicates', async () => {
    const requests = [row(FILE_A, 2), row(FILE_A, 3, { recordId: 't-AAPL-1002@XNAS', tradeId: '1002' })].map(
      (record) => ({ record, runId: 'run-a' }),
    );
    await store(requests);
    expect(summarizeStore(await store(requests))).toEqual({ stored: 2, duplicates: 0, conflicts: [], failed: 0 });
  });

  it("stores the same content from another run once, held by both runs, keeping the first run's source", async () => {
    await store([{ record: row(FILE_A, 2), runId: 'run-a' }]);
    const results = await store([{ record: row(FILE_B, 7), runId: 'run-b' }]);
    expect(summarizeStore(results)).toEqual({ stored: 0, duplicates: 1, conflicts: [], failed: 0 });
    expect(item(row(FILE_A, 2))).toMatchObject({
      runId: { S: 'run-a' },
      runs: { SS: ['run-a', 'run-b'] },
      sourceUri: { S: FILE_A },
      sourceLine: { N: '2' },
    });
  });

  it('reports other content under a stored identity as CONFLICTING_DUPLICATE, keeping the stored row', async () => {
    await store([{ record: row(FILE_A, 2), runId: 'run-a' }]);
    const results = await store([{ record: row(FILE_B, 7, { price: '190', notional: '19000' }), runId: 'run-b' }]);
    expect(summarizeStore(results).conflicts).toEqual([
      {
        line: 7,
        reason: 'CONFLICTING_DUPLICATE',
        message: expect.stringContaining(`line 2 of ${FILE_A}`),
        conflictsWith: { sourceUri: FILE_A, versionId: 'v1', line: 2 },
      },
    ]);
    expect(item(row(FILE_A, 2))).toMatchObject({ price: { N: '187.25' }, runs: { SS: ['run-a'] } });
  });

  it('keeps the smaller line of one run whatever order its rows are stored in', async () => {
    const first = row(FILE_A, 5);
    const later = row(FILE_A, 90, { price: '190', notional: '19000' });
    // In one batch: line order.
    const together = summarizeStore(await store([later, first].map((record) => ({ record, runId: 'run-a' }))));
    expect(together.conflicts.map((c) => [c.line, c.conflictsWith?.line])).toEqual([[90, 5]]);
    expect(item(first)).toMatchObject({ price: { N: '187.25' }, sourceLine: { N: '5' } });

    // In two batches, the later line first: the smaller line takes its place and reports it.
    table = new CountingDynamoClient();
    const laterBatch = summarizeStore(await store([{ record: later, runId: 'run-a' }]));
    const firstBatch = summarizeStore(await store([{ record: first, runId: 'run-a' }]));
    expect(laterBatch).toMatchObject({ stored: 1, conflicts: [] });
    expect(firstBatch.stored + laterBatch.stored).toBe(1);
    expect(firstBatch.conflicts.map((c) => [c.line, c.conflictsWith?.line])).toEqual([[90, 5]]);
    expect(item(first)).toMatchObject({ price: { N: '187.25' }, sourceLine: { N: '5' } });
    expect(table.get(tradeGuardKey(first) as never)).toMatchObject({ sourceLine: { N: '5' } });
  });

  it('reports the displaced line again when the batch that took its place is retried', async () => {
    const first = row(FILE_A, 5);
    const later = row(FILE_A, 90, { price: '190', notional: '19000' });
    await store([{ record: later, runId: 'run-a' }]);
    await store([{ record: first, runId: 'run-a' }]);
    const retried = summarizeStore(await store([{ record: first, runId: 'run-a' }]));
    expect(retried.conflicts.map((c) => [c.line, c.conflictsWith?.line])).toEqual([[90, 5]]);
  });

  it('catches a trade id reused in another minute of the trading day, leaving no record behind', async () => {
    const morning = row(FILE_A, 2, at('2024-03-01T14:30:05.000Z'));
    const afternoon = row(FILE_B, 3, at('2024-03-01T19:45:00.000Z'));
    await store([{ record: morning, runId: 'run-a' }]);
    const results = await store([{ record: afternoon, runId: 'run-b' }]);
    expect(results[0]).toMatchObject({ status: 'conflict', reject: { line: 3, conflictsWith: { line: 2 } } });
    expect(item(afternoon)).toBeUndefined();
    // The next trading day the id names another trade.
    const nextDay = row(FILE_B, 4, at('2024-03-04T14:30:05.000Z'));
    expect((await store([{ record: nextDay, runId: 'run-b' }]))[0].status).toBe('stored');
  });

  it('moves a trade id of one run to its smaller line across minutes, removing the displaced record', async () => {
    const early = row(FILE_A, 2, at('2024-03-01T14:30:05.000Z'));
    const late = row(FILE_A, 40, at('2024-03-01T15:10:00.000Z'));
    await store([{ record: late, runId: 'run-a' }]);
    const summary = summarizeStore(await store([{ record: early, runId: 'run-a' }]));
    expect(summary.conflicts.map((c) => [c.line, c.conflictsWith?.line])).toEqual([[40, 2]]);
    expect(item(late)).toBeUndefined();
    expect(item(early)).toMatchObject({ sourceLine: { N: '2' } });
  });

  it('stores records without a trade id by their line identity, quotes included', async () => {
    const q = quote({ recordId: 'f-0123456789abcdef-3', source: { kind: 's3', uri: FILE_A, line: 3 } });
    expect((await store([{ record: q, runId: 'run-a' }]))[0].status).toBe('stored');
    expect(table.get(tradeGuardKey(q) as never)).toBeUndefined();
  });

  it('reports a write that failed after the client retries as failed, storing the others', async () => {
    const failing = row(FILE_A, 3, { recordId: 't-AAPL-2@XNAS', tradeId: '2' });
    const send = table.send.bind(table);
    table.send = async (command) => {
      const key = (command.input as { Item?: { sk?: { S?: string } } }).Item?.sk?.S;
      if (key === `T#${failing.recordId}`)
        throw Object.assign(new Error('unavailable'), { name: 'ServiceUnavailable' });
      return send(command);
    };
    const results = await store([row(FILE_A, 2), failing].map((record) => ({ record, runId: 'run-a' })));
    expect(results.map((r) => r.status)).toEqual(['stored', 'failed']);
    expect(summarizeStore(results).failed).toBe(1);
  });
});

describe('compensation: a run lets go of what it stored', () => {
  it('deletes what it alone holds, keeps what another run also stored, and never touches the rest', async () => {
    const table = new CountingDynamoClient();
    const client = table as unknown as DynamoDBClient;
    const own = row(FILE_B, 2, { recordId: 't-AAPL-1@XNAS', tradeId: '1' });
    const shared = row(FILE_B, 3, { recordId: 't-AAPL-2@XNAS', tradeId: '2' });
    const others = row(FILE_B, 4, { recordId: 't-AAPL-3@XNAS', tradeId: '3' });
    await storeRecords(TABLE, [{ record: shared, runId: 'run-a' }], { client });
    await storeRecords(TABLE, [{ record: { ...others, price: '1', notional: '100' }, runId: 'run-a' }], { client });
    await storeRecords(
      TABLE,
      [own, shared, others].map((record) => ({ record, runId: 'run-b' })),
      { client },
    );

    expect(await releaseRecords(TABLE, [own, shared, others], 'run-b', { client })).toEqual({ deleted: 1, kept: 2 });
    expect(table.get(recordKey(own) as never)).toBeUndefined();
    expect(table.get(tradeGuardKey(own) as never)).toBeUndefined();
    expect(table.get(recordKey(shared) as never)).toMatchObject({ runs: { SS: ['run-a'] } });
    expect(table.get(recordKey(others) as never)).toMatchObject({ price: { N: '1' }, runs: { SS: ['run-a'] } });
    // Safe to run again.
    expect(await releaseRecords(TABLE, [own, shared, others], 'run-b', { client })).toEqual({ deleted: 0, kept: 3 });
  });
});
