/**
 * Measures the local run at scale: generates an N-row trades CSV (default 100 000: 50 symbols
 * over 10 minutes, four hot ones taking half the trades), uploads it to a fresh local pipeline
 * and times the file workflow (validate → store chunks ‖ archive → notify) alone, then the
 * stream → bars stage until idle, then reconciles every bar against the stored trades (drift
 * must be 0). The workflow time is the same run without the bars stage.
 *
 *   npx tsx bench/emulator-throughput.ts [rows]       # prints one JSON line on stdout
 *
 * A measurement, not a test: it takes minutes at 100 000 rows on a 2-core machine.
 */
import { loadConfig } from '../config';
import { startEmulator } from '../local/emulator';
import { LocalPipeline } from '../local/local-pipeline';
import { countStoredRecords } from '../local/run-report';

/** Symbols that take half of all trades. */
export const HOT_SYMBOLS = ['AAPL', 'NVDA', 'SPY', 'TSLA'] as const;
/** Every symbol of the generated file: the hot ones and 46 others. */
export const THROUGHPUT_SYMBOLS: readonly string[] = [
  ...HOT_SYMBOLS,
  ...Array.from({ length: 46 }, (_, i) => `SYM${String(i + 1).padStart(2, '0')}`),
];

/**
 * A deterministic CSV of `rows` trades over 50 symbols and 10 minutes of one session: every
 * other trade is one of the four hot symbols, the rest spread over the other 46.
 */
export function generateTradesCsv(rows: number): string {
  const symbols = THROUGHPUT_SYMBOLS;
  const others = symbols.length - HOT_SYMBOLS.length;
  const start = Date.parse('2026-03-10T14:30:00.000Z');
  const lines = ['symbol,timestamp,price,size,exchange,tradeId'];
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < rows; i++) {
    const symbol =
      i % 2 === 0 ? HOT_SYMBOLS[(i / 2) % HOT_SYMBOLS.length] : symbols[HOT_SYMBOLS.length + (((i - 1) / 2) % others)];
    const cents = 10_000 + Math.floor(random() * 50_000);
    const timestamp = new Date(start + Math.floor((i / rows) * 10 * 60_000)).toISOString();
    lines.push(
      `${symbol},${timestamp},${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')},` +
        `${1 + Math.floor(random() * 500)},XNAS,P${i}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 100_000);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`rows must be a positive integer, got ${process.argv[2]}`);
  const log = (message: string): void => void process.stderr.write(`[throughput] ${message}\n`);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const emulator = await startEmulator({ log });
  try {
    process.env.AWS_ENDPOINT_URL = emulator.endpoint;
    if (emulator.origin !== 'external') {
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
    }
    const config = loadConfig('dev', { namePrefix: 'throughput' }, {});
    const pipeline = await LocalPipeline.create({ config, log });
    const csv = generateTradesCsv(rows);
    log(`generated ${rows} rows (${(csv.length / 1e6).toFixed(1)} MB)`);

    const started = Date.now();
    await pipeline.uploadFile(`throughput-${rows}.csv`, csv);
    // Stage 1: the file workflow alone (the stream is read afterwards).
    while ((await pipeline.workflows.runPending()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const workflowSeconds = (Date.now() - started) / 1000;
    const run = pipeline.workflows.finished[0];
    const stored = await countStoredRecords(pipeline.clients.dynamodb, pipeline.resources.tableName);
    log(`workflow ${run.status} in ${workflowSeconds.toFixed(1)} s: ${stored} records stored`);
    // Stage 2: stream → bars until idle.
    const barsStarted = Date.now();
    const drained = await pipeline.drain(30 * 60_000);
    const barsSeconds = (Date.now() - barsStarted) / 1000;
    const totalSeconds = (Date.now() - started) / 1000;
    const report = await pipeline.report();
    process.stdout.write(
      `${JSON.stringify({
        rows,
        status: run.status,
        stored,
        bars: report.bars.length,
        drift: report.drift.differences,
        abandonedStreamRecords: pipeline.stream.abandoned.reduce((sum, b) => sum + b.records, 0),
        streamRecords: drained.streamRecords,
        workflowSeconds,
        workflowRecordsPerSecond: Math.round(stored / workflowSeconds),
        barsSeconds,
        totalSeconds,
        endToEndRecordsPerSecond: Math.round(stored / totalSeconds),
      })}\n`,
    );
  } finally {
    await emulator.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`throughput: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
