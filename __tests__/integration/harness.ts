/**
 * Shared pieces of the integration suite: a pipeline per test file under its own name prefix
 * (so files never see each other's resources), an independent exact bar computation, and small
 * readers of what the emulator holds.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../../config';
import type { FaultInjector } from '../../local/lambda-runtime';
import { LocalPipeline } from '../../local/local-pipeline';
import { countStoredRecords, readBars, scanByPrefix } from '../../local/run-report';
import type { FinishedExecution } from '../../local/workflow-runner';
import type { MinuteBar } from '../../functions/lib/domain/types';
import { canonicalBar, canonicalDecimal, referenceBars } from '../../bench/reference-bars';

/** A fresh pipeline named `it-<name>` in the emulator started by global-setup. */
export async function testPipeline(
  name: string,
  options: {
    fault?: FaultInjector;
    chunkSize?: number;
    region?: string;
    /** Records per chunk below what configuration allows (25): many chunks from few rows. */
    tinyChunkSize?: number;
    /** Run the stream → bars stage. Default true. */
    bars?: boolean;
    /** A run timeout in seconds, below what configuration allows (15 minutes): runs that time out. */
    runTimeoutSeconds?: number;
  } = {},
): Promise<LocalPipeline> {
  if (!process.env.AWS_ENDPOINT_URL)
    throw new Error(
      'AWS_ENDPOINT_URL is not set: run the integration project through jest (global-setup starts the emulator)',
    );
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  // Config exactly as a user's would load, minus ambient PIPELINE_* variables.
  const loaded = loadConfig(
    'dev',
    { namePrefix: `it-${name}`, ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}) },
    {},
  );
  const config = {
    ...loaded,
    ...(options.tinyChunkSize ? { chunkSize: options.tinyChunkSize } : {}),
    ...(options.runTimeoutSeconds ? { fileWorkflowTimeoutMinutes: options.runTimeoutSeconds / 60 } : {}),
  };
  // Every copy lives in the primary region's emulator backend, whatever region it stands in for.
  return LocalPipeline.create({
    config,
    fault: options.fault,
    quietMs: 200,
    region: options.region,
    emulatorRegion: config.primaryRegion,
    bars: options.bars,
  });
}

/** One valid trade row of a test file. */
export interface TradeRow {
  readonly symbol: string;
  readonly timestamp: string;
  readonly price: string;
  readonly size: number;
  readonly tradeId?: string;
}

/** A CSV file of trades (header + rows), optionally with extra raw lines appended. */
export function tradesCsv(rows: readonly TradeRow[], extraLines: readonly string[] = []): string {
  const lines = [
    'symbol,timestamp,price,size,tradeId',
    ...rows.map((r) => [r.symbol, r.timestamp, r.price, r.size, r.tradeId ?? ''].join(',')),
    ...extraLines,
  ];
  return `${lines.join('\n')}\n`;
}

/** `count` deterministic trades spread over `minutes` minutes from 14:30 UTC on 2026-03-10. */
export function generateTrades(
  count: number,
  options: { symbols?: readonly string[]; minutes?: number; idPrefix?: string; seed?: number } = {},
): TradeRow[] {
  const symbols = options.symbols ?? ['AAPL', 'MSFT'];
  const minutes = options.minutes ?? 3;
  let seed = options.seed ?? 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const start = Date.parse('2026-03-10T14:30:00.000Z');
  return Array.from({ length: count }, (_, i) => {
    const symbol = symbols[i % symbols.length];
    const cents = 10000 + Math.floor(random() * 5000);
    return {
      symbol,
      timestamp: new Date(
        start + Math.floor((i * minutes * 60_000) / count) + Math.floor(random() * 900),
      ).toISOString(),
      price: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      size: 1 + Math.floor(random() * 500),
      tradeId: options.idPrefix === undefined ? undefined : `${options.idPrefix}${i}`,
    };
  });
}

/** Normalises a decimal string as DynamoDB stores numbers (no trailing zeros). */
export const canonical = canonicalDecimal;

/**
 * Minute bars computed independently of the handlers (bench/reference-bars.ts: BigInt
 * arithmetic): open/close by timestamp with ties broken by record id, vwap rounded half-even.
 */
export function expectedBars(rows: readonly (TradeRow & { recordId?: string })[]): MinuteBar[] {
  return referenceBars(rows);
}

/** Bars in the table, with decimals canonicalised the same way as {@link expectedBars}. */
export async function tableBars(pipeline: LocalPipeline): Promise<MinuteBar[]> {
  const bars = await readBars(pipeline.clients.dynamodb, pipeline.resources.tableName);
  return bars.map(canonicalBar);
}

/** Market-record items in the table. */
export function storedRecords(pipeline: LocalPipeline): Promise<number> {
  return countStoredRecords(pipeline.clients.dynamodb, pipeline.resources.tableName);
}

/** Keys in `bucket` under `prefix`. */
export async function listKeys(pipeline: LocalPipeline, bucket: string, prefix: string): Promise<string[]> {
  const page = await pipeline.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key as string).sort();
}

/** Text of an object. */
export async function readText(pipeline: LocalPipeline, bucket: string, key: string): Promise<string> {
  const object = await pipeline.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString('utf8')) ?? '';
}

/** The file item of `fileId` (status, counts). */
export async function fileItem(
  pipeline: LocalPipeline,
  fileId: string,
): Promise<Record<string, AttributeValue> | undefined> {
  const { Item } = await pipeline.clients.dynamodb.send(
    new GetItemCommand({
      TableName: pipeline.resources.tableName,
      Key: { pk: { S: `FILE#${fileId}` }, sk: { S: 'FILE' } },
    }),
  );
  return Item;
}

/** A CSV file with its own header (rows are joined with commas as given; no quoting). */
export function csv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return `${[header.join(','), ...rows.map((row) => row.join(','))].join('\n')}\n`;
}

/** Market-record items of `symbol` in the table. */
export async function recordItemsOf(
  pipeline: LocalPipeline,
  symbol: string,
): Promise<Record<string, AttributeValue>[]> {
  const { items } = await scanByPrefix(pipeline.clients.dynamodb, pipeline.resources.tableName, `REC#${symbol}#`);
  return items;
}

/** Bars of the given symbols only (other tests of the same file may have written others). */
export async function barsOf(pipeline: LocalPipeline, symbols: readonly string[]): Promise<MinuteBar[]> {
  return (await tableBars(pipeline)).filter((bar) => symbols.includes(bar.symbol));
}

/** Every line of the rejects reports written for the file `name` (under `incoming/`), parsed. */
export async function rejectLines(pipeline: LocalPipeline, name: string): Promise<Record<string, unknown>[]> {
  const bucket = pipeline.resources.ingestBucket;
  const lines: Record<string, unknown>[] = [];
  for (const key of await listKeys(pipeline, bucket, `rejected/${name}`)) {
    for (const line of (await readText(pipeline, bucket, key)).split('\n')) {
      if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  }
  return lines;
}

/** The finished executions of the object `key` (`incoming/...`), in completion order. */
export function runsOf(pipeline: LocalPipeline, key: string): FinishedExecution[] {
  return pipeline.workflows.finished.filter((run) => (run.input as { key?: string }).key === key);
}

/** Top-level states a run entered, in order. */
export function topStates(run: FinishedExecution | undefined): string[] {
  return (run?.trace ?? []).filter((e) => e.type === 'StateEntered' && !e.state.includes('/')).map((e) => e.state);
}

/** Resolves once `condition()` holds (polled every 25 ms); rejects after `timeoutMs`. */
export async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
