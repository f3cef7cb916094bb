/**
 * Reading and writing partial minute bars. A region's bars function is the only writer of its
 * partials; each write is conditional on the stream sequence number it read, so a write based
 * on a stale read fails instead of losing an update.
 */
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { mapWithConcurrency } from '../aws/batching';
import { dynamoClient } from '../aws/clients/dynamodb';
import { TABLE } from '../../../contract';
import type { PartialBar, RegionalTrade } from '../domain/bars';
import {
  type Item,
  type PartialBarWrite,
  barChangePartition,
  barHourPartition,
  changedMinuteFromItem,
  partialBarFromItem,
  partialBarItem,
  partialBarKey,
  recordPartitionKey,
  regionalTradeFromItem,
} from './items';

/** Keys one BatchGetItem request takes. */
const BATCH_GET_LIMIT = 100;

/** A (symbol, minute) pair. */
export interface SymbolMinute {
  readonly symbol: string;
  readonly minute: string;
}

/**
 * The stored partials of every region of each (symbol, minute), strongly consistent (a region's
 * own partial must be the latest it wrote): BatchGetItem, 100 keys a request, unprocessed keys
 * requested again. Result key: `<symbol>#<minute>`.
 */
export async function readPartials(
  tableName: string,
  minutes: readonly SymbolMinute[],
  regions: readonly string[],
  client: DynamoDBClient = dynamoClient(),
): Promise<Map<string, PartialBar[]>> {
  const found = new Map<string, PartialBar[]>(minutes.map((m) => [`${m.symbol}#${m.minute}`, []]));
  const keys: Item[] = minutes.flatMap((m) =>
    regions.map((region) => ({ ...partialBarKey(m.symbol, m.minute, region) })),
  );
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    let request: KeysAndAttributes | undefined = { Keys: keys.slice(i, i + BATCH_GET_LIMIT), ConsistentRead: true };
    // A loop over partial results (UnprocessedKeys), not a retry layer: the client retries errors.
    while (request?.Keys?.length) {
      const result: BatchGetItemCommandOutput = await client.send(
        new BatchGetItemCommand({ RequestItems: { [tableName]: request } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) {
        const partial = partialBarFromItem(item);
        found.get(`${partial.symbol}#${partial.minute}`)?.push(partial);
      }
      request = result.UnprocessedKeys?.[tableName];
    }
  }
  return found;
}

/**
 * Writes `partial` if the stored partial still has the sequence number it was read with
 * (`readSequence`; undefined: no partial was stored).
 * @throws ConditionalCheckFailedException when another write got there first.
 */
export async function putPartial(
  tableName: string,
  partial: PartialBar,
  write: PartialBarWrite,
  readSequence: string | undefined,
  client: DynamoDBClient = dynamoClient(),
): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: partialBarItem(partial, write),
      ...(readSequence === undefined
        ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } }
        : {
            ConditionExpression: '#sequence = :read',
            ExpressionAttributeNames: { '#sequence': 'sequence' },
            ExpressionAttributeValues: { ':read': { S: readSequence } },
          }),
    }),
  );
}

/** Writes items that carry no guard (arrival markers): one PutItem each, a few in flight. */
export async function putItems(
  tableName: string,
  items: readonly Item[],
  client: DynamoDBClient = dynamoClient(),
): Promise<void> {
  await mapWithConcurrency(items, 8, (item) => client.send(new PutItemCommand({ TableName: tableName, Item: item })));
}

/**
 * Every stored trade of (symbol, minute) with its origin, as the table holds it now: Query with
 * ConsistentRead, all pages. Read only to recompute extremes after a removal and to reconcile.
 */
export async function loadMinuteTrades(
  tableName: string,
  symbol: string,
  minute: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<RegionalTrade[]> {
  const trades: RegionalTrade[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :trade)',
        // Billing counts whole items either way; the projection only trims the response.
        ProjectionExpression: '#pk, #sk, #recordId, #epochMs, #price, #size, #origin',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#sk': 'sk',
          '#recordId': 'recordId',
          '#epochMs': 'epochMs',
          '#price': 'price',
          '#size': 'size',
          '#origin': TABLE.originRegion,
        },
        ExpressionAttributeValues: {
          ':pk': { S: recordPartitionKey(symbol, minute) },
          ':trade': { S: TABLE.tradeSortKeyPrefix },
        },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) trades.push(regionalTradeFromItem(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return trades;
}

/**
 * Partial bars (every region) whose minute is in [fromMinute, toMinute] (ISO minute keys), via
 * the sparse time-series index: one Query per UTC hour touched, all pages.
 */
export async function queryPartials(
  tableName: string,
  fromMinute: string,
  toMinute: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<PartialBar[]> {
  const partials: PartialBar[] = [];
  for (const hour of hoursBetween(fromMinute, toMinute)) {
    for (const item of await queryIndex(
      client,
      tableName,
      TABLE.timeSeriesIndex,
      hour,
      fromMinute,
      // Sort keys are `<minute>#<symbol>#<region>`; '~' sorts after every symbol character.
      `${toMinute}#~`,
    ))
      partials.push(partialBarFromItem(item));
  }
  return partials;
}

/**
 * The (symbol, minute) pairs whose bars changed, as observed in `region`, between `fromIso` and
 * `toIso` (ISO times) after their summary window had closed: the change index, one Query per
 * UTC hour touched. In first-observed order.
 */
export async function queryBarChanges(
  tableName: string,
  region: string,
  fromIso: string,
  toIso: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<(SymbolMinute & { readonly observedAt: string })[]> {
  const changes: (SymbolMinute & { observedAt: string })[] = [];
  const end = Date.parse(toIso);
  for (let t = Date.parse(`${fromIso.slice(0, 13)}:00:00.000Z`); t <= end; t += 3_600_000) {
    const partition = barChangePartition(region, new Date(t).toISOString());
    for (const item of await queryIndex(client, tableName, TABLE.statusIndex, partition, fromIso, `${toIso}~`)) {
      const observedAt = item[TABLE.statusIndex.sortKey]?.S?.split('#')[0] ?? '';
      changes.push({ ...changedMinuteFromItem(item), observedAt });
    }
  }
  return changes;
}

async function queryIndex(
  client: DynamoDBClient,
  tableName: string,
  index: { readonly name: string; readonly partitionKey: string; readonly sortKey: string },
  partition: string,
  from: string,
  to: string,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':pk': { S: partition }, ':from': { S: from }, ':to': { S: to } },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
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
