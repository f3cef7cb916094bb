/**
 * The file item's life cycle, one per object version: PROCESSING (findable through the sparse
 * status index) → COMPLETED or FAILED (index attributes removed, so the index only ever holds
 * open runs). The item also says which run holds the version (`runId`): one run per version at
 * a time. A starter claims the version before it starts a run, Validate claims it again (so a run
 * started any other way is held to the same rule), and only the holder finishes the item.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../aws/clients/dynamodb';
import { type FileWorkflowInput, TABLE } from '../../../contract';
import { type FileRun, type FileStatus, fileKey, OWNERSHIP, processingFileItem } from './items';
import { RunInProgressError } from '../runtime/workflow-errors';

/** Counts recorded on a finished file. */
export interface FileCounts {
  readonly accepted?: number;
  readonly rejected?: number;
  readonly stored?: number;
  readonly duplicates?: number;
  readonly warnings?: number;
  readonly reasons?: Readonly<Record<string, number>>;
}

/** Which run holds a version, and since when. */
export interface FileHolder {
  readonly runId?: string;
  readonly status: FileStatus;
  /** When the holder's run was requested (ISO). */
  readonly requestedAt?: string;
}

/** What the file item records for run `runId` of the version `input` names. */
export function fileRunOf(input: FileWorkflowInput, fileId: string, runId: string): FileRun {
  return {
    fileId,
    runId,
    bucket: input.bucket,
    key: input.key,
    versionId: input.versionId,
    processingType: input.processingType,
    requestedAt: input.requestedAt,
    size: input.size,
  };
}

/** The run holding `fileId`, read consistently; undefined when no run ever started. */
export async function readFileHolder(
  tableName: string,
  fileId: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<FileHolder | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { ...fileKey(fileId) },
      ConsistentRead: true,
      ProjectionExpression: '#run, #status, #requested',
      ExpressionAttributeNames: { '#run': OWNERSHIP.creator, '#status': 'status', '#requested': 'requestedAt' },
    }),
  );
  if (!Item) return undefined;
  return {
    runId: Item[OWNERSHIP.creator]?.S,
    status: (Item.status?.S ?? 'PROCESSING') as FileStatus,
    requestedAt: Item.requestedAt?.S,
  };
}

/**
 * Records that `run` holds the version (PROCESSING). Allowed when no run holds it: no item, a
 * finished item, an item this run already holds, or the holder `replaces` (found not running).
 * @throws RunInProgressError when another run holds it.
 */
export async function claimFileRun(
  tableName: string,
  run: FileRun,
  region: string,
  options: { readonly replaces?: string; readonly client?: DynamoDBClient } = {},
): Promise<void> {
  const client = options.client ?? dynamoClient();
  const values: Record<string, AttributeValue> = { ':run': { S: run.runId }, ':processing': { S: 'PROCESSING' } };
  let condition = 'attribute_not_exists(#pk) OR #run = :run OR #status <> :processing';
  if (options.replaces !== undefined) {
    values[':replaced'] = { S: options.replaces };
    condition += ' OR #run = :replaced';
  }
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: processingFileItem(run, region),
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#run': OWNERSHIP.creator, '#status': 'status' },
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    const holder = (error as { Item?: Record<string, AttributeValue> }).Item?.[OWNERSHIP.creator]?.S ?? 'unknown';
    throw new RunInProgressError(run.fileId, holder);
  }
}

/**
 * Marks the run COMPLETED with its counts and drops it from the status index.
 * @returns false when another run holds the version now (the item is left to it).
 */
export async function markFileCompleted(
  tableName: string,
  fileId: string,
  runId: string,
  counts: FileCounts,
  region: string,
  client?: DynamoDBClient,
): Promise<boolean> {
  return finish(tableName, fileId, runId, 'COMPLETED', { ...countValues(counts) }, region, client);
}

/**
 * Marks the run FAILED with the error name and drops it from the status index.
 * @returns false when another run holds the version now (the item is left to it).
 */
export async function markFileFailed(
  tableName: string,
  fileId: string,
  runId: string,
  errorName: string,
  region: string,
  client?: DynamoDBClient,
): Promise<boolean> {
  return finish(tableName, fileId, runId, 'FAILED', { errorName: { S: errorName } }, region, client);
}

function countValues(counts: FileCounts): Record<string, AttributeValue> {
  const values: Record<string, AttributeValue> = {};
  for (const name of ['accepted', 'rejected', 'stored', 'duplicates', 'warnings'] as const) {
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
  runId: string,
  status: 'COMPLETED' | 'FAILED',
  attributes: Record<string, AttributeValue>,
  region: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<boolean> {
  const all: Record<string, AttributeValue> = {
    ...attributes,
    status: { S: status },
    finishedAt: { S: new Date().toISOString() },
    [TABLE.originRegion]: { S: region },
  };
  const names: Record<string, string> = {
    '#gsi1pk': TABLE.statusIndex.partitionKey,
    '#gsi1sk': TABLE.statusIndex.sortKey,
    '#run': OWNERSHIP.creator,
  };
  const values: Record<string, AttributeValue> = { ':run': { S: runId } };
  const sets = Object.entries(all).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:v${i}`] = value;
    return `#a${i} = :v${i}`;
  });
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { ...fileKey(fileId) },
        UpdateExpression: `SET ${sets.join(', ')} REMOVE #gsi1pk, #gsi1sk`,
        // Only the holder finishes the item (a run that lost the version leaves it alone).
        ConditionExpression: '#run = :run',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
