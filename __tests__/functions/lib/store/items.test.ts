import {
  hasTradeGuard,
  itemSizeBytes,
  ownedRecordItem,
  partialBarFromItem,
  partialBarItem,
  partialValuesFromItem,
  reconcileItem,
  parseRecordPartitionKey,
  processingFileItem,
  recordItem,
  recordKey,
  tradeGuardItem,
  tradeGuardKey,
} from '../../../../functions/lib/store/items';
import { partialOf } from '../../../../functions/lib/domain/bars';
import { quote, trade } from '../../support/records';

describe('table items', () => {
  it('keys records by (symbol, minute) with a type prefix on the sort key', () => {
    expect(recordKey(trade())).toEqual({ pk: { S: 'REC#AAPL#2024-03-01T14:30:00.000Z' }, sk: { S: 'T#t-0001' } });
    expect(recordKey(quote()).sk).toEqual({ S: 'Q#q-0001' });
    expect(parseRecordPartitionKey('REC#BRK.B#2024-03-01T14:30:00.000Z')).toEqual({
      symbol: 'BRK.B',
      minute: '2024-03-01T14:30:00.000Z',
    });
    expect(parseRecordPartitionKey('BAR#AAPL')).toBeUndefined();
  });

  it('stores decimals as exact N attributes from the canonical string, with lineage, region and status', () => {
    const item = recordItem(trade({ price: '123456789.12345678', notional: '12345678912.345678' }));
    expect(item.price).toEqual({ N: '123456789.12345678' });
    expect(item.notional).toEqual({ N: '12345678912.345678' });
    expect(item).toMatchObject({
      sourceUri: { S: 's3://ingest-test/incoming/trades.csv' },
      sourceVersion: { S: 'v1' },
      sourceLine: { N: '2' },
      originRegion: { S: 'us-east-1' },
      status: { S: 'STORED' },
    });
  });

  it('puts no index attributes and nothing time-dependent on records (sparse indexes, no-op overwrites)', () => {
    const a = recordItem(quote());
    expect(Object.keys(a).filter((k) => k.startsWith('gsi'))).toEqual([]);
    expect(recordItem(quote())).toEqual(a);
  });

  const longQuote = (lengths: { key: number; tradeId: number; exchange: number }) =>
    quote({
      recordId: `t-ABCDEFGHIJKL-${'f'.repeat(Math.min(64, lengths.tradeId))}@${'X'.repeat(16)}`,
      symbol: 'ABCDEFGHIJKL',
      tradeId: 'T'.repeat(lengths.tradeId),
      exchange: 'E'.repeat(lengths.exchange),
      bid: '123456789.12345678',
      ask: '123456789.12345679',
      mid: '123456789.123456785',
      spread: '0.00000001',
      spreadBps: '0.0000',
      bidSize: 999_999_999,
      askSize: 999_999_999,
      source: {
        kind: 's3',
        uri: `s3://${'b'.repeat(63)}/incoming/${'k'.repeat(lengths.key)}.csv`,
        versionId: 'v'.repeat(32),
        line: 99_999_999,
      },
      originRegion: 'ap-southeast-2',
    });

  it('keeps a long but realistic owned record item under 1 KB (one write unit)', () => {
    // Longest symbol and prices, a 100-character object key, a 40-character trade id on a
    // 16-character venue, created by a run with the longest execution name (80).
    const item = ownedRecordItem(longQuote({ key: 100, tradeId: 40, exchange: 16 }), 'r'.repeat(80), 'h'.repeat(22));
    expect(itemSizeBytes(item)).toBeLessThan(1024);
  });

  it('keeps even the largest owned record item (every value at its limit) under 2 KB (two write units)', () => {
    const item = ownedRecordItem(longQuote({ key: 200, tradeId: 128, exchange: 64 }), 'r'.repeat(80), 'h'.repeat(22));
    expect(itemSizeBytes(item)).toBeLessThan(2048);
  });

  it("keys a region's partial bar by symbol, minute and region and reads it back with its sequence number", () => {
    const partial = partialOf(
      'AAPL',
      '2024-03-01T14:30:00.000Z',
      'us-east-1',
      [
        { recordId: 'a', epochMs: 10, price: '1', size: 4 },
        { recordId: 'b', epochMs: 20, price: '2', size: 6 },
      ],
      '1000000000000000000000123',
    );
    const item = partialBarItem(partial, { updatedAt: '2024-03-01T14:31:00.000Z', late: false });
    expect(item).toMatchObject({
      pk: { S: 'BAR#AAPL' },
      sk: { S: '2024-03-01T14:30:00.000Z#us-east-1' },
      gsi2pk: { S: 'BARS#2024-03-01T14' },
      gsi2sk: { S: '2024-03-01T14:30:00.000Z#AAPL#us-east-1' },
      originRegion: { S: 'us-east-1' },
      sequence: { S: '1000000000000000000000123' },
    });
    expect(item.gsi1pk).toBeUndefined();
    expect(partialBarFromItem(item)).toEqual(partial);
  });

  it('puts a partial bar changed after its summary window closed into the change index of its region', () => {
    const partial = partialOf('AAPL', '2024-03-01T14:30:00.000Z', 'us-west-2', [], '7');
    const item = partialBarItem(partial, { updatedAt: '2024-03-01T15:02:03.000Z', late: true });
    expect(item).toMatchObject({
      gsi1pk: { S: 'BARCHANGES#us-west-2#2024-03-01T15' },
      gsi1sk: { S: '2024-03-01T15:02:03.000Z#AAPL#2024-03-01T14:30:00.000Z' },
    });
    expect(partialBarFromItem(item)).toEqual(partial);
  });

  it("writes a reconciliation into the minute's record partition, so it is ordered with the trades", () => {
    const values = partialOf('AAPL', '2024-03-01T14:30:00.000Z', 'us-east-1', [
      { recordId: 'a', epochMs: 10, price: '1', size: 4 },
    ]);
    const item = reconcileItem('AAPL', '2024-03-01T14:30:00.000Z', 'us-east-1', values, '2024-03-02T00:00:00Z', 99);
    expect(item).toMatchObject({
      pk: { S: 'REC#AAPL#2024-03-01T14:30:00.000Z' },
      sk: { S: 'FIX#us-east-1' },
      originRegion: { S: 'us-east-1' },
      expiresAt: { N: '99' },
    });
    expect(partialValuesFromItem(item)).toEqual({
      trades: 1,
      volume: 4,
      notional: '4',
      extremes: values.extremes,
    });
  });

  it('puts open file runs in the status index, naming the run that holds the version', () => {
    const item = processingFileItem(
      {
        fileId: 'f-1',
        runId: 'f-1-priority',
        bucket: 'b',
        key: 'incoming/a.csv',
        versionId: 'v',
        processingType: 'standard',
        requestedAt: '2024-03-01T00:00:00.000Z',
      },
      'us-west-2',
    );
    expect(item).toMatchObject({
      pk: { S: 'FILE#f-1' },
      sk: { S: 'FILE' },
      status: { S: 'PROCESSING' },
      gsi1pk: { S: 'FILESTATUS#PROCESSING' },
      gsi1sk: { S: '2024-03-01T00:00:00.000Z' },
      originRegion: { S: 'us-west-2' },
      runId: { S: 'f-1-priority' },
    });
  });

  it('marks a record item with the run that created it, the runs holding it and its content hash', () => {
    const item = ownedRecordItem(trade(), 'run-1', 'hash-1');
    expect(item).toEqual({
      ...recordItem(trade()),
      runId: { S: 'run-1' },
      runs: { SS: ['run-1'] },
      contentHash: { S: 'hash-1' },
    });
    expect(itemSizeBytes(item)).toBeLessThan(1024);
  });

  it('guards a trade id per New York trading day, pointing at the record it stands for', () => {
    const guarded = trade({ recordId: 't-AAPL-1001@XNAS', timestamp: '2024-03-02T03:30:00.000Z' });
    expect(tradeGuardKey(guarded)).toEqual({ pk: { S: 'TID#2024-03-01#t-AAPL-1001@XNAS' }, sk: { S: 'TID' } });
    expect(tradeGuardItem(guarded, 'run-1', 'hash-1')).toMatchObject({
      recordPk: recordKey(guarded).pk,
      recordSk: recordKey(guarded).sk,
      sourceUri: { S: guarded.source.uri },
      sourceLine: { N: '2' },
      runId: { S: 'run-1' },
      runs: { SS: ['run-1'] },
      contentHash: { S: 'hash-1' },
    });
    expect(hasTradeGuard(guarded)).toBe(true);
    expect(hasTradeGuard(trade({ tradeId: undefined }))).toBe(false);
    expect(hasTradeGuard(quote({ tradeId: 'q1' }))).toBe(false);
  });
});
