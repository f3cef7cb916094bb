/**
 * What the summary function remembers: each publication of (window, symbol) with its
 * fingerprint and revision number, and how far it has looked through the change index. The
 * summary runs in the active region only; every item carries the region that wrote it in its
 * key, so after a failover the two regions never write the same item.
 */
import { type DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../aws/clients/dynamodb';
import { mapWithConcurrency } from '../aws/batching';
import {
  type Item,
  type PublishedSummary,
  publishedSummaryFromItem,
  publishedSummaryItem,
  summaryCursorKey,
  summaryPartition,
} from './items';

/**
 * The latest publication of each symbol of the window starting at `windowStart` (whichever
 * region published it), by symbol. Consistent read: the same region wrote them.
 */
export async function readPublished(
  tableName: string,
  windowStart: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<Map<string, PublishedSummary>> {
  const latest = new Map<string, PublishedSummary>();
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': { S: summaryPartition(windowStart) } },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const published = publishedSummaryFromItem(item);
      const known = latest.get(published.symbol);
      if (!known || published.revision > known.revision) latest.set(published.symbol, published);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return latest;
}

/** Records publications (one PutItem each, a few in flight). */
export async function writePublished(
  tableName: string,
  published: readonly PublishedSummary[],
  client: DynamoDBClient = dynamoClient(),
): Promise<void> {
  await mapWithConcurrency(published, 8, (p) =>
    client.send(new PutItemCommand({ TableName: tableName, Item: publishedSummaryItem(p) })),
  );
}

/** Up to when (ISO) the change index of `region` has been looked through, if ever. */
export async function readChangeCursor(
  tableName: string,
  region: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<string | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { ...summaryCursorKey(region) }, ConsistentRead: true }),
  );
  return Item?.checkedTo?.S;
}

/** Records that the change index of `region` has been looked through up to `checkedTo` (ISO). */
export async function writeChangeCursor(
  tableName: string,
  region: string,
  checkedTo: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { ...summaryCursorKey(region), checkedTo: { S: checkedTo }, originRegion: { S: region } },
    }),
  );
}
