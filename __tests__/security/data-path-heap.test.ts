/**
 * The data path keeps memory bounded while streaming: only the current partial row is held.
 * (Moved from the data-path unit suite: large-input checks run in the security project.)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RowProcessor, type DataPathOptions } from '../../functions/lib/ingest/data-path';

const OPTS: DataPathOptions = {
  format: 'csv',
  source: { kind: 's3', uri: 's3://bucket/incoming/day.csv', versionId: '3HL4kqtJlcpXroDTDmJ' },
  originRegion: 'us-west-2',
  now: Date.parse('2025-01-02T15:00:00Z'),
};

describe('bounded memory', () => {
  it('streams 128 MB through RowProcessor with heap growth under 64 MB', () => {
    // 128 MB (not 200) keeps this well under 10 s on a shared CI core; the bound does not depend on the size.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const rows: string[] = [];
    for (let i = 0, size = 0; size < 1 << 20; i++, size += rows[rows.length - 1].length + 1) {
      rows.push(
        i % 3 === 0
          ? `MSFT,2025-01-02T14:${String(i % 60).padStart(2, '0')}:00.${String(i % 1000).padStart(3, '0')}Z,` +
              `quote,,,410.10,410.12,3,4,XNAS,`
          : `AAPL,2025-01-02T14:${String(i % 60).padStart(2, '0')}:00.${String(i % 1000).padStart(3, '0')}Z,` +
              `trade,187.25,${1 + (i % 500)},,,,,XNAS,`,
      );
    }
    const chunk = new TextEncoder().encode(`${rows.join('\n')}\n`);
    const processor = new RowProcessor(OPTS);
    processor.push('symbol,timestamp,type,price,size,bid,ask,bid_size,ask_size,exchange,trade_id\n');
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let records = 0;
    const chunks = 128;
    for (let i = 0; i < chunks; i++) {
      records += processor.push(chunk).records.length;
      if (i % 20 === 19) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    records += processor.end().records.length;
    expect(records).toBe(rows.length * chunks);
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });
});
