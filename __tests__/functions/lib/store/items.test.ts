import {
  barFromItem,
  barItem,
  itemSizeBytes,
  parseRecordPartitionKey,
  processingFileItem,
  recordItem,
  recordKey,
} from '../../../../functions/lib/store/items';
import type { MinuteBar } from '../../../../functions/lib/domain/types';
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

  it('keeps the largest realistic record item under 1 KB (one write unit)', () => {
    // Longest symbol, longest stored tradeId (128) with the longest verbatim recordId, a 200-character object key.
    const big = quote({
      recordId: `t-ABCDEFGHIJKL-${'f'.repeat(64)}`,
      symbol: 'ABCDEFGHIJKL',
      tradeId: 'T'.repeat(128),
      exchange: 'XNASDAQ-EXTENDED',
      bid: '123456789.12345678',
      ask: '123456789.12345679',
      mid: '123456789.123456785',
      spread: '0.00000001',
      spreadBps: '0.0000',
      bidSize: 999_999_999,
      askSize: 999_999_999,
      source: {
        kind: 's3',
        uri: `s3://${'b'.repeat(63)}/incoming/${'k'.repeat(200)}.csv`,
        versionId: 'v'.repeat(32),
        line: 99_999_999,
      },
      originRegion: 'ap-southeast-2',
    });
    expect(itemSizeBytes(recordItem(big))).toBeLessThan(1024);
  });

  it('gives bars the sparse time-series index keys and reads them back', () => {
    const bar: MinuteBar = {
      symbol: 'AAPL',
      minute: '2024-03-01T14:30:00.000Z',
      open: '1',
      high: '2',
      low: '0.5',
      close: '1.5',
      volume: 10,
      trades: 3,
      vwap: '1.2',
      notional: '12',
    };
    const item = barItem(bar, 'us-east-1');
    expect(item).toMatchObject({
      pk: { S: 'BAR#AAPL' },
      sk: { S: '2024-03-01T14:30:00.000Z' },
      gsi2pk: { S: 'BARS#2024-03-01T14' },
      gsi2sk: { S: '2024-03-01T14:30:00.000Z#AAPL' },
      originRegion: { S: 'us-east-1' },
    });
    expect(barFromItem(item)).toEqual(bar);
  });

  it('puts open file runs in the status index', () => {
    const item = processingFileItem(
      {
        fileId: 'f-1',
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
    });
  });
});
