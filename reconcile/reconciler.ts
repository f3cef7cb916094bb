/**
 * Recomputes partial bars and merged bars from the stored trades and compares them with what
 * the table holds. With `fix`, every partial of this region that differs is repaired through the
 * stream: a reconciliation item (the recomputed values) is written into the minute's record
 * partition, so this region's bars function applies it in stream order with the minute's trades
 * and its sequence-number guard stays the only thing that decides what is applied. The other
 * region's partials are reported, never written (run the command there to repair them).
 */
import { type DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { TABLE } from '../contract';
import {
  type PartialBar,
  type RegionalTrade,
  computeBar,
  mergePartials,
  partialOf,
  sameBar,
  samePartialValues,
} from '../functions/lib/domain/bars';
import type { MinuteBar } from '../functions/lib/domain/types';
import { loadMinuteTrades, queryPartials } from '../functions/lib/store/bar-store';
import {
  type Item,
  parseRecordPartitionKey,
  partialBarFromItem,
  reconcileItem,
  regionalTradeFromItem,
} from '../functions/lib/store/items';

/** Reconciliations expire after this long (their stream record is what matters). */
const RECONCILE_TTL_SECONDS = 7 * 24 * 3600;

/** What to reconcile. */
export interface ReconcileOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  /** The region this runs in: the only partials it repairs. */
  readonly region: string;
  /** Every region of the pipeline (whose partials make up a bar). */
  readonly regions: readonly string[];
  /** First and last minute (ISO minute keys, inclusive); undefined: the whole table (scan only). */
  readonly from?: string;
  readonly to?: string;
  /**
   * `query`: the minutes of the symbols that have a partial bar in the range (or `symbols`),
   * one consistent Query per (symbol, minute). `scan`: every stored trade of the table in one
   * consistent Scan (finds minutes that have trades and no partial at all).
   */
  readonly source: 'query' | 'scan';
  /** Symbols to check in `query` mode besides those with a partial bar in the range. */
  readonly symbols?: readonly string[];
  readonly fix: boolean;
  /** Clock (tests). */
  readonly now?: () => number;
}

/** One field of a partial bar that differs from its recomputation. */
export interface FieldDifference {
  readonly field: string;
  readonly stored: string | number | null;
  readonly expected: string | number | null;
}

/** A partial bar that differs from the one recomputed from the stored trades. */
export interface PartialDifference {
  readonly symbol: string;
  readonly minute: string;
  readonly region: string;
  readonly fields: FieldDifference[];
}

/** A merged bar that differs from the one recomputed from the stored trades. */
export interface BarDifference {
  readonly symbol: string;
  readonly minute: string;
  readonly stored: MinuteBar | null;
  readonly expected: MinuteBar | null;
}

/** What `--fix` did for one partial of this region. */
export interface Fix {
  readonly symbol: string;
  readonly minute: string;
  /** `written`: the reconciliation is on its way through the stream. */
  readonly status: 'written' | 'changed-while-reconciling';
}

/** The outcome of a reconciliation. */
export interface ReconcileReport {
  readonly region: string;
  readonly from: string | null;
  readonly to: string | null;
  /** (symbol, minute) pairs compared. */
  readonly minutes: number;
  readonly trades: number;
  readonly partialDifferences: PartialDifference[];
  readonly barDifferences: BarDifference[];
  readonly fixes: Fix[];
}

/** Normalises a minute given as `YYYY-MM-DDTHH:MM` (optionally with seconds/zone) to the minute key. */
export function minuteKey(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:00(\.000)?)?Z?$/.test(text)) return undefined;
  const ms = Date.parse(`${text.slice(0, 16)}:00.000Z`);
  if (Number.isNaN(ms)) return undefined;
  const key = new Date(ms).toISOString();
  return key.slice(0, 16) === text.slice(0, 16) ? key : undefined;
}

/** The fields of a partial as a flat record, for a readable difference. */
function fieldsOf(p: PartialBar): Record<string, string | number | null> {
  const e = p.extremes;
  return {
    trades: p.trades,
    volume: p.volume,
    notional: p.notional,
    open: e ? `${e.open.price} (${e.open.recordId} @ ${e.open.epochMs})` : null,
    close: e ? `${e.close.price} (${e.close.recordId} @ ${e.close.epochMs})` : null,
    high: e?.high ?? null,
    low: e?.low ?? null,
  };
}

/** The fields in which `stored` differs from `expected`. */
export function partialDifferences(stored: PartialBar, expected: PartialBar): FieldDifference[] {
  if (samePartialValues(stored, expected)) return [];
  const a = fieldsOf(stored);
  const b = fieldsOf(expected);
  return Object.keys(b)
    .filter((field) => String(a[field]) !== String(b[field]))
    .map((field) => ({ field, stored: a[field], expected: b[field] }));
}

/** What a scan-mode reconciliation compares: the table's partial bars and its stored trades by minute. */
export interface ScannedBars {
  readonly partials: PartialBar[];
  /** Stored trades by `<symbol>#<minute>`. */
  readonly trades: Map<string, RegionalTrade[]>;
}

/** An empty {@link ScannedBars} to fill with {@link collectBarItem}. */
export function emptyScannedBars(): ScannedBars {
  return { partials: [], trades: new Map() };
}

/**
 * Adds `item` to `into` when it is a partial bar or a stored trade (of a minute in [from, to]
 * when given): what one pass over the table needs, whoever drives the pass.
 */
export function collectBarItem(into: ScannedBars, item: Item, from?: string, to?: string): void {
  const pk = item.pk?.S ?? '';
  if (pk.startsWith(TABLE.barKeyPrefix)) {
    into.partials.push(partialBarFromItem(item));
    return;
  }
  if (!pk.startsWith(TABLE.recordKeyPrefix) || !(item.sk?.S ?? '').startsWith(TABLE.tradeSortKeyPrefix)) return;
  const at = parseRecordPartitionKey(pk);
  if (!at || (from && at.minute < from) || (to && at.minute > to)) return;
  const key = `${at.symbol}#${at.minute}`;
  const list = into.trades.get(key);
  if (list) list.push(regionalTradeFromItem(item));
  else into.trades.set(key, [regionalTradeFromItem(item)]);
}

/**
 * Every partial bar and stored trade of the table in ONE consistent Scan (an emulator answers
 * each page of a Scan by walking the table from its start, so every extra pass costs a whole
 * walk per page).
 */
async function scanBars(dynamodb: DynamoDBClient, tableName: string, from?: string, to?: string): Promise<ScannedBars> {
  const scanned = emptyScannedBars();
  let startKey: Item | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(#pk, :bars) OR (begins_with(#pk, :records) AND begins_with(#sk, :trades))',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
        ExpressionAttributeValues: {
          ':bars': { S: TABLE.barKeyPrefix },
          ':records': { S: TABLE.recordKeyPrefix },
          ':trades': { S: TABLE.tradeSortKeyPrefix },
        },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) collectBarItem(scanned, item, from, to);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return scanned;
}

/** Minute keys from `from` to `to`, inclusive. */
function minutesBetween(from: string, to: string): string[] {
  const minutes: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += 60_000) minutes.push(new Date(t).toISOString());
  return minutes;
}

/** Trade versions as comparable text (what a reconciliation's values are computed from). */
function versions(trades: readonly RegionalTrade[]): string {
  return trades
    .map((t) => `${t.recordId}|${t.epochMs}|${t.price}|${t.size}|${t.originRegion}`)
    .sort()
    .join('\n');
}

/**
 * Writes a reconciliation of this region's partial of (symbol, minute) with values recomputed
 * from a consistent read of the trades, then reads them again: if they moved in between, the
 * values may not be those of the table when the reconciliation reached the stream, so it is
 * written again from the new read (at most three times, then reported).
 */
async function writeReconciliation(options: ReconcileOptions, symbol: string, minute: string): Promise<Fix['status']> {
  const { dynamodb, tableName, region } = options;
  const now = options.now ?? Date.now;
  let trades = await loadMinuteTrades(tableName, symbol, minute, dynamodb);
  for (let attempt = 0; attempt < 3; attempt++) {
    const own = trades.filter((t) => t.originRegion === region);
    const values = partialOf(symbol, minute, region, own);
    await dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: reconcileItem(
          symbol,
          minute,
          region,
          values,
          new Date(now()).toISOString(),
          Math.floor(now() / 1000) + RECONCILE_TTL_SECONDS,
        ),
      }),
    );
    const again = await loadMinuteTrades(tableName, symbol, minute, dynamodb);
    if (versions(again) === versions(trades)) return 'written';
    trades = again;
  }
  return 'changed-while-reconciling';
}

/** Compares (and with `fix`, repairs) the bars of the range. */
export async function reconcileBars(options: ReconcileOptions, scanned?: ScannedBars): Promise<ReconcileReport> {
  const { dynamodb, tableName, region, regions, from, to } = options;
  if (options.source === 'query' && (!from || !to)) throw new Error('query mode needs --from and --to');
  if (scanned && options.source !== 'scan') throw new Error('scanned bars are only for scan mode');
  const fromScan = options.source === 'scan' ? (scanned ?? (await scanBars(dynamodb, tableName, from, to))) : undefined;
  const partials = fromScan
    ? fromScan.partials.filter((p) => (!from || p.minute >= from) && (!to || p.minute <= to))
    : await queryPartials(tableName, from as string, to as string, dynamodb);
  const stored = new Map<string, PartialBar[]>();
  for (const p of partials) {
    const key = `${p.symbol}#${p.minute}`;
    stored.set(key, [...(stored.get(key) ?? []), p]);
  }

  let trades: Map<string, RegionalTrade[]>;
  if (fromScan) {
    trades = fromScan.trades;
  } else {
    trades = new Map();
    const symbols = new Set([...partials.map((p) => p.symbol), ...(options.symbols ?? [])]);
    for (const symbol of [...symbols].sort())
      for (const minute of minutesBetween(from as string, to as string)) {
        const found = await loadMinuteTrades(tableName, symbol, minute, dynamodb);
        if (found.length > 0 || stored.has(`${symbol}#${minute}`)) trades.set(`${symbol}#${minute}`, found);
      }
  }

  const keys = [...new Set([...trades.keys(), ...stored.keys()])].sort();
  const partialDiffs: PartialDifference[] = [];
  const barDiffs: BarDifference[] = [];
  const fixes: Fix[] = [];
  let tradeCount = 0;
  for (const key of keys) {
    const hash = key.indexOf('#');
    const [symbol, minute] = [key.slice(0, hash), key.slice(hash + 1)];
    const minuteTrades = trades.get(key) ?? [];
    tradeCount += minuteTrades.length;
    const minutePartials = stored.get(key) ?? [];
    for (const r of new Set([...regions, ...minutePartials.map((p) => p.region)])) {
      const expected = partialOf(
        symbol,
        minute,
        r,
        minuteTrades.filter((t) => t.originRegion === r),
      );
      const actual = minutePartials.find((p) => p.region === r) ?? partialOf(symbol, minute, r, []);
      const fields = partialDifferences(actual, expected);
      if (fields.length === 0) continue;
      partialDiffs.push({ symbol, minute, region: r, fields });
      if (options.fix && r === region)
        fixes.push({ symbol, minute, status: await writeReconciliation(options, symbol, minute) });
    }
    const expectedBar = computeBar(symbol, minute, minuteTrades) ?? null;
    const storedBar = mergePartials(minutePartials) ?? null;
    const same = expectedBar && storedBar ? sameBar(expectedBar, storedBar) : expectedBar === storedBar;
    if (!same) barDiffs.push({ symbol, minute, stored: storedBar, expected: expectedBar });
  }
  return {
    region,
    from: from ?? null,
    to: to ?? null,
    minutes: keys.length,
    trades: tradeCount,
    partialDifferences: partialDiffs,
    barDifferences: barDiffs,
    fixes,
  };
}
