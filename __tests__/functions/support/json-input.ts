/** Input shared by the JSON reader tests: four objects (one with an invalid price) and how to run them. */
import { processText, RowProcessor, type DataPathOptions } from '../../../functions/lib/ingest/data-path';
import type { MarketRecord, ValidationResult } from '../../../functions/lib/domain/types';

const BASE: Omit<DataPathOptions, 'format'> = {
  source: { kind: 's3', uri: 's3://bucket/incoming/t.json' },
  originRegion: 'us-east-1',
  now: Date.parse('2025-01-02T15:00:00Z'),
};
export const TS = '2025-01-02T14:30:00.000Z';
export const OBJECTS = [
  { symbol: 'AAPL', timestamp: TS, type: 'trade', price: '187.25', size: 100, tradeId: 'T1' },
  { sym: 'msft', ts: 1735828200000, bid: 410.1, ask: '410.12', bid_size: 3, ask_size: 4, exchange: 'xnas' },
  { symbol: 'BAD', timestamp: TS, price: 0, size: 1 },
  { symbol: 'IBM', timestamp: '2025-01-02T09:30:00-05:00', px: '0.50', qty: '10', meta: { nested: [1, { a: '}' }] } },
];

/** `text` through the data path in one piece. */
export const run = (format: DataPathOptions['format'], text: string) => processText(text, { ...BASE, format });

/** `chunks` pushed one by one, the results joined. */
export function pushAll(format: DataPathOptions['format'], chunks: string[]): ValidationResult {
  const processor = new RowProcessor({ ...BASE, format });
  const out: ValidationResult = { records: [], rejects: [], warnings: [] };
  for (const chunk of [...chunks.map((c) => processor.push(c)), processor.end()]) {
    out.records.push(...chunk.records);
    out.rejects.push(...chunk.rejects);
    out.warnings.push(...chunk.warnings);
  }
  return out;
}

/** The domain content of a record (ids and lineage differ by container). */
export const content = ({ recordId: _id, source: _source, ...rest }: MarketRecord) => rest;
