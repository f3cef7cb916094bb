/** Rows for the normaliser and field tests, built around one valid trade, and how to run them. */
import { processText, RowProcessor, type DataPathOptions } from '../../../functions/lib/ingest/data-path';
import type { ValidationResult } from '../../../functions/lib/domain/types';

export const NOW = Date.parse('2025-01-02T15:00:00Z');
const OPTS: Omit<DataPathOptions, 'format'> = {
  source: { kind: 's3', uri: 's3://bucket/incoming/t.csv', versionId: 'v1' },
  originRegion: 'us-east-1',
  now: NOW,
};
export const HEADER = 'symbol,timestamp,type,price,size,bid,ask,bid_size,ask_size,exchange,trade_id';
export const TS = '2025-01-02T14:30:00.000Z';
export const trade = (symbol: string, price: string, size: string, ts = TS) =>
  `${symbol},${ts},trade,${price},${size},,,,,,`;
export const quote = (bid: string, ask: string, bidSize = '100', askSize = '200') =>
  `MSFT,${TS},quote,,,${bid},${ask},${bidSize},${askSize},,`;
export const json = (fields: Record<string, unknown>) =>
  JSON.stringify({ symbol: 'AAPL', timestamp: TS, type: 'trade', price: '10.5', size: 100, ...fields });

export type Input = { format: 'csv' | 'ndjson' | 'json'; text: string } | { format: 'csv'; bytes: Uint8Array };
export const csv = (...rows: string[]): Input => ({ format: 'csv', text: [HEADER, ...rows].join('\n') });
export const ndjson = (...lines: string[]): Input => ({ format: 'ndjson', text: lines.join('\n') });
export const jsonFile = (text: string): Input => ({ format: 'json', text });

/** The input through the data path: text in one piece, bytes pushed then ended. */
export function run(input: Input): ValidationResult {
  if ('bytes' in input) {
    const processor = new RowProcessor({ ...OPTS, format: input.format });
    const a = processor.push(input.bytes);
    const b = processor.end();
    return {
      records: [...a.records, ...b.records],
      rejects: [...a.rejects, ...b.rejects],
      warnings: [...a.warnings, ...b.warnings],
    };
  }
  return processText(input.text, { ...OPTS, format: input.format });
}
