/**
 * Idempotency keys of `POST /ingest`: one item per (caller, key), bound to a hash of the body
 * of the first request that used it, remembered for REQUEST_KEY_TTL_HOURS. The same key with the
 * same body is a retry (its records get the same ids, so storing them again adds nothing); the
 * same key with another body is refused. After the key is forgotten, a reused key still cannot
 * overwrite anything: the records get the ids of the first request's records, and storage
 * reports them as CONFLICTING_DUPLICATE.
 */
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../aws/clients/dynamodb';
import { TABLE } from '../../../contract';
import type { ApiRequestIdentity } from '../domain/ids';
import type { ItemKey } from './items';

/** How long a key is bound to its body. */
export const REQUEST_KEY_TTL_HOURS = 24;

/** Key of the item of `request`'s Idempotency-Key. */
export function requestKeyItemKey(request: ApiRequestIdentity): ItemKey {
  return { pk: { S: `IDEM#${request.callerHash}#${request.idempotencyKey}` }, sk: { S: 'IDEM' } };
}

/** The outcome of binding a key to a body. */
export type RequestKeyClaim =
  | { readonly kind: 'bound' }
  /** The key was bound to another body by the request `requestId` (at `firstSeenAt`). */
  | { readonly kind: 'reused'; readonly requestId: string; readonly firstSeenAt: string };

/** Binds `request`'s key to `bodyHash` (or finds it already bound to the same body). */
export async function claimRequestKey(
  tableName: string,
  request: ApiRequestIdentity,
  bodyHash: string,
  requestId: string,
  now: Date = new Date(),
  client: DynamoDBClient = dynamoClient(),
): Promise<RequestKeyClaim> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          ...requestKeyItemKey(request),
          bodyHash: { S: bodyHash },
          requestId: { S: requestId },
          firstSeenAt: { S: now.toISOString() },
          [TABLE.ttl]: { N: String(nowSeconds + REQUEST_KEY_TTL_HOURS * 3600) },
        },
        // A retry (same body) keeps the first request's binding; an expired binding is replaced
        // (TTL deletion lags, so expiry is checked here too).
        ConditionExpression: 'attribute_not_exists(#pk) OR #expires < :now',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#expires': TABLE.ttl },
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { kind: 'bound' };
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    const existing = (error as { Item?: Record<string, { S?: string }> }).Item ?? {};
    if (existing.bodyHash?.S === bodyHash) return { kind: 'bound' };
    return {
      kind: 'reused',
      requestId: existing.requestId?.S ?? 'unknown',
      firstSeenAt: existing.firstSeenAt?.S ?? 'unknown',
    };
  }
}
