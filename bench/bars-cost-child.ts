/**
 * Child-process entry of the `bars` section: one symbol with 1,000, 10,000 and 50,000 trades
 * in one minute, stored in stream batches of BARS_BATCH_SIZE and each batch delivered right
 * after it is stored (the stream follows the table), through
 * - the bars handler (partial bars), `runs` times per size, and
 * - the old recompute design (bench/bars-recompute-baseline.ts), once per size,
 * both against the counting client (DynamoDB's read and write billing). Prints
 * `BENCH_RESULT <json>` as its last line.
 *
 * Usage: tsx bench/bars-cost-child.ts [--runs N] [--sizes 1000,10000,50000]
 */
import { parseArgs } from 'node:util';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { BARS_BATCH_SIZE, TABLE } from '../contract';
import { handler as barsHandler } from '../functions/bars/index';
import { recordItem } from '../functions/lib/store/items';
import type { TradeRecord } from '../functions/lib/domain/types';
import { deliverable, lambdaContext, withStandIns } from './bars-stream';
import { recomputeBaselineHandler } from './bars-recompute-baseline';
import { CountingDynamoClient, PIPELINE_TABLE } from './counting-client';
import { summarize, type Summary } from './stats';

const REGION = process.env.PIPELINE_REGION ?? 'us-east-1';
/**
 * The minute of the trades: the first minute of the next 5-minute window, so no update counts as
 * late (late updates also move the partial in the change index: 2 more write units each).
 */
const MINUTE = new Date((Math.floor(Date.now() / 300_000) + 1) * 300_000).toISOString();

/** What one design cost over one minute of trades. */
export interface DesignRun {
  readonly readUnitsPerTrade: number;
  /** Query pages per trade (1 MB each at most). */
  readonly queryPagesPerTrade: number;
  /** Bar item writes per (symbol, minute) per batch: the largest over the batches. */
  readonly barWritesPerBatchMax: number;
  /** Write units per trade (bar items, time-series index included). */
  readonly writeUnitsPerTrade: number;
  /** Handler CPU (user + system) per trade, µs, stand-in table included. */
  readonly cpuMicrosPerTrade: number;
  /** Handler CPU for the whole minute, ms. */
  readonly cpuMsPerMinute: number;
}

/** Both designs at one size. */
export interface SizeFigures {
  readonly tradesPerMinute: number;
  readonly batches: number;
  readonly partial: { readonly runs: DesignRun[]; readonly cpuMicrosPerTrade: Summary };
  readonly baseline: DesignRun;
}

/** What the child prints. */
export interface BarsCostResult {
  readonly batchSize: number;
  readonly sizes: SizeFigures[];
  /** Median per-trade handler time at the largest size / at the smallest (partial bars). */
  readonly timePerTradeRatio: number;
  /** The same for the old design. */
  readonly baselineTimePerTradeRatio: number;
}

function minuteOfTrades(count: number): ReturnType<typeof recordItem>[] {
  return Array.from({ length: count }, (_, i) => {
    const epochMs = Date.parse(MINUTE) + Math.floor((i * 60_000) / count);
    const t: TradeRecord = {
      type: 'trade',
      recordId: `t-AAPL-XNAS-${i}`,
      symbol: 'AAPL',
      timestamp: new Date(epochMs).toISOString(),
      epochMs,
      minute: MINUTE,
      session: 'regular',
      exchange: 'XNAS',
      tradeId: String(i),
      price: `${187 + (i % 113) / 100}`,
      size: 1 + ((i * 7) % 500),
      notional: '0',
      source: { kind: 's3', uri: 's3://bench-ingest/incoming/bench.csv', versionId: 'v1', line: i + 2 },
      originRegion: REGION,
    };
    return recordItem(t);
  });
}

type Invoke = (records: DynamoDBRecord[]) => Promise<DynamoDBBatchResponse>;

async function runDesign(count: number, invoke: Invoke, filter: (records: DynamoDBRecord[]) => DynamoDBRecord[]) {
  const table = new CountingDynamoClient(PIPELINE_TABLE, { stream: true });
  const items = minuteOfTrades(count);
  let readUnits = 0;
  let pages = 0;
  let writeUnits = 0;
  let writesMax = 0;
  let cpuMicros = 0;
  await withStandIns(table, async () => {
    let position = 0;
    for (let i = 0; i < items.length; i += BARS_BATCH_SIZE) {
      table.seed(items.slice(i, i + BARS_BATCH_SIZE));
      const records = filter(table.stream.slice(position));
      position = table.stream.length;
      table.resetCounts();
      const started = process.cpuUsage();
      const response = await invoke(records);
      const used = process.cpuUsage(started);
      cpuMicros += used.user + used.system;
      if (response.batchItemFailures.length > 0) throw new Error('bars handler reported failures');
      const totals = table.totals();
      readUnits += totals.readUnits;
      pages += totals.queryPages;
      writeUnits += totals.writeUnits;
      writesMax = Math.max(writesMax, table.writes.filter((w) => w.pk.startsWith(TABLE.barKeyPrefix)).length);
    }
  });
  return {
    readUnitsPerTrade: readUnits / count,
    queryPagesPerTrade: pages / count,
    barWritesPerBatchMax: writesMax,
    writeUnitsPerTrade: writeUnits / count,
    cpuMicrosPerTrade: cpuMicros / count,
    cpuMsPerMinute: cpuMicros / 1000,
  };
}

const partialBars: Invoke = (records) => barsHandler({ Records: records }, lambdaContext('bars', REGION));
const baseline: Invoke = (records) => recomputeBaselineHandler({ Records: records }, 'bench-table');
const trades = (records: DynamoDBRecord[]): DynamoDBRecord[] =>
  records.filter((r) => r.dynamodb?.Keys?.pk?.S?.startsWith(TABLE.recordKeyPrefix));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, sizes: { type: 'string' } } });
  const runs = Number(values.runs ?? 3);
  const sizes = (values.sizes ?? '1000,10000,50000').split(',').map(Number);
  // Warm up both code paths so the first size does not pay for JIT and module loading.
  await runDesign(1000, partialBars, (r) => deliverable(r, REGION));
  await runDesign(1000, baseline, trades);
  const figures: SizeFigures[] = [];
  for (const size of sizes) {
    const partialRuns: DesignRun[] = [];
    for (let run = 0; run < runs; run++)
      partialRuns.push(await runDesign(size, partialBars, (r) => deliverable(r, REGION)));
    process.stderr.write(`bars: ${size} trades/minute, partial bars measured\n`);
    const base = await runDesign(size, baseline, trades);
    process.stderr.write(`bars: ${size} trades/minute, old recompute measured\n`);
    figures.push({
      tradesPerMinute: size,
      batches: Math.ceil(size / BARS_BATCH_SIZE),
      partial: { runs: partialRuns, cpuMicrosPerTrade: summarize(partialRuns.map((r) => r.cpuMicrosPerTrade)) },
      baseline: base,
    });
  }
  const first = figures[0];
  const last = figures[figures.length - 1];
  const result: BarsCostResult = {
    batchSize: BARS_BATCH_SIZE,
    sizes: figures,
    timePerTradeRatio: last.partial.cpuMicrosPerTrade.median / first.partial.cpuMicrosPerTrade.median,
    baselineTimePerTradeRatio: last.baseline.cpuMicrosPerTrade / first.baseline.cpuMicrosPerTrade,
  };
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
