/**
 * Peak memory of the file parser on a large input: streams a generated CSV or NDJSON file (never
 * written to disk) through `processStream` in S3-sized chunks and prints the peak RSS and heap
 * against the baseline, plus throughput and row accounting (every row must come out as a record
 * or a reject).
 *
 *   npx tsx bench/parser-memory.ts [--mb 1024] [--format csv|ndjson] [--chunk-kb 64] [--json]
 *   node --expose-gc --import tsx bench/parser-memory.ts ...   # also reports heap retained after GC
 */
import { processStream } from '../functions/lib/ingest/data-path';
import type { InputFormat } from '../functions/lib/domain/types';

/** What one run measured. */
export interface ParserMemoryReport {
  readonly format: InputFormat;
  readonly bytes: number;
  readonly rows: number;
  readonly records: number;
  readonly rejects: number;
  /** Rows generated invalid on purpose (every 1000th), all of which must be rejects. */
  readonly expectedRejects: number;
  readonly seconds: number;
  readonly mbPerSecond: number;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly baselineHeapMb: number;
  readonly peakHeapMb: number;
  /** Peak minus baseline. */
  readonly rssGrowthMb: number;
  readonly heapGrowthMb: number;
  /**
   * Heap still used after the run and a full GC, minus the baseline: what the parser kept.
   * Only measured when GC is exposed (`node --expose-gc --import tsx ...`); otherwise null.
   */
  readonly retainedHeapMb: number | null;
}

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'TSLA', 'BRK.B', 'JPM', 'V'];
const BASE_MS = Date.parse('2024-03-01T14:30:00.000Z');

/** Row `i` of the generated file; every 1000th row has a negative price (INVALID_PRICE). */
function row(format: InputFormat, i: number): string {
  const symbol = SYMBOLS[i % SYMBOLS.length];
  const ts = new Date(BASE_MS + (i % 3_600_000)).toISOString();
  const cents = i % 5000;
  const price = i % 1000 === 999 ? '-1.00' : `${100 + Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const size = 1 + (i % 500);
  return format === 'csv'
    ? `${symbol},${ts},${price},${size},T${i}\n`
    : `{"symbol":"${symbol}","timestamp":"${ts}","price":"${price}","size":${size},"tradeId":"T${i}"}\n`;
}

/** Generates about `totalBytes` of input in chunks of about `chunkBytes`, counting rows as it goes. */
// eslint-disable-next-line @typescript-eslint/require-await -- processStream reads an AsyncIterable; nothing to await
async function* generate(
  format: InputFormat,
  totalBytes: number,
  chunkBytes: number,
  counter: { rows: number; bytes: number },
): AsyncGenerator<Uint8Array> {
  if (format === 'csv') {
    const header = Buffer.from('symbol,timestamp,price,size,tradeId\n');
    counter.bytes += header.length;
    yield header;
  }
  while (counter.bytes < totalBytes) {
    const parts: string[] = [];
    let size = 0;
    while (size < chunkBytes) {
      const text = row(format, counter.rows++);
      parts.push(text);
      size += text.length;
    }
    const chunk = Buffer.from(parts.join(''));
    counter.bytes += chunk.length;
    // Split rows across chunk boundaries the way S3 delivers bytes (at arbitrary offsets).
    const cut = chunk.length >> 1;
    yield chunk.subarray(0, cut);
    yield chunk.subarray(cut);
  }
}

/** Streams `mb` megabytes of generated `format` input through the parser and measures memory. */
export async function measureParserMemory(
  mb: number,
  format: InputFormat = 'csv',
  chunkKb = 64,
): Promise<ParserMemoryReport> {
  const toMb = (n: number): number => Math.round((n / 1024 / 1024) * 10) / 10;
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const counter = { rows: 0, bytes: 0 };
  let records = 0;
  let rejects = 0;
  let batches = 0;
  const started = process.hrtime.bigint();
  const source = generate(format, mb * 1024 * 1024, chunkKb * 1024, counter);
  for await (const result of processStream(source, {
    format,
    source: { kind: 's3', uri: 's3://memory-test/incoming/big' },
    originRegion: 'us-east-1',
    now: BASE_MS + 3_600_000,
  })) {
    // The consumer drops each batch after counting, as the validate step does after staging it.
    records += result.records.length;
    rejects += result.rejects.length;
    if (++batches % 64 === 0) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }
  }
  const final = process.memoryUsage();
  peakRss = Math.max(peakRss, final.rss);
  peakHeap = Math.max(peakHeap, final.heapUsed);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const retainedHeapMb = gc ? toMb(process.memoryUsage().heapUsed - baseline.heapUsed) : null;
  return {
    format,
    bytes: counter.bytes,
    rows: counter.rows,
    records,
    rejects,
    expectedRejects: Math.floor(counter.rows / 1000),
    seconds: Math.round(seconds * 100) / 100,
    mbPerSecond: Math.round((counter.bytes / 1024 / 1024 / seconds) * 10) / 10,
    baselineRssMb: toMb(baseline.rss),
    peakRssMb: toMb(peakRss),
    baselineHeapMb: toMb(baseline.heapUsed),
    peakHeapMb: toMb(peakHeap),
    rssGrowthMb: toMb(peakRss - baseline.rss),
    heapGrowthMb: toMb(peakHeap - baseline.heapUsed),
    retainedHeapMb,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const mb = Number(value('--mb', '1024'));
  const format = value('--format', 'csv') as InputFormat;
  const chunkKb = Number(value('--chunk-kb', '64'));
  if (
    !Number.isFinite(mb) ||
    mb <= 0 ||
    !['csv', 'ndjson'].includes(format) ||
    !Number.isFinite(chunkKb) ||
    chunkKb <= 0
  ) {
    throw new Error('usage: parser-memory [--mb N] [--format csv|ndjson] [--chunk-kb N] [--json]');
  }
  const report = await measureParserMemory(mb, format, chunkKb);
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    process.stdout.write(
      `${report.format}: ${(report.bytes / 1024 / 1024).toFixed(0)} MB, ${report.rows} rows -> ` +
        `${report.records} records + ${report.rejects} rejects in ${report.seconds} s (${report.mbPerSecond} MB/s)\n` +
        `peak RSS ${report.peakRssMb} MB (baseline ${report.baselineRssMb}, +${report.rssGrowthMb}); ` +
        `peak heap ${report.peakHeapMb} MB (baseline ${report.baselineHeapMb}, +${report.heapGrowthMb})` +
        `${report.retainedHeapMb === null ? '' : `; retained after GC +${report.retainedHeapMb} MB`}\n`,
    );
  }
  if (report.records + report.rejects !== report.rows || report.rejects !== report.expectedRejects) {
    process.stderr.write('parser-memory: rows were lost or misclassified\n');
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`parser-memory: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
