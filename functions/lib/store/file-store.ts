/**
 * The file item's life cycle: PROCESSING (findable through the sparse status index) →
 * COMPLETED or FAILED (index attributes removed, so the index only ever holds open runs).
 */
import { type DynamoDBClient, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../aws/clients/dynamodb';
import { TABLE } from '../../../contract';
import { type FileRun, fileKey, processingFileItem } from './items';

/** Counts recorded on a finished file. */
export interface FileCounts {
  readonly accepted?: number;
  readonly rejected?: number;
  readonly stored?: number;
  readonly reasons?: Readonly<Record<string, number>>;
}

/** Records that a run started (replaces any earlier state of the same file id: a re-run starts over). */
export async function markFileProcessing(
  tableName: string,
  run: FileRun,
  region: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<void> {
  await client.send(new PutItemCommand({ TableName: tableName, Item: processingFileItem(run, region) }));
}

/** Marks the run COMPLETED with its counts and drops it from the status index. */
export async function markFileCompleted(
  tableName: string,
  fileId: string,
  counts: FileCounts,
  region: string,
  client?: DynamoDBClient,
): Promise<void> {
  await finish(tableName, fileId, 'COMPLETED', { ...countValues(counts) }, region, client);
}

/** Marks the run FAILED with the error name and drops it from the status index. */
export async function markFileFailed(
  tableName: string,
  fileId: string,
  errorName: string,
  region: string,
  client?: DynamoDBClient,
): Promise<void> {
  await finish(tableName, fileId, 'FAILED', { errorName: { S: errorName } }, region, client);
}

function countValues(counts: FileCounts): Record<string, AttributeValue> {
  const values: Record<string, AttributeValue> = {};
  for (const name of ['accepted', 'rejected', 'stored'] as const) {
    const value = counts[name];
    if (value !== undefined) values[name] = { N: String(value) };
  }
  if (counts.reasons)
    values.reasons = { M: Object.fromEntries(Object.entries(counts.reasons).map(([k, v]) => [k, { N: String(v) }])) };
  return values;
}

async function finish(
  tableName: string,
  fileId: string,
  status: 'COMPLETED' | 'FAILED',
  attributes: Record<string, AttributeValue>,
  region: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<void> {
  const all: Record<string, AttributeValue> = {
    ...attributes,
    status: { S: status },
    finishedAt: { S: new Date().toISOString() },
    [TABLE.originRegion]: { S: region },
  };
  const names: Record<string, string> = {
    '#gsi1pk': TABLE.statusIndex.partitionKey,
    '#gsi1sk': TABLE.statusIndex.sortKey,
  };
  const values: Record<string, AttributeValue> = {};
  const sets = Object.entries(all).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:v${i}`] = value;
    return `#a${i} = :v${i}`;
  });
  await client.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { ...fileKey(fileId) },
      UpdateExpression: `SET ${sets.join(', ')} REMOVE #gsi1pk, #gsi1sk`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}
