/**
 * A realistic trading day as files: trades and quotes of a regular US session (09:30-16:00 New
 * York) for ~500 symbols whose activity is skewed as real markets are (a Zipf law: the few most
 * active symbols carry most of the prints), as the vendors ship them: trades in gzipped CSV,
 * quotes in NDJSON (the afternoon gzipped), with a small share of bad rows of every kind. The
 * minute bars of its valid trades are computed on the way (bench/reference-bars.ts), so a run
 * over these files can be checked for exact bars without trusting the pipeline's own code.
 *
 * Deterministic (bench/market-data's mulberry32): the same shape gives the same bytes. Written
 * as a stream (memory stays flat in the number of rows).
 *
 *   npx tsx bench/trading-day.ts --rows 1000000 [--out dir]   # prints the day's summary as JSON
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createGzip, type Gzip } from 'node:zlib';
import type { MinuteBar } from '../functions/lib/domain/types';
import { mulberry32 } from './market-data';
import { ReferenceBars } from './reference-bars';

/** Shape of a generated day. */
export interface TradingDayShape {
  /** Data rows in all files together (trades + quotes + bad rows). */
  readonly rows: number;
  /** Distinct symbols. Default 500. */
  readonly symbols?: number;
  /** Zipf exponent of the symbols' activity. Default 1.1 (the top 10 of 500 carry ~40% of rows). */
  readonly skew?: number;
  /** Share of rows that are trades. Default 0.6. */
  readonly tradeShare?: number;
  /** Share of rows that are bad (each of six kinds in turn). Default 0.0005. */
  readonly badShare?: number;
  /** Session date (a weekday; the session is 13:30-20:00 UTC while New York is on EDT). Default 2026-03-10. */
  readonly date?: string;
  readonly seed?: number;
}

/** One written file. */
export interface DayFile {
  readonly path: string;
  /** Data rows in it (header excluded). */
  readonly rows: number;
}

/** What was generated. */
export interface TradingDay {
  readonly files: readonly DayFile[];
  readonly rows: number;
  readonly trades: number;
  readonly quotes: number;
  /** Bad rows written, by the reason code the pipeline must reject them with. */
  readonly rejects: Readonly<Record<string, number>>;
  /** Share of trades carried by the 10 most active symbols. */
  readonly top10TradeShare: number;
  /** Minute bars of the valid trades, computed independently of the pipeline. */
  readonly bars: MinuteBar[];
}

/** Bad rows, in turn: what each one breaks and the reason it must be rejected with. */
const BAD_ROWS = [
  'INVALID_PRICE',
  'INVALID_TIMESTAMP',
  'CROSSED_QUOTE',
  'INVALID_SYMBOL',
  'INVALID_SIZE',
  'MISSING_FIELD',
] as const;

const CSV_HEADER = 'symbol,timestamp,price,size,exchange,trade_id';
const EXCHANGES = ['XNAS', 'XNYS', 'ARCX', 'BATS', 'EDGX', 'IEXG'];
const SESSION_MS = 6.5 * 60 * 60_000;

/** Symbols `A`, `B`, ..., `AA`, ... (valid tickers, deterministic). */
export function tickers(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    let name = '';
    for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    return name;
  });
}

/** A file written line by line, gzipped when its name ends in .gz, honouring backpressure. */
export class LineFile {
  rows = 0;
  private readonly out: WriteStream;
  private readonly sink: Gzip | WriteStream;
  private buffer: string[] = [];

  constructor(
    readonly path: string,
    header?: string,
  ) {
    this.out = createWriteStream(path);
    if (path.endsWith('.gz')) {
      const gzip = createGzip({ level: 6 });
      gzip.pipe(this.out);
      this.sink = gzip;
    } else {
      this.sink = this.out;
    }
    if (header) this.buffer.push(header);
  }

  async write(line: string, isRow = true): Promise<void> {
    this.buffer.push(line);
    if (isRow) this.rows++;
    if (this.buffer.length >= 2000) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const text = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    if (!this.sink.write(text)) await once(this.sink, 'drain');
  }

  async close(): Promise<DayFile> {
    await this.flush();
    const finished = once(this.out, 'finish');
    this.sink.end();
    await finished;
    return { path: this.path, rows: this.rows };
  }
}

/** Writes a day of `shape` into `dir` (created if needed) and returns what it holds. */
export async function writeTradingDay(dir: string, shape: TradingDayShape): Promise<TradingDay> {
  mkdirSync(dir, { recursive: true });
  const random = mulberry32(shape.seed ?? 20260310);
  const symbols = tickers(shape.symbols ?? 500);
  const date = shape.date ?? '2026-03-10';
  const start = Date.parse(`${date}T13:30:00.000Z`);
  const tradeShare = shape.tradeShare ?? 0.6;
  const badShare = shape.badShare ?? 0.0005;

  // Zipf weights as a cumulative distribution, searched by bisection per row.
  const weights = symbols.map((_, i) => 1 / Math.pow(i + 1, shape.skew ?? 1.1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w / total), 0);
  const pick = (): number => {
    const r = random();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const mids = symbols.map((_, i) => 20 + ((i * 37) % 480) + 0.5);
  const lastAt = symbols.map(() => 0);
  const tradeCounts = symbols.map(() => 0);
  const files = {
    tradesAm: new LineFile(join(dir, `trades-${date}-am.csv.gz`), CSV_HEADER),
    tradesPm: new LineFile(join(dir, `trades-${date}-pm.csv.gz`), CSV_HEADER),
    quotesAm: new LineFile(join(dir, `quotes-${date}-am.ndjson`)),
    quotesPm: new LineFile(join(dir, `quotes-${date}-pm.ndjson.gz`)),
  };
  const reference = new ReferenceBars();
  const rejects: Record<string, number> = {};
  let trades = 0;
  let quotes = 0;
  let bad = 0;

  for (let row = 0; row < shape.rows; row++) {
    const s = pick();
    const symbol = symbols[s];
    // Non-decreasing session time; strictly increasing per symbol, so no two of its trades tie.
    const at = Math.max(start + Math.floor((row * SESSION_MS) / shape.rows), lastAt[s] + 1);
    lastAt[s] = at;
    const timestamp = new Date(at).toISOString();
    const afternoon = at - start >= SESSION_MS / 2;
    mids[s] = Math.max(1, mids[s] * (1 + (random() - 0.5) * 0.0004));
    const exchange = EXCHANGES[Math.floor(random() * EXCHANGES.length)];
    const isTrade = random() < tradeShare;
    const badKind = random() < badShare ? BAD_ROWS[bad % BAD_ROWS.length] : undefined;

    if (isTrade || badKind === 'INVALID_PRICE' || badKind === 'INVALID_SIZE' || badKind === 'MISSING_FIELD') {
      const file = afternoon ? files.tradesPm : files.tradesAm;
      const price = (mids[s] + (random() - 0.5) * 0.04).toFixed(2);
      const size = 1 + Math.floor(Math.pow(random(), 3) * 2000);
      const tradeId = `${exchange}${String(row).padStart(9, '0')}`;
      if (badKind && badKind !== 'CROSSED_QUOTE') {
        bad++;
        rejects[badKind] = (rejects[badKind] ?? 0) + 1;
        const line =
          badKind === 'INVALID_PRICE'
            ? `${symbol},${timestamp},-${price},${size},${exchange},${tradeId}`
            : badKind === 'INVALID_SIZE'
              ? `${symbol},${timestamp},${price},0,${exchange},${tradeId}`
              : badKind === 'MISSING_FIELD'
                ? `${symbol},${timestamp},,${size},${exchange},${tradeId}`
                : badKind === 'INVALID_TIMESTAMP'
                  ? `${symbol},${timestamp.slice(0, 10)} 25:61:00,${price},${size},${exchange},${tradeId}`
                  : `${symbol.toLowerCase()} ${symbol},${timestamp},${price},${size},${exchange},${tradeId}`;
        await file.write(line);
        continue;
      }
      await file.write(`${symbol},${timestamp},${price},${size},${exchange},${tradeId}`);
      reference.add({ symbol, timestamp, price, size });
      tradeCounts[s]++;
      trades++;
    } else {
      const file = afternoon ? files.quotesPm : files.quotesAm;
      const half = 0.01 + Math.floor(random() * 3) * 0.01;
      let bid = (mids[s] - half).toFixed(2);
      let ask = (mids[s] + half).toFixed(2);
      const quote: Record<string, unknown> = {
        symbol,
        ts: timestamp,
        bid,
        ask,
        bid_size: 100 * (1 + Math.floor(random() * 20)),
        ask_size: 100 * (1 + Math.floor(random() * 20)),
        exch: exchange,
      };
      if (badKind) {
        bad++;
        rejects[badKind] = (rejects[badKind] ?? 0) + 1;
        if (badKind === 'CROSSED_QUOTE') [bid, ask] = [ask, bid];
        if (badKind === 'INVALID_TIMESTAMP') quote.ts = '10/03/2026 14:30';
        if (badKind === 'INVALID_SYMBOL') quote.symbol = `${symbol}$`;
        Object.assign(quote, { bid, ask });
      } else {
        quotes++;
      }
      await file.write(JSON.stringify(quote));
    }
  }

  const written = await Promise.all(Object.values(files).map((file) => file.close()));
  const top10 = [...tradeCounts].sort((a, b) => b - a).slice(0, 10);
  return {
    files: written.filter((file) => file.rows > 0),
    rows: shape.rows,
    trades,
    quotes,
    rejects,
    top10TradeShare: trades === 0 ? 0 : top10.reduce((a, b) => a + b, 0) / trades,
    bars: reference.bars(),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '1000000' }, out: { type: 'string' } },
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, got ${values.rows}`);
  const dir = values.out ?? join(__dirname, 'out', `day-${rows}`);
  const day = await writeTradingDay(dir, { rows });
  const { bars, ...summary } = day;
  process.stdout.write(`${JSON.stringify({ ...summary, bars: bars.length })}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`trading-day: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
