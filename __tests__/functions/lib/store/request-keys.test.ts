import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CountingDynamoClient } from '../../../../bench/counting-client';
import { apiRequestIdentity } from '../../../../functions/lib/domain/ids';
import {
  claimRequestKey,
  REQUEST_KEY_TTL_HOURS,
  requestKeyItemKey,
} from '../../../../functions/lib/store/request-keys';

const request = apiRequestIdentity('iam:arn:aws:iam::123:user/feed', 'order-1');
const T0 = new Date('2026-03-10T14:30:00.000Z');

describe('Idempotency-Key bindings', () => {
  let table: CountingDynamoClient;
  const claim = (bodyHash: string, requestId: string, now = T0) =>
    claimRequestKey('t', request, bodyHash, requestId, now, table as unknown as DynamoDBClient);

  beforeEach(() => {
    table = new CountingDynamoClient();
  });

  it('binds a key to the body of its first request, and accepts that body again (a retry)', async () => {
    await expect(claim('hash-a', 'req-1')).resolves.toEqual({ kind: 'bound' });
    await expect(claim('hash-a', 'req-2')).resolves.toEqual({ kind: 'bound' });
    expect(table.get(requestKeyItemKey(request) as never)).toMatchObject({
      bodyHash: { S: 'hash-a' },
      requestId: { S: 'req-1' },
      expiresAt: { N: String(T0.getTime() / 1000 + REQUEST_KEY_TTL_HOURS * 3600) },
    });
  });

  it('refuses the key with another body, naming the first request', async () => {
    await claim('hash-a', 'req-1');
    await expect(claim('hash-b', 'req-2')).resolves.toEqual({
      kind: 'reused',
      requestId: 'req-1',
      firstSeenAt: T0.toISOString(),
    });
  });

  it('forgets a binding after its time to live, even before DynamoDB deletes the item', async () => {
    await claim('hash-a', 'req-1');
    const later = new Date(T0.getTime() + (REQUEST_KEY_TTL_HOURS * 3600 + 1) * 1000);
    await expect(claim('hash-b', 'req-2', later)).resolves.toEqual({ kind: 'bound' });
  });
});
