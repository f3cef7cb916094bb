/**
 * Reading trades and reading/writing bar items. The bars function recomputes a bar from the
 * minute's stored trades with a strongly consistent read, so the bar reflects every write the
 * stream has delivered so far for that minute.
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../aws/clients/dynamodb';
import { TABLE } from '../../../contract';
import {
  type BarTrade,
  type Item,
  barFromItem,
  barHourPartition,
  barItem,
  barKey,
  barTradeFromItem,
  recordPartitionKey,
  SORT_PREFIX,
} from './items';
import type { MinuteBar } from '../domain/types';

/** Every stored trade of (symbol, minute): Query with ConsistentRead, all pages. */
export async function loadTrades(
  tableName: string,
  symbol: string,
  minute: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<BarTrade[]> {
  const trades: BarTrade[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :trade)',
        // `size` is a reserved word; the projection keeps read units to what the bar needs.
        ProjectionExpression: '#recordId, #epochMs, #price, #size',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#sk': 'sk',
          '#recordId': 'recordId',
          '#epochMs': 'epochMs',
          '#price': 'price',
          '#size': 'size',
        },
        ExpressionAttributeValues: {
          ':pk': { S: recordPartitionKey(symbol, minute) },
          ':trade': { S: SORT_PREFIX.trade },
        },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) trades.push(barTradeFromItem(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return trades;
}

/** The stored bar of (symbol, minute), if any (consistent read). */
export async function readBar(
  tableName: string,
  symbol: string,
  minute: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<MinuteBar | undefined> {
  const result = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { ...barKey(symbol, minute) }, ConsistentRead: true }),
  );
  return result.Item ? barFromItem(result.Item) : undefined;
}

/** Writes the bar item (one PutItem; carries the time-series index attributes). */
export async function putBar(
  tableName: string,
  bar: MinuteBar,
  region: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<void> {
  await client.send(new PutItemCommand({ TableName: tableName, Item: barItem(bar, region) }));
}

/** Removes the bar of a minute that has no trades left. */
export async function deleteBar(
  tableName: string,
  symbol: string,
  minute: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<void> {
  await client.send(new DeleteItemCommand({ TableName: tableName, Key: { ...barKey(symbol, minute) } }));
}

/**
 * Bars whose minute is in [fromMinute, toMinute] (ISO minute keys), via the sparse
 * time-series index: one Query per UTC hour touched, all pages.
 */
export async function queryBars(
  tableName: string,
  fromMinute: string,
  toMinute: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<MinuteBar[]> {
  const bars: MinuteBar[] = [];
  for (const hour of hoursBetween(fromMinute, toMinute)) {
    let startKey: Item | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: TABLE.timeSeriesIndex.name,
          KeyConditionExpression: '#pk = :hour AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': TABLE.timeSeriesIndex.partitionKey, '#sk': TABLE.timeSeriesIndex.sortKey },
          // Sort keys are `<minute>#<symbol>`; '~' sorts after every symbol character.
          ExpressionAttributeValues: {
            ':hour': { S: hour },
            ':from': { S: fromMinute },
            ':to': { S: `${toMinute}#~` },
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) bars.push(barFromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return bars;
}

/** Time-series partitions (`BARS#<hour>`) from the hour of `fromMinute` to that of `toMinute`. */
export function hoursBetween(fromMinute: string, toMinute: string): string[] {
  const hours: string[] = [];
  const end = Date.parse(toMinute);
  for (let t = Date.parse(fromMinute.slice(0, 13) + ':00:00.000Z'); t <= end; t += 3_600_000) {
    hours.push(barHourPartition(new Date(t).toISOString()));
  }
  return hours;
}
