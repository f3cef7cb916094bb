/**
 * The bars design this repository used before partial bars, kept here as the benchmark's
 * baseline (it is not deployed): for every (symbol, minute) a stream batch touches, Query every
 * stored trade of the minute (consistent, all pages), GetItem the bar, recompute it from scratch
 * and PutItem it when it changed. Its read cost grows with the minute's trades, so per trade it
 * grows with the square of a busy minute.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { TABLE } from '../contract';
import { computeBar, sameBar } from '../functions/lib/domain/bars';
import type { MinuteBar } from '../functions/lib/domain/types';
import { loadMinuteTrades } from '../functions/lib/store/bar-store';
import { type Item, parseRecordPartitionKey } from '../functions/lib/store/items';

const client = new DynamoDBClient({ region: 'us-east-1' });

/** The old bar item: one per (symbol, minute), written by whichever region recomputed last. */
function barItem(bar: MinuteBar): Item {
  const n = (v: string | number): { N: string } => ({ N: String(v) });
  return {
    pk: { S: `BAR#${bar.symbol}` },
    sk: { S: bar.minute },
    symbol: { S: bar.symbol },
    minute: { S: bar.minute },
    open: n(bar.open),
    high: n(bar.high),
    low: n(bar.low),
    close: n(bar.close),
    volume: n(bar.volume),
    trades: n(bar.trades),
    vwap: n(bar.vwap),
    notional: n(bar.notional),
    [TABLE.timeSeriesIndex.partitionKey]: { S: `BARS#${bar.minute.slice(0, 13)}` },
    [TABLE.timeSeriesIndex.sortKey]: { S: `${bar.minute}#${bar.symbol}` },
  };
}

function barFromItem(item: Item): MinuteBar {
  const v = (name: string): string => item[name]?.N ?? item[name]?.S ?? '';
  return {
    symbol: v('symbol'),
    minute: v('minute'),
    open: v('open'),
    high: v('high'),
    low: v('low'),
    close: v('close'),
    volume: Number(v('volume')),
    trades: Number(v('trades')),
    vwap: v('vwap'),
    notional: v('notional'),
  };
}

/** The old handler's work for one batch (events left out: both designs publish one per minute). */
export async function recomputeBaselineHandler(
  event: { Records: DynamoDBRecord[] },
  tableName: string,
): Promise<DynamoDBBatchResponse> {
  const minutes = new Set<string>();
  for (const record of event.Records) {
    const pk = record.dynamodb?.Keys?.pk?.S;
    if (pk && record.dynamodb?.Keys?.sk?.S?.startsWith(TABLE.tradeSortKeyPrefix)) minutes.add(pk);
  }
  for (const pk of minutes) {
    const at = parseRecordPartitionKey(pk);
    if (!at) continue;
    const [trades, stored] = await Promise.all([
      // The same Query the old design made (billing ignores its narrower projection).
      loadMinuteTrades(tableName, at.symbol, at.minute, client),
      client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: `BAR#${at.symbol}` }, sk: { S: at.minute } },
          ConsistentRead: true,
        }),
      ),
    ]);
    const bar = computeBar(at.symbol, at.minute, trades);
    if (bar && !(stored.Item && sameBar(bar, barFromItem(stored.Item))))
      await client.send(new PutItemCommand({ TableName: tableName, Item: barItem(bar) }));
  }
  return { batchItemFailures: [] };
}
