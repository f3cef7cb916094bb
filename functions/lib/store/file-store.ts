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
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../aws/clients/dynamodb';
import { type FileWorkflowInput, TABLE } from '../../../contract';
import {
  type FileRun,
  type FileStatus,
  fileKey,
  OWNERSHIP,
  PROCESSING_FILES_PARTITION,
  processingFileItem,
} from './items';
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

/** What the file item says about the latest run of a file. */
export interface FileItemState {
  readonly fileId: string;
  readonly status: FileStatus;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly processingType: string;
  readonly requestedAt: string;
  /** The run holding the version (its execution name). */
  readonly runId?: string;
  /** The run whose failure was announced (SNS + FileProcessed), so it is announced once. */
  readonly failureAnnouncedBy?: string;
}

function fileItemState(item: Record<string, AttributeValue>): FileItemState {
  const text = (name: string): string | undefined => item[name]?.S;
  return {
    fileId: text('fileId') ?? '',
    status: (text('status') ?? 'PROCESSING') as FileStatus,
    bucket: text('bucket') ?? '',
    key: text('key') ?? '',
    versionId: text('versionId') ?? 'null',
    processingType: text('processingType') ?? 'standard',
    requestedAt: text('requestedAt') ?? '',
    ...(text(OWNERSHIP.creator) ? { runId: text(OWNERSHIP.creator) } : {}),
    ...(text('failureAnnouncedBy') ? { failureAnnouncedBy: text('failureAnnouncedBy') } : {}),
  };
}

/** The file item of `fileId` (strongly consistent), or undefined. */
export async function readFileItem(
  tableName: string,
  fileId: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<FileItemState | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { ...fileKey(fileId) }, ConsistentRead: true }),
  );
  return Item ? fileItemState(Item) : undefined;
}

/**
 * Records that `runId`'s failure has been announced (checked before announcing it again). A file
 * that has no item (its run never claimed it) gets none: there is nothing to guard.
 */
export async function markFailureAnnounced(
  tableName: string,
  fileId: string,
  runId: string,
  client: DynamoDBClient = dynamoClient(),
): Promise<void> {
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { ...fileKey(fileId) },
        UpdateExpression: 'SET #announced = :run',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#announced': 'failureAnnouncedBy', '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':run': { S: runId } },
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/**
 * File items still PROCESSING whose run was requested before `requestedBefore` (ISO time), from
 * the sparse status index (it holds open runs only), oldest first, page by page.
 */
export async function* filesProcessingSince(
  tableName: string,
  requestedBefore: string,
  client: DynamoDBClient = dynamoClient(),
): AsyncGenerator<FileItemState> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: TABLE.statusIndex.name,
        KeyConditionExpression: '#pk = :processing AND #sk < :before',
        ExpressionAttributeNames: { '#pk': TABLE.statusIndex.partitionKey, '#sk': TABLE.statusIndex.sortKey },
        ExpressionAttributeValues: {
          ':processing': { S: PROCESSING_FILES_PARTITION },
          ':before': { S: requestedBefore },
        },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) yield fileItemState(item);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
