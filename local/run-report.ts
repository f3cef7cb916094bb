/**
 * The outcome of a local run, read back from the emulator (never from the driver's memory):
 * file items and minute bars from the table, the number of stored record items, and the
 * rejects reports the Validate step wrote to the ingest bucket.
 */
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { KEY_PREFIX, TABLE } from '../contract';
import { mergeByMinute } from '../functions/lib/domain/bars';
import { fileKey, partialBarFromItem } from '../functions/lib/store/items';
import type { MinuteBar } from '../functions/lib/domain/types';
import type { ProvisionedPipeline } from './provision';
import type { BarDifference, PartialDifference, ScannedBars } from '../reconcile/reconciler';

/** One processed file. */
export interface FileReport {
  readonly key: string;
  readonly accepted: number;
  readonly rejected: number;
  readonly reasons: Record<string, number>;
  /** COMPLETED, FAILED or PROCESSING (an addition to the documented shape). */
  readonly status: string;
}

/** One rejected row. */
export interface RejectReport {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** The `--json` document of `npm run local`. */
export interface LocalRunReport {
  readonly files: FileReport[];
  readonly accepted: number;
  readonly rejected: number;
  /** Market-record items in the table. */
  readonly stored: number;
  readonly rejects: RejectReport[];
  /** Sorted by symbol, then minute. */
  readonly bars: MinuteBar[];
  /** The bars recomputed from the stored trades and compared (what `npm run reconcile` does). */
  readonly drift: DriftReport;
}

/** Differences between the bars in the table and their recomputation; 0 when the run is exact. */
export interface DriftReport {
  /** (symbol, minute) pairs compared. */
  readonly minutes: number;
  /** Partial bars plus merged bars that differ. */
  readonly differences: number;
  readonly partials: PartialDifference[];
  readonly bars: BarDifference[];
}

/** The drift of a run that did not reconcile (no bars stage): nothing compared. */
export const NOT_RECONCILED: DriftReport = { minutes: 0, differences: 0, partials: [], bars: [] };

type Item = Record<string, AttributeValue>;

/** `FILE#`: the partition-key prefix of file items, as the file store builds their keys. */
const FILE_KEY_PREFIX = fileKey('').pk.S;

/**
 * Every item whose partition key starts with `prefix` (paginated scan), except those whose sort
 * key starts with `excludeSortPrefix`.
 */
export async function scanByPrefix(
  dynamodb: DynamoDBClient,
  tableName: string,
  prefix: string,
  countOnly = false,
  excludeSortPrefix?: string,
): Promise<{ items: Item[]; count: number }> {
  const items: Item[] = [];
  let count = 0;
  let startKey: Item | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: excludeSortPrefix
          ? 'begins_with(#pk, :prefix) AND NOT begins_with(#sk, :exclude)'
          : 'begins_with(#pk, :prefix)',
        ExpressionAttributeNames: {
          '#pk': TABLE.partitionKey,
          ...(excludeSortPrefix ? { '#sk': TABLE.sortKey } : {}),
        },
        ExpressionAttributeValues: {
          ':prefix': { S: prefix },
          ...(excludeSortPrefix ? { ':exclude': { S: excludeSortPrefix } } : {}),
        },
        ExclusiveStartKey: startKey,
        ...(countOnly ? { Select: 'COUNT' as const } : {}),
      }),
    );
    if (!countOnly) items.push(...(page.Items ?? []));
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { items, count };
}

/** Market-record items (trades and quotes) currently in the table. */
export async function countStoredRecords(dynamodb: DynamoDBClient, tableName: string): Promise<number> {
  return (await scanByPrefix(dynamodb, tableName, TABLE.recordKeyPrefix, true, TABLE.reconcileSortKeyPrefix)).count;
}

/** Every minute bar, merged from the partial bars of every region in the table, sorted by symbol then minute. */
export async function readBars(dynamodb: DynamoDBClient, tableName: string): Promise<MinuteBar[]> {
  const { items } = await scanByPrefix(dynamodb, tableName, TABLE.barKeyPrefix);
  return mergeByMinute(items.map((item) => partialBarFromItem(item)));
}

/** Parses one line of a rejects report (`{line|index, reason|code, ...}`). */
export function parseRejectLine(text: string): { line: number; reason: string } | undefined {
  if (!text.trim()) return undefined;
  const row = JSON.parse(text) as Record<string, unknown>;
  const line = Number(row.line ?? row.index);
  const code = row.reason ?? row.code;
  // A reason is a string; anything else is shown as JSON rather than `[object Object]`.
  const reason = code === undefined || code === null ? '' : typeof code === 'string' ? code : JSON.stringify(code);
  return Number.isFinite(line) && reason ? { line, reason } : undefined;
}

/**
 * The processed file a rejects report belongs to: the report of a version is
 * `rejected/<name>/<fileId>.jsonl`, where `<name>` is the file's key without the `incoming/` prefix.
 */
export function fileOfRejectsReport(reportKey: string, fileKeys: readonly string[]): string {
  const name = reportKey.replace(new RegExp(`^${KEY_PREFIX.rejected}`), '').replace(/\/[^/]+\.jsonl$/, '');
  return fileKeys.find((key) => key === `${KEY_PREFIX.incoming}${name}` || key === name) ?? reportKey;
}

/**
 * Recomputes every bar of the table from its stored trades and reports the differences; from
 * `scanned` when the caller has read the table already, else with a scan of its own.
 */
async function readDrift(
  pipeline: ProvisionedPipeline,
  dynamodb: DynamoDBClient,
  regions: readonly string[],
  scanned?: ScannedBars,
): Promise<DriftReport> {
  // Loaded on first use: it reaches the handlers' shared modules, whose logger reads its level
  // when loaded, after the local run has set it.
  const { reconcileBars } = await import('../reconcile/reconciler');
  const report = await reconcileBars(
    {
      dynamodb,
      tableName: pipeline.tableName,
      region: pipeline.spec.region,
      regions,
      source: 'scan',
      fix: false,
    },
    scanned,
  );
  return {
    minutes: report.minutes,
    differences: report.partialDifferences.length + report.barDifferences.length,
    partials: report.partialDifferences,
    bars: report.barDifferences,
  };
}

/** What the run report needs from the table, read in one consistent pass. */
interface TableContents {
  readonly fileItems: Item[];
  /** Market-record items (trades and quotes; reconciliation items are not records). */
  readonly stored: number;
  readonly bars: ScannedBars;
}

/**
 * Reads the whole table once. The emulator walks the table from its start for every page of a
 * Scan, so the report's five questions (files, stored records, partial bars, trades, drift) cost
 * one walk per page instead of five: at 100,000 rows the difference between minutes and tens of
 * minutes.
 */
async function readTable(dynamodb: DynamoDBClient, tableName: string): Promise<TableContents> {
  const { collectBarItem, emptyScannedBars } = await import('../reconcile/reconciler');
  const fileItems: Item[] = [];
  const bars = emptyScannedBars();
  let stored = 0;
  let startKey: Item | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      const pk = item[TABLE.partitionKey]?.S ?? '';
      if (pk.startsWith(FILE_KEY_PREFIX)) fileItems.push(item);
      else if (
        pk.startsWith(TABLE.recordKeyPrefix) &&
        !(item[TABLE.sortKey]?.S ?? '').startsWith(TABLE.reconcileSortKeyPrefix)
      )
        stored++;
      collectBarItem(bars, item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { fileItems, stored, bars };
}

/** Reads files, stored count, rejects, bars and their drift of `pipeline` from the emulator. */
export async function readRunReport(
  pipeline: ProvisionedPipeline,
  clients: { dynamodb: DynamoDBClient; s3: S3Client },
  regions: readonly string[],
  options: { readonly reconcile?: boolean } = {},
): Promise<LocalRunReport> {
  const { dynamodb, s3 } = clients;
  const table = await readTable(dynamodb, pipeline.tableName);
  const fileItems = table.fileItems;
  const num = (value: AttributeValue | undefined): number => Number(value?.N ?? 0);
  const files: FileReport[] = fileItems
    .map((item) => ({
      key: item.key?.S ?? '',
      accepted: num(item.accepted),
      rejected: num(item.rejected),
      reasons: Object.fromEntries(Object.entries(item.reasons?.M ?? {}).map(([code, value]) => [code, num(value)])),
      status: item.status?.S ?? 'UNKNOWN',
    }))
    .sort((a, b) => a.key.localeCompare(b.key));

  const rejects: RejectReport[] = [];
  let token: string | undefined;
  const reportKeys: string[] = [];
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: pipeline.ingestBucket,
        Prefix: KEY_PREFIX.rejected,
        ContinuationToken: token,
      }),
    );
    reportKeys.push(...(page.Contents ?? []).map((o) => o.Key as string));
    token = page.NextContinuationToken;
  } while (token);
  for (const reportKey of reportKeys.sort()) {
    const file = fileOfRejectsReport(
      reportKey,
      files.map((f) => f.key),
    );
    const body = await s3.send(new GetObjectCommand({ Bucket: pipeline.ingestBucket, Key: reportKey }));
    const text = (await body.Body?.transformToString('utf8')) ?? '';
    for (const line of text.split('\n')) {
      const parsed = parseRejectLine(line);
      if (parsed) rejects.push({ file, ...parsed });
    }
  }
  rejects.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file.localeCompare(b.file)));

  return {
    files,
    accepted: files.reduce((sum, f) => sum + f.accepted, 0),
    rejected: files.reduce((sum, f) => sum + f.rejected, 0),
    stored: table.stored,
    rejects,
    bars: mergeByMinute(table.bars.partials),
    // A run without the bars stage (--no-bars) has no bars to reconcile.
    drift: options.reconcile === false ? NOT_RECONCILED : await readDrift(pipeline, dynamodb, regions, table.bars),
  };
}
