/**
 * Deterministic synthetic market data for the storage benchmark: a CSV file of trades and
 * quotes, time-ordered, as an exchange feed would deliver it, read into `MarketRecord`s by the
 * pipeline's own CSV reader and normaliser (so record ids, sizes and enrichment are the real
 * ones, and so is every stored byte).
 */
import { CsvReader } from '../functions/lib/ingest/csv-reader';
import { RecordNormaliser } from '../functions/lib/ingest/record-normaliser';
import { newResultSink } from '../functions/lib/ingest/result-sink';
import type { MarketRecord } from '../functions/lib/domain/types';

/** Shape of the generated data. */
export interface MarketDataShape {
  readonly rows: number;
  /** Distinct symbols, round-robin-ish with random picks. Default 20. */
  readonly symbols?: number;
  /** Minutes the rows are spread over. Default 10. */
  readonly minutes?: number;
  /** Share of rows that are trades (the rest are quotes). Default 0.7. */
  readonly tradeShare?: number;
  /** First minute (UTC, on a regular-session weekday). Default 2026-11-24T15:00:00.000Z. */
  readonly startMs?: number;
  /** PRNG seed. Default 42. */
  readonly seed?: number;
}

/** CSV header of the generated file (snake_case aliases on purpose: the reader maps them). */
export const CSV_HEADER = 'symbol,timestamp,type,price,size,bid,ask,bid_size,ask_size,exchange,trade_id';

/** Small, fast, seedable PRNG (mulberry32); the same seed gives the same file everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Symbols `SYM00`, `SYM01`, ... (valid per the contract). */
export function symbolNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `SYM${String(i).padStart(2, '0')}`);
}

/**
 * A CSV of `rows` data rows, timestamps non-decreasing and evenly spread over `minutes`.
 * Trades carry a trade id on even rows (ids from both rules: trade id and source + line).
 */
export function generateCsv(shape: MarketDataShape): string {
  const random = mulberry32(shape.seed ?? 42);
  const symbols = symbolNames(shape.symbols ?? 20);
  const minutes = shape.minutes ?? 10;
  const tradeShare = shape.tradeShare ?? 0.7;
  const start = shape.startMs ?? Date.parse('2026-11-24T15:00:00.000Z');
  const stepMs = (minutes * 60_000) / shape.rows;
  const mids = symbols.map((_, i) => 50 + i * 7.25);
  const lines = [CSV_HEADER];
  for (let row = 0; row < shape.rows; row++) {
    const s = Math.floor(random() * symbols.length);
    mids[s] = Math.max(1, mids[s] + (random() - 0.5) * 0.1);
    const ts = new Date(start + Math.floor(row * stepMs)).toISOString();
    const exchange = random() < 0.5 ? 'XNAS' : 'XNYS';
    if (random() < tradeShare) {
      const price = (mids[s] + (random() - 0.5) * 0.02).toFixed(2);
      const size = 1 + Math.floor(random() * 500);
      const tradeId = row % 2 === 0 ? `T${row}` : '';
      lines.push(`${symbols[s]},${ts},trade,${price},${size},,,,,${exchange},${tradeId}`);
    } else {
      const bid = (mids[s] - 0.01).toFixed(2);
      const ask = (mids[s] + 0.01).toFixed(2);
      lines.push(
        `${symbols[s]},${ts},quote,,,${bid},${ask},` +
          `${100 * (1 + Math.floor(random() * 9))},${100 * (1 + Math.floor(random() * 9))},${exchange},`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Reads `csv` with the pipeline's CSV reader as the Validate step would for an object at
 * `uri`. Throws when any row is rejected: generated data must be entirely valid.
 */
export function readMarketRecords(csv: string, uri: string, region: string): MarketRecord[] {
  const normaliser = new RecordNormaliser({
    source: { kind: 's3', uri, versionId: 'bench-v1' },
    originRegion: region,
    now: Date.now(),
  });
  const reader = new CsvReader(normaliser);
  const sink = newResultSink();
  reader.feed(csv, sink);
  reader.finish(sink);
  if (sink.rejects.length > 0) {
    const first = sink.rejects[0];
    throw new Error(
      `generated data rejected by the data path: ${sink.rejects.length} rows, ` +
        `first line ${first.line} ${first.reason}: ${first.message}`,
    );
  }
  return sink.records;
}
