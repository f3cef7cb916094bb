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

/** A fresh pipeline named `it-<name>` in the emulator started by global-setup. */
export async function testPipeline(
  name: string,
  options: { fault?: FaultInjector; chunkSize?: number; region?: string } = {},
): Promise<LocalPipeline> {
  if (!process.env.AWS_ENDPOINT_URL)
    throw new Error(
      'AWS_ENDPOINT_URL is not set: run the integration project through jest (global-setup starts the emulator)',
    );
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  // Config exactly as a user's would load, minus ambient PIPELINE_* variables.
  const config = loadConfig(
    'dev',
    { namePrefix: `it-${name}`, ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}) },
    {},
  );
  // Every copy lives in the primary region's emulator backend, whatever region it stands in for.
  return LocalPipeline.create({
    config,
    fault: options.fault,
    quietMs: 200,
    region: options.region,
    emulatorRegion: config.primaryRegion,
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

/** Exact decimal as a scaled BigInt (scale 8 covers prices and vwap). */
const SCALE = 8;
function toScaled(decimal: string): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  return BigInt(whole + fraction.padEnd(SCALE, '0').slice(0, SCALE));
}
function fromScaled(value: bigint, scale = SCALE): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
  return negative ? `-${text}` : text;
}
/** Normalises a decimal string as DynamoDB stores numbers (no trailing zeros). */
export function canonical(decimal: string): string {
  return fromScaled(toScaled(decimal));
}

/**
 * Minute bars computed independently of the handlers (BigInt arithmetic): open/close by
 * timestamp with ties broken by record id, vwap rounded half-even to 8 decimals.
 */
export function expectedBars(rows: readonly (TradeRow & { recordId?: string })[]): MinuteBar[] {
  const groups = new Map<string, (TradeRow & { recordId?: string })[]>();
  for (const row of rows) {
    const minute = `${row.timestamp.slice(0, 16)}:00.000Z`;
    const key = `${row.symbol}|${minute}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const bars: MinuteBar[] = [];
  for (const [key, trades] of groups) {
    const [symbol, minute] = key.split('|');
    const ordered = [...trades].sort(
      (a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || (a.recordId ?? '').localeCompare(b.recordId ?? ''),
    );
    const prices = trades.map((t) => toScaled(t.price));
    const volume = trades.reduce((sum, t) => sum + t.size, 0);
    const notional = trades.reduce((sum, t) => sum + toScaled(t.price) * BigInt(t.size), 0n);
    // vwap = notional / volume at scale 8, rounded half-even.
    const quotient = notional / BigInt(volume);
    const remainder = notional % BigInt(volume);
    const twice = remainder * 2n;
    const vwap =
      twice > BigInt(volume) || (twice === BigInt(volume) && quotient % 2n === 1n) ? quotient + 1n : quotient;
    bars.push({
      symbol,
      minute,
      open: fromScaled(toScaled(ordered[0].price)),
      close: fromScaled(toScaled(ordered[ordered.length - 1].price)),
      high: fromScaled(prices.reduce((a, b) => (a > b ? a : b))),
      low: fromScaled(prices.reduce((a, b) => (a < b ? a : b))),
      volume,
      trades: trades.length,
      vwap: fromScaled(vwap),
      notional: fromScaled(notional),
    });
  }
  return bars.sort((a, b) => (a.symbol === b.symbol ? a.minute.localeCompare(b.minute) : a.symbol < b.symbol ? -1 : 1));
}

/** Bars in the table, with decimals canonicalised the same way as {@link expectedBars}. */
export async function tableBars(pipeline: LocalPipeline): Promise<MinuteBar[]> {
  const bars = await readBars(pipeline.clients.dynamodb, pipeline.resources.tableName);
  return bars.map((b) => ({
    ...b,
    open: canonical(b.open),
    high: canonical(b.high),
    low: canonical(b.low),
    close: canonical(b.close),
    vwap: canonical(b.vwap),
    notional: canonical(b.notional),
  }));
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
