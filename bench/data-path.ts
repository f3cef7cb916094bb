/**
 * Throughput of the data path (parse → validate → normalise → enrich, ids included) on in-memory
 * bytes, one core, no I/O, against two references on the same bytes:
 *
 * - floor: the least any reader must do (CSV: split every line into fields; NDJSON: JSON.parse
 *   every line);
 * - naive: the straightforward pipeline (csv-parse with `columns` / JSON.parse per line, a zod
 *   schema, plain objects; timestamps through `Date`, the session through one reused
 *   `Intl.DateTimeFormat`, notional through floats).
 *
 * Run: `npx tsx bench/data-path.ts [rows] [runs]`.
 */
import { parse as csvParse } from 'csv-parse/sync';
import { z } from 'zod';
import { RowProcessor, type DataPathOptions } from '../functions/lib/ingest/data-path';
import { mulberry32 } from './market-data';

/** Rows per second over the runs. */
export interface RateStats {
  median: number;
  min: number;
  max: number;
}

/** Our pipeline, the floor and the naive pipeline on one format. */
export interface FormatMeasurement {
  rowsPerSec: RateStats;
  floor: RateStats;
  naive: RateStats;
  /** rows in the generated input and its size in bytes */
  rows: number;
  bytes: number;
}

export interface DataPathMeasurement {
  csv: FormatMeasurement;
  ndjson: FormatMeasurement;
}

const SYMBOLS = [
  'AAPL',
  'MSFT',
  'NVDA',
  'AMZN',
  'GOOGL',
  'META',
  'TSLA',
  'BRK.B',
  'JPM',
  'V',
  'XOM',
  'UNH',
  'SPY',
  'QQQ',
  'IWM',
  'AMD',
];
const EXCHANGES = ['XNAS', 'XNYS', 'ARCX', 'BATS', 'EDGX'];
// What an S3 GetObject body stream typically yields per chunk.
const CHUNK_BYTES = 64 * 1024;

interface GeneratedRow {
  symbol: string;
  timestamp: string;
  trade: boolean;
  price: string;
  size: number;
  bid: string;
  ask: string;
  bidSize: number;
  askSize: number;
  exchange: string;
  tradeId: string;
}

function* generateRows(count: number): Generator<GeneratedRow> {
  const random = mulberry32(42);
  const prices = SYMBOLS.map((_, i) => 20 + i * 37.5);
  // A trading day starting 13:30 UTC (09:30 New York, EDT), a few ms between rows.
  let t = Date.parse('2024-06-03T13:30:00.000Z');
  for (let i = 0; i < count; i++) {
    const s = Math.floor(random() * SYMBOLS.length);
    prices[s] = Math.max(1, prices[s] * (1 + (random() - 0.5) * 0.001));
    t += Math.floor(random() * 8);
    const cents = Math.round(prices[s] * 100);
    const trade = random() < 0.6;
    const spread = 1 + Math.floor(random() * 4);
    yield {
      symbol: SYMBOLS[s],
      timestamp: new Date(t).toISOString(),
      trade,
      price: (cents / 100).toFixed(2),
      size: 1 + Math.floor(random() * 500),
      bid: (cents / 100).toFixed(2),
      ask: ((cents + spread) / 100).toFixed(2),
      bidSize: Math.floor(random() * 2000),
      askSize: Math.floor(random() * 2000),
      exchange: EXCHANGES[Math.floor(random() * EXCHANGES.length)],
      tradeId: trade && random() < 0.5 ? `T${1000000 + i}` : '',
    };
  }
}

/** CSV with a header; trades and quotes mixed, empty cells for the other type's columns. */
export function generateCsv(rows: number): string {
  const lines = ['symbol,timestamp,type,price,size,bid,ask,bid_size,ask_size,exchange,trade_id'];
  for (const r of generateRows(rows)) {
    lines.push(
      r.trade
        ? `${r.symbol},${r.timestamp},trade,${r.price},${r.size},,,,,${r.exchange},${r.tradeId}`
        : `${r.symbol},${r.timestamp},quote,,,${r.bid},${r.ask},${r.bidSize},${r.askSize},${r.exchange},`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** NDJSON, one object per line with only the keys of its type. */
export function generateNdjson(rows: number): string {
  const lines: string[] = [];
  for (const r of generateRows(rows)) {
    lines.push(
      JSON.stringify(
        r.trade
          ? {
              symbol: r.symbol,
              timestamp: r.timestamp,
              type: 'trade',
              price: r.price,
              size: r.size,
              exchange: r.exchange,
              ...(r.tradeId ? { tradeId: r.tradeId } : {}),
            }
          : {
              symbol: r.symbol,
              timestamp: r.timestamp,
              type: 'quote',
              bid: r.bid,
              ask: r.ask,
              bidSize: r.bidSize,
              askSize: r.askSize,
              exchange: r.exchange,
            },
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

const OPTIONS: Omit<DataPathOptions, 'format'> = {
  source: { kind: 's3', uri: 's3://bench-bucket/incoming/bench', versionId: 'v1' },
  originRegion: 'us-east-1',
  now: Date.parse('2030-01-01T00:00:00Z'),
};

/** Ours: bytes pushed in 1 MiB chunks, every record and reject collected. */
function runOurs(bytes: Uint8Array, format: 'csv' | 'ndjson'): number {
  const processor = new RowProcessor({ ...OPTIONS, format });
  let n = 0;
  for (let off = 0; off < bytes.length; off += CHUNK_BYTES) {
    const r = processor.push(bytes.subarray(off, off + CHUNK_BYTES));
    n += r.records.length + r.rejects.length;
  }
  const r = processor.end();
  return n + r.records.length + r.rejects.length;
}

function floorCsv(bytes: Uint8Array): number {
  const lines = new TextDecoder().decode(bytes).split('\n');
  let fields = 0;
  for (let i = 1; i < lines.length; i++) if (lines[i].length > 0) fields += lines[i].split(',').length;
  return fields > 0 ? lines.length - 2 : 0;
}

function floorNdjson(bytes: Uint8Array): number {
  const lines = new TextDecoder().decode(bytes).split('\n');
  let n = 0;
  for (const line of lines) if (line.length > 0 && JSON.parse(line) !== null) n++;
  return n;
}

const decimalString = z.string().regex(/^\d+(\.\d+)?$/);
const intLike = z.coerce.number().int().nonnegative();
const naiveSchema = z.object({
  symbol: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.string().regex(/^[A-Z][A-Z0-9.-]{0,11}$/)),
  timestamp: z.string().min(1),
  type: z.enum(['trade', 'quote']),
  price: z.union([decimalString, z.number()]).optional(),
  size: intLike.optional(),
  bid: z.union([decimalString, z.number()]).optional(),
  ask: z.union([decimalString, z.number()]).optional(),
  bidSize: intLike.optional(),
  askSize: intLike.optional(),
  exchange: z.string().optional(),
  tradeId: z.string().optional(),
});

const nyParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hour12: false,
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

function naiveRecord(input: Record<string, unknown>, line: number): unknown {
  const parsed = naiveSchema.safeParse(input);
  if (!parsed.success) return { line, reason: 'INVALID', message: parsed.error.message };
  const v = parsed.data;
  const date = new Date(v.timestamp);
  if (Number.isNaN(date.getTime())) return { line, reason: 'INVALID_TIMESTAMP' };
  const iso = date.toISOString();
  const parts = nyParts.formatToParts(date);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  const weekday = parts.find((p) => p.type === 'weekday')?.value;
  const m = hour * 60 + minute;
  const session =
    weekday === 'Sat' || weekday === 'Sun'
      ? 'closed'
      : m >= 240 && m < 570
        ? 'pre'
        : m < 960 && m >= 570
          ? 'regular'
          : m >= 960 && m < 1200
            ? 'post'
            : 'closed';
  const base = {
    recordId: v.tradeId ? `t-${v.symbol}-${v.tradeId}` : `f-bench-${line}`,
    symbol: v.symbol,
    timestamp: iso,
    epochMs: date.getTime(),
    minute: `${iso.slice(0, 16)}:00.000Z`,
    session,
    source: { kind: 's3', uri: OPTIONS.source.uri, line },
    originRegion: OPTIONS.originRegion,
  };
  if (v.type === 'trade') {
    const price = Number(v.price);
    return { ...base, type: 'trade', price: String(price), size: v.size, notional: String(price * (v.size ?? 0)) };
  }
  const bid = Number(v.bid);
  const ask = Number(v.ask);
  const mid = (bid + ask) / 2;
  return {
    ...base,
    type: 'quote',
    bid: String(bid),
    ask: String(ask),
    bidSize: v.bidSize,
    askSize: v.askSize,
    mid: String(mid),
    spread: String(ask - bid),
    spreadBps: (((ask - bid) / mid) * 10000).toFixed(4),
  };
}

function naiveCsv(bytes: Uint8Array): number {
  const rows = csvParse<Record<string, string>>(bytes, { columns: true, skip_empty_lines: true });
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const input: Record<string, unknown> = {
      symbol: r.symbol,
      timestamp: r.timestamp,
      type: r.type,
      exchange: r.exchange || undefined,
      tradeId: r.trade_id || undefined,
    };
    if (r.price) input.price = r.price;
    if (r.size) input.size = r.size;
    if (r.bid) input.bid = r.bid;
    if (r.ask) input.ask = r.ask;
    if (r.bid_size) input.bidSize = r.bid_size;
    if (r.ask_size) input.askSize = r.ask_size;
    if (naiveRecord(input, i + 2)) n++;
  }
  return n;
}

function naiveNdjson(bytes: Uint8Array): number {
  const lines = new TextDecoder().decode(bytes).split('\n');
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].length === 0) continue;
    if (naiveRecord(JSON.parse(lines[i]) as Record<string, unknown>, i + 1)) n++;
  }
  return n;
}

function stats(values: number[]): RateStats {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}

function rate(run: () => number, rows: number, runs: number): RateStats {
  const rates: number[] = [];
  run(); // warm-up (JIT)
  for (let k = 0; k < runs; k++) {
    // CPU time of this process, not wall time: the machines this runs on are shared, and CPU
    // time is what "one core" means. (It includes GC helper threads, which only makes it stricter.)
    const start = process.cpuUsage();
    const n = run();
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    if (n < rows * 0.99) throw new Error(`benchmark run produced ${n} of ${rows} rows`);
    rates.push(rows / seconds);
  }
  return stats(rates);
}

/** Measures ours, the floor and the naive pipeline on generated CSV and NDJSON. */
export function measureDataPath(opts: { rows?: number; runs?: number } = {}): Promise<DataPathMeasurement> {
  // Synchronous work; a throw in the executor rejects the promise, as it would in an async function.
  return new Promise((resolve) => resolve(measureNow(opts)));
}

function measureNow(opts: { rows?: number; runs?: number }): DataPathMeasurement {
  const rows = opts.rows ?? 300_000;
  const runs = opts.runs ?? 5;
  const encoder = new TextEncoder();
  const csvBytes = encoder.encode(generateCsv(rows));
  const ndjsonBytes = encoder.encode(generateNdjson(rows));
  const naiveRuns = Math.max(1, Math.min(runs, 3));
  return {
    csv: {
      rowsPerSec: rate(() => runOurs(csvBytes, 'csv'), rows, runs),
      floor: rate(() => floorCsv(csvBytes), rows, runs),
      naive: rate(() => naiveCsv(csvBytes), rows, naiveRuns),
      rows,
      bytes: csvBytes.length,
    },
    ndjson: {
      rowsPerSec: rate(() => runOurs(ndjsonBytes, 'ndjson'), rows, runs),
      floor: rate(() => floorNdjson(ndjsonBytes), rows, runs),
      naive: rate(() => naiveNdjson(ndjsonBytes), rows, naiveRuns),
      rows,
      bytes: ndjsonBytes.length,
    },
  };
}

function fmt(n: number): string {
  return `${(n / 1e6).toFixed(2)} M/s`;
}

if (require.main === module) {
  const rows = Number(process.argv[2] ?? 300_000);
  const runs = Number(process.argv[3] ?? 5);
  void measureDataPath({ rows, runs }).then((m) => {
    console.log(`rows per run: ${rows}, runs: ${runs} (median [min-max])`);
    console.log(
      'format  ours                         floor                        naive                        ' +
        'ours/floor  ours/naive',
    );
    for (const [name, f] of [
      ['csv', m.csv],
      ['ndjson', m.ndjson],
    ] as const) {
      const cell = (s: RateStats) => `${fmt(s.median)} [${fmt(s.min)}-${fmt(s.max)}]`.padEnd(29);
      const ofFloor = ((f.rowsPerSec.median / f.floor.median) * 100).toFixed(0).padStart(9);
      const ofNaive = (f.rowsPerSec.median / f.naive.median).toFixed(1).padStart(8);
      console.log(`${name.padEnd(8)}${cell(f.rowsPerSec)}${cell(f.floor)}${cell(f.naive)}${ofFloor}%  ${ofNaive}x`);
    }
  });
}
