import '../../support/env';
import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  UnprocessedItemsError,
  dedupeWriteRequests,
  writeAll,
  writeBatches,
} from '../../../../functions/lib/store/batch-writer';

const ddb = mockClient(DynamoDBClient);
const noSleep = { sleep: () => Promise.resolve() };
const put = (i: number, value = 'x'): WriteRequest => ({
  PutRequest: { Item: { pk: { S: `REC#A#${i}` }, sk: { S: 'T#1' }, v: { S: value } } },
});
const sentBatches = (): WriteRequest[][] =>
  ddb.commandCalls(BatchWriteItemCommand).map((c) => c.args[0].input.RequestItems!.t);

beforeEach(() => ddb.reset());

describe('batch writer', () => {
  it('writes in chunks of 25 requests', async () => {
    ddb.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
    const written = await writeAll(
      't',
      Array.from({ length: 60 }, (_, i) => put(i)),
      noSleep,
    );
    expect(written).toBe(60);
    expect(sentBatches().map((b) => b.length)).toEqual([25, 25, 10]);
  });

  it('retries UnprocessedItems with backoff until they are written', async () => {
    const requests = [put(1), put(2), put(3)];
    ddb
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: { t: [requests[1], requests[2]] } })
      .resolvesOnce({ UnprocessedItems: { t: [requests[2]] } })
      .resolves({ UnprocessedItems: {} });
    const sleeps: number[] = [];
    const written = await writeAll('t', requests, {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    });
    expect(written).toBe(3);
    expect(sentBatches().map((b) => b.length)).toEqual([3, 2, 1]);
    expect(sleeps).toEqual([25, 50]);
  });

  it('throws UnprocessedItemsError when items stay unprocessed, reporting nothing as stored for them', async () => {
    const requests = [put(1), put(2)];
    ddb.on(BatchWriteItemCommand).resolves({ UnprocessedItems: { t: [requests[1]] } });
    const error = await writeAll('t', requests, { ...noSleep, maxAttempts: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessedItemsError);
    expect(error).toMatchObject({ name: 'UnprocessedItemsError', unprocessed: 1, written: 1 });
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(5);
  });

  it('retries a throttled request as a whole', async () => {
    ddb
      .on(BatchWriteItemCommand)
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }))
      .resolves({});
    await expect(writeAll('t', [put(1)], noSleep)).resolves.toBe(1);
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(2);
  });

  it('reports a non-retryable failure per request instead of dropping it', async () => {
    ddb.on(BatchWriteItemCommand).rejects(Object.assign(new Error('bad item'), { name: 'ValidationException' }));
    const outcome = await writeBatches('t', [put(1), put(2)], noSleep);
    expect(outcome.written).toBe(0);
    expect(outcome.failed).toHaveLength(2);
    expect(outcome.errors[0]).toMatchObject({ name: 'ValidationException' });
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(1);
  });

  it('sends one request per key (the last one wins), since DynamoDB rejects duplicate keys in a batch', () => {
    const deduped = dedupeWriteRequests([put(1, 'a'), put(2), put(1, 'b')]);
    expect(deduped).toHaveLength(2);
    expect(deduped.map((r) => r.PutRequest!.Item!.v.S)).toEqual(['x', 'b']);
  });
});
