/**
 * Owned items (record items and trade guards): a write only ever creates an item or adds the
 * writing run to it; it never overwrites what another run stored. Every request is conditional
 * on what the previous one found, so concurrent runs cannot interleave unnoticed.
 *
 * - claim: create the item, or — when an item with the same key and the same content hash is
 *   there — add this run to its `runs` (the content is stored once, held by every run that
 *   stored it). Another content under the same key is a conflict; the stored item is returned.
 * - take over: replace an item that this run alone holds, written from a later line of the same
 *   source (the smallest line wins, whatever order the chunks ran in).
 * - release: this run lets go of the item; the item is deleted when no run holds it any more.
 *
 * So a failed run removes only items it created and nobody else stored, and never touches an
 * item another run (completed or not) also stored.
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { STEP_ERROR_NAMES, TABLE } from '../../../contract';
import { type Item, type ItemKey, OWNERSHIP } from './items';

/** What a claim found. */
export type ClaimResult =
  | { readonly kind: 'created' }
  /** The same content was there; `previous` is the item before this run was added to it. */
  | { readonly kind: 'joined'; readonly previous: Item }
  /** Other content is stored under the key; nothing was written. */
  | { readonly kind: 'conflict'; readonly existing: Item };

/** The stored item is not the one a conditional write expected (DynamoDB's error, with ALL_OLD). */
interface ConditionalCheckFailed {
  readonly name: 'ConditionalCheckFailedException';
  readonly Item?: Item;
}

function isConditionFailure(error: unknown): error is ConditionalCheckFailed {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}

/** Rounds of conditional requests when other runs keep changing an item's holders. */
const CLAIM_ROUNDS = 5;
const RELEASE_ROUNDS = 5;

/** The holders of an item changed faster than a claim or release could settle (retry the step). */
export class OwnershipContentionError extends Error {
  constructor(readonly key: ItemKey) {
    super(`The holders of ${key.pk.S} / ${key.sk.S} kept changing; not settled`);
    this.name = STEP_ERROR_NAMES.ownershipContention;
  }
}

/** The key attributes of `item`. */
export function keyOf(item: Item): ItemKey {
  return { pk: item[TABLE.partitionKey] as { S: string }, sk: item[TABLE.sortKey] as { S: string } };
}

/** The creator of a stored item. */
export function creatorOf(item: Item): string | undefined {
  return item[OWNERSHIP.creator]?.S;
}

/** The runs holding a stored item. */
export function holdersOf(item: Item): readonly string[] {
  return item[OWNERSHIP.runs]?.SS ?? [];
}

/**
 * Creates `item` (which carries its creator, `runs` = [creator] and its content hash), or adds
 * its creator to an existing item with the same content hash. The stored item is never changed
 * otherwise, so the first stored version (its source, its creator) stays.
 *
 * Create-first: a new item costs one conditional PutItem; an item already there costs that
 * failed put (billed like a write) and, for a run not yet holding it, one small UpdateItem.
 * (A single UpdateItem with an `if_not_exists` per attribute would make the second case one
 * request, but every first write — the common case — slower to evaluate.)
 */
export async function claimItem(client: DynamoDBClient, tableName: string, item: Item): Promise<ClaimResult> {
  const runId = creatorOf(item);
  for (let round = 0; round < CLAIM_ROUNDS; round++) {
    let existing: Item;
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'created' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The condition only fails on an existing item, which DynamoDB returns with ALL_OLD.
      existing = error.Item ?? {};
    }
    if (existing[OWNERSHIP.contentHash]?.S !== item[OWNERSHIP.contentHash]?.S) return { kind: 'conflict', existing };
    if (runId !== undefined && holdersOf(existing).includes(runId)) return { kind: 'joined', previous: existing };
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { ...keyOf(item) },
          UpdateExpression: 'ADD #runs :runs',
          // Still the same content: not deleted or taken over since the put found it.
          ConditionExpression: '#hash = :hash',
          ExpressionAttributeNames: { '#runs': OWNERSHIP.runs, '#hash': OWNERSHIP.contentHash },
          ExpressionAttributeValues: { ':runs': item[OWNERSHIP.runs], ':hash': item[OWNERSHIP.contentHash] },
        }),
      );
      return { kind: 'joined', previous: existing };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new OwnershipContentionError(keyOf(item));
}

/** Conditions that `runId` alone holds the stored item and that it was written from `line`. */
function soleHolderFromLine(
  runId: string,
  line: AttributeValue,
): {
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
  condition: string;
} {
  return {
    names: { '#creator': OWNERSHIP.creator, '#runs': OWNERSHIP.runs, '#line': 'sourceLine' },
    values: { ':run': { S: runId }, ':line': line, ':one': { N: '1' } },
    condition: '#creator = :run AND contains(#runs, :run) AND size(#runs) = :one AND #line = :line',
  };
}

/**
 * Replaces `existing` with `item` when the run creating `item` alone holds `existing` and it
 * still comes from the same line. Returns false when the stored item changed meanwhile.
 */
export async function takeOverItem(
  client: DynamoDBClient,
  tableName: string,
  item: Item,
  existing: Item,
): Promise<boolean> {
  const runId = creatorOf(item);
  const line = existing.sourceLine;
  if (runId === undefined || line === undefined) return false;
  const { names, values, condition } = soleHolderFromLine(runId, line);
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** What a release did. */
export type ReleaseResult = 'deleted' | 'released' | 'kept';

/**
 * `runId` lets go of the item at `key`: deletes it when `runId` alone holds it, otherwise
 * removes `runId` from its holders; an item `runId` does not hold (or no item) is kept.
 * With `fromLine`, only an item this run wrote from that line (of `sourceUri`) is released:
 * how a row undoes its own write without touching the item another row of its run wrote.
 */
export async function releaseItem(
  client: DynamoDBClient,
  tableName: string,
  key: ItemKey,
  runId: string,
  fromLine?: { readonly sourceUri: string; readonly line: number },
): Promise<ReleaseResult> {
  const names: Record<string, string> = { '#runs': OWNERSHIP.runs };
  const values: Record<string, AttributeValue> = { ':run': { S: runId }, ':one': { N: '1' } };
  let source = '';
  if (fromLine) {
    names['#uri'] = 'sourceUri';
    names['#line'] = 'sourceLine';
    values[':uri'] = { S: fromLine.sourceUri };
    values[':line'] = { N: String(fromLine.line) };
    source = ' AND #uri = :uri AND #line = :line';
  }
  for (let round = 0; round < RELEASE_ROUNDS; round++) {
    try {
      await client.send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: { ...key },
          ConditionExpression: `contains(#runs, :run) AND size(#runs) = :one${source}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'deleted';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const stored = error.Item;
      if (!stored || !holdersOf(stored).includes(runId)) return 'kept';
      if (fromLine && (stored.sourceUri?.S !== fromLine.sourceUri || stored.sourceLine?.N !== String(fromLine.line)))
        return 'kept';
    }
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { ...key },
          UpdateExpression: 'DELETE #runs :runs',
          ConditionExpression: `contains(#runs, :run) AND size(#runs) > :one${source}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':runs': { SS: [runId] } },
        }),
      );
      return 'released';
    } catch (error) {
      // Another holder let go meanwhile: this run may now be the last one; delete again.
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new OwnershipContentionError(key);
}
