/**
 * Child-process entry of the `storage` section. Runs the real handlers in-process with every
 * AWS client's `send` replaced (the DynamoDB one by the counting client), so module singletons,
 * Powertools output and environment variables stay out of the benchmark's own process.
 * Prints `BENCH_RESULT <json>` as its last line.
 *
 * - store path: `rows` records, staged as the Validate step stages them (NDJSON chunks of the
 *   configured chunk size), each chunk through the store-chunk handler (one conditional write per
 *   record and per trade guard, record-store.ts), repeated `runs` times on a fresh table; then the
 *   same chunks stored again by another run (an identical re-upload: every row a duplicate).
 * - baseline, same run: the same items written without ownership, 25 per BatchWriteItem (what an
 *   unconditional store costs), to compare against.
 * - bars path: the same records as the table's stream delivers them (batches of
 *   BARS_BATCH_SIZE, in write order), each batch through the bars handler right after its items
 *   are written; then every batch delivered again (a redelivery must write nothing).
 *
 * Usage: tsx bench/storage-child.ts [--rows N] [--runs N]
 */
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { BARS_BATCH_SIZE, TABLE, type StoreChunkInput } from '../contract';
import { recordItem, SORT_PREFIX } from '../functions/lib/store/items';
import { stagedChunkKey } from '../functions/lib/store/staged-chunks';
import type { MarketRecord } from '../functions/lib/domain/types';
import { handler as barsHandler } from '../functions/bars/index';
import { handler as storeChunkHandler } from '../functions/store-chunk/index';
import { lambdaContext, replaceSend } from './bars-stream';
import { CountingDynamoClient, type WriteTotals } from './counting-client';
import { itemBytes, type Item } from './item-size';
import { generateCsv, readMarketRecords } from './market-data';
import { summarize, type Summary } from './stats';

/** Region the handlers run in (PIPELINE_REGION, set by the parent). */
const REGION = process.env.PIPELINE_REGION ?? 'us-east-1';
const BUCKET = 'bench-ingest';
/** Stands in for the account id in ARNs the handlers only log (no real account is involved). */
const ACCOUNT = 'bench-account';
const FILE_ID = 'bench-file';
/** The run storing the file (its execution name), and the run of an identical re-upload. */
const RUN_ID = 'bench-file';
const RERUN_ID = 'bench-file-reupload';

/** Figures of the store path. */
export interface StoreFigures {
  readonly records: number;
  readonly chunkSize: number;
  /** Write requests per 1,000 records (BatchWriteItem calls and any single-item writes). */
  readonly writeRequestsPer1000: Summary;
  /** Write units (table + indexes) per stored record. */
  readonly writeUnitsPerRecord: Summary;
  readonly indexWriteUnits: number;
  /** Stored item sizes, bytes, over the records of one run. */
  readonly itemBytes: Summary;
  readonly totals: WriteTotals;
  /** The same records stored again by another run (every row a duplicate). */
  readonly rerunRequestsPer1000: Summary;
  readonly rerunWriteUnitsPerRecord: Summary;
  /** Baseline: the same items written unconditionally, 25 per BatchWriteItem. */
  readonly baselineRequestsPer1000: number;
  readonly baselineWriteUnitsPerRecord: number;
  /** Store path requests / baseline requests, and the same for write units. */
  readonly requestsVsBaseline: number;
  readonly unitsVsBaseline: number;
}

/** Figures of the bars path. */
export interface BarsFigures {
  readonly batches: number;
  readonly batchSize: number;
  /** Distinct (symbol, minute) trade pairs per batch. */
  readonly minutesPerBatch: Summary;
  /** DynamoDB item writes per (symbol, minute) per batch, first delivery. */
  readonly writesPerMinute: Summary;
  /** The same, when every batch is delivered again. */
  readonly redeliveryWritesPerMinute: Summary;
  /** Write units (table + time-series index) per (symbol, minute) per batch, first delivery. */
  readonly writeUnitsPerMinute: Summary;
  /** Read requests (Query pages + GetItem) per (symbol, minute) per batch. */
  readonly readsPerMinute: Summary;
  /** PutEvents entries per (symbol, minute) per batch. */
  readonly eventsPerMinute: Summary;
}

/** What the child prints. */
export interface StorageChildResult {
  readonly store: StoreFigures;
  readonly bars: BarsFigures;
}

/** The store path, once, on a fresh table; then again by another run (an identical re-upload). */
async function storeOnce(
  records: readonly MarketRecord[],
  chunkSize: number,
): Promise<{ totals: WriteTotals; sizes: number[]; rerun: WriteTotals }> {
  const table = new CountingDynamoClient();
  const chunks = new Map<string, string>();
  const inputs: StoreChunkInput[] = [];
  for (let i = 0; i * chunkSize < records.length; i++) {
    const slice = records.slice(i * chunkSize, (i + 1) * chunkSize);
    const key = stagedChunkKey(RUN_ID, i);
    chunks.set(key, slice.map((r) => JSON.stringify(r)).join('\n') + '\n');
    inputs.push({ bucket: BUCKET, fileId: FILE_ID, runId: RUN_ID, chunk: { key, records: slice.length } });
  }
  const restoreDynamo = replaceSend(DynamoDBClient, (command) => table.send(command));
  const restoreS3 = replaceSend(S3Client, (command) => {
    const input = command.input as { Bucket?: string; Key?: string };
    const body = input.Bucket === BUCKET && input.Key ? chunks.get(input.Key) : undefined;
    if (command.constructor.name !== 'GetObjectCommand' || body === undefined) {
      return Promise.reject(
        Object.assign(new Error(`bench S3 stub: no ${command.constructor.name} for ${input.Key}`), {
          name: 'NoSuchKey',
        }),
      );
    }
    return Promise.resolve({
      Body: { transformToString: () => Promise.resolve(body) },
      ContentLength: Buffer.byteLength(body),
    });
  });
  try {
    for (const input of inputs) await storeChunkHandler(input, lambdaContext('store-chunk'));
    const recordWrites = table.writes.filter((w) => w.pk.startsWith(TABLE.recordKeyPrefix));
    if (recordWrites.length !== new Set(records.map((r) => `${r.type}#${r.recordId}`)).size) {
      throw new Error(`store path wrote ${recordWrites.length} record items for ${records.length} records`);
    }
    const totals = table.totals();
    table.resetCounts();
    for (const input of inputs) {
      const output = await storeChunkHandler({ ...input, runId: RERUN_ID }, lambdaContext('store-chunk'));
      if (output.stored !== 0 || output.conflicts !== 0)
        throw new Error(`re-upload stored ${output.stored} and found ${output.conflicts} conflicts; expected none`);
    }
    return { totals, sizes: recordWrites.map((w) => w.bytes), rerun: table.totals() };
  } finally {
    restoreDynamo();
    restoreS3();
  }
}

/** Baseline: the same items written without ownership, 25 per BatchWriteItem, on a fresh table. */
async function unconditionalBatches(records: readonly MarketRecord[]): Promise<WriteTotals> {
  const table = new CountingDynamoClient();
  const items = records.map((record) => recordItem(record));
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await table.send(new BatchWriteItemCommand({ RequestItems: { bench: batch } }));
  }
  return table.totals();
}

/** A stream INSERT record of a stored item, as DynamoDB Streams delivers it to Lambda. */
function insertRecord(item: Item, sequence: number): DynamoDBRecord {
  return {
    eventID: `bench-${sequence}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb: {
      Keys: { pk: item.pk, sk: item.sk } as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
      NewImage: item as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
      SequenceNumber: String(100000000000 + sequence),
      SizeBytes: itemBytes(item),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/bench/stream/bench`,
  };
}

/** The bars path: every batch once as written, then every batch again. */
async function barsRun(records: readonly MarketRecord[]): Promise<BarsFigures> {
  const table = new CountingDynamoClient();
  let events = 0;
  const restoreDynamo = replaceSend(DynamoDBClient, (command) => table.send(command));
  const restoreEvents = replaceSend(EventBridgeClient, (command) => {
    const entries = (command.input as { Entries?: unknown[] }).Entries ?? [];
    events += entries.length;
    return Promise.resolve({
      FailedEntryCount: 0,
      Entries: entries.map((_, i) => ({ EventId: `bench-${events}-${i}` })),
    });
  });
  const items = records.map(recordItem);
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += BARS_BATCH_SIZE) batches.push(items.slice(i, i + BARS_BATCH_SIZE));

  const minutesOf = (batch: Item[]): number =>
    new Set(batch.filter((i) => i.sk.S?.startsWith(SORT_PREFIX.trade)).map((i) => i.pk.S)).size;
  const first: { minutes: number; writes: number; units: number; reads: number; events: number }[] = [];
  const again: number[] = [];
  try {
    let sequence = 0;
    const delivered: DynamoDBStreamEvent[] = [];
    const deliver = async (
      event: DynamoDBStreamEvent,
    ): Promise<{ writes: number; units: number; reads: number; events: number }> => {
      table.resetCounts();
      const eventsBefore = events;
      const response = await barsHandler(event, lambdaContext('bars'));
      if (response.batchItemFailures.length > 0)
        throw new Error(`bars handler reported ${response.batchItemFailures.length} failed records`);
      const nonBarWrites = table.writes.filter((w) => !w.pk.startsWith('BAR#'));
      if (nonBarWrites.length > 0) throw new Error(`bars handler wrote non-bar items, e.g. ${nonBarWrites[0].pk}`);
      const totals = table.totals();
      return {
        writes: totals.itemWrites,
        units: totals.writeUnits,
        reads: totals.readRequests,
        events: events - eventsBefore,
      };
    };
    for (const batch of batches) {
      // The stream follows the table: a batch's items are in the table when it is delivered.
      table.seed(batch);
      const event: DynamoDBStreamEvent = { Records: batch.map((item) => insertRecord(item, sequence++)) };
      delivered.push(event);
      first.push({ minutes: minutesOf(batch), ...(await deliver(event)) });
    }
    // A redelivery is the same stream records again (same sequence numbers).
    for (const [i, event] of delivered.entries()) {
      const { writes } = await deliver(event);
      again.push(writes / Math.max(1, minutesOf(batches[i])));
    }
  } finally {
    restoreDynamo();
    restoreEvents();
  }
  const withTrades = first.filter((b) => b.minutes > 0);
  return {
    batches: batches.length,
    batchSize: BARS_BATCH_SIZE,
    minutesPerBatch: summarize(first.map((b) => b.minutes)),
    writesPerMinute: summarize(withTrades.map((b) => b.writes / b.minutes)),
    redeliveryWritesPerMinute: summarize(again),
    writeUnitsPerMinute: summarize(withTrades.map((b) => b.units / b.minutes)),
    readsPerMinute: summarize(withTrades.map((b) => b.reads / b.minutes)),
    eventsPerMinute: summarize(withTrades.map((b) => b.events / b.minutes)),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string' }, runs: { type: 'string' }, 'chunk-size': { type: 'string' } },
  });
  const rows = Number(values.rows ?? 10_000);
  const runs = Number(values.runs ?? 3);
  const chunkSize = Number(values['chunk-size'] ?? process.env.CHUNK_SIZE ?? 1000);
  const records = readMarketRecords(generateCsv({ rows }), `s3://${BUCKET}/incoming/bench.csv`, REGION);

  const storeRuns: { totals: WriteTotals; sizes: number[]; rerun: WriteTotals }[] = [];
  for (let run = 0; run < runs; run++) storeRuns.push(await storeOnce(records, chunkSize));
  const baseline = await unconditionalBatches(records);
  const per1000 = (totals: WriteTotals): number => (totals.requests * 1000) / records.length;
  const perRecord = (totals: WriteTotals): number => totals.writeUnits / records.length;
  const requests = summarize(storeRuns.map((r) => per1000(r.totals)));
  const units = summarize(storeRuns.map((r) => perRecord(r.totals)));
  const store: StoreFigures = {
    records: records.length,
    chunkSize,
    writeRequestsPer1000: requests,
    writeUnitsPerRecord: units,
    indexWriteUnits: storeRuns[0].totals.indexWriteUnits,
    itemBytes: summarize(storeRuns[0].sizes),
    totals: storeRuns[0].totals,
    rerunRequestsPer1000: summarize(storeRuns.map((r) => per1000(r.rerun))),
    rerunWriteUnitsPerRecord: summarize(storeRuns.map((r) => perRecord(r.rerun))),
    baselineRequestsPer1000: per1000(baseline),
    baselineWriteUnitsPerRecord: perRecord(baseline),
    requestsVsBaseline: requests.median / per1000(baseline),
    unitsVsBaseline: units.median / perRecord(baseline),
  };
  const bars = await barsRun(records);
  const result: StorageChildResult = { store, bars };
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
