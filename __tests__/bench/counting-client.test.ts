import {
  BatchGetItemCommand,
  GetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CountingDynamoClient, parseKeyCondition, type TableDefinition } from '../../bench/counting-client';
import type { Item } from '../../bench/item-size';

const table: TableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    { name: 'all', partitionKey: 'g1pk', sortKey: 'g1sk', projection: 'ALL' },
    { name: 'keys', partitionKey: 'g2pk', projection: 'KEYS_ONLY' },
  ],
};

/** An item of exactly `bytes` bytes: 'pk'+'p'(3) + 'sk'+'s'(3) + 'pad'(3) + padding. */
function itemOfSize(bytes: number, sk = 's', extra: Item = {}): Item {
  const base: Item = { pk: { S: 'p' }, sk: { S: sk }, ...extra };
  const used =
    3 + 2 + sk.length + 3 + Object.entries(extra).reduce((n, [k, v]) => n + k.length + (v.S?.length ?? 0), 0);
  return { ...base, pad: { S: 'x'.repeat(bytes - used) } };
}

describe('CountingDynamoClient writes', () => {
  it('counts one request and one unit per item of a 25-item BatchWriteItem', async () => {
    const client = new CountingDynamoClient(table);
    const puts = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: itemOfSize(200, `s${i}`) } }));
    await client.send(new BatchWriteItemCommand({ RequestItems: { t: puts } }));
    expect(client.totals()).toMatchObject({ requests: 1, itemWrites: 25, writeUnits: 25, indexWriteUnits: 0 });
  });

  it('evaluates conditions: a failed one writes nothing, throws with the stored item, and is billed', async () => {
    const client = new CountingDynamoClient(table);
    const condition = {
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    await client.send(new PutItemCommand({ TableName: 't', Item: itemOfSize(1500, 'a'), ...condition }));
    const failed = await client
      .send(new PutItemCommand({ TableName: 't', Item: itemOfSize(100, 'a'), ...condition }))
      .catch((error: unknown) => error);
    expect(failed).toMatchObject({ name: 'ConditionalCheckFailedException', Item: itemOfSize(1500, 'a') });
    expect(client.get({ pk: { S: 'p' }, sk: { S: 'a' } })).toEqual(itemOfSize(1500, 'a'));
    expect(client.totals()).toMatchObject({ requests: 2, itemWrites: 1, writeUnits: 4, conditionFailures: 1 });
  });

  it('returns the old item of an UpdateItem with ReturnValues ALL_OLD, nothing for a new one', async () => {
    const client = new CountingDynamoClient(table);
    const update = (value: string) =>
      client.send(
        new UpdateItemCommand({
          TableName: 't',
          Key: { pk: { S: 'p' }, sk: { S: 'u' } },
          UpdateExpression: 'SET v = :v',
          ExpressionAttributeValues: { ':v': { S: value } },
          ReturnValues: 'ALL_OLD',
        }),
      );
    await expect(update('1')).resolves.toEqual({});
    await expect(update('2')).resolves.toEqual({ Attributes: { pk: { S: 'p' }, sk: { S: 'u' }, v: { S: '1' } } });
  });

  it('bills one unit per started kilobyte of the item', async () => {
    const client = new CountingDynamoClient(table);
    await client.send(new PutItemCommand({ TableName: 't', Item: itemOfSize(1024, 'a') }));
    await client.send(new PutItemCommand({ TableName: 't', Item: itemOfSize(1025, 'b') }));
    expect(client.writes.map((w) => [w.bytes, w.tableUnits])).toEqual([
      [1024, 1],
      [1025, 2],
    ]);
  });

  it('bills an overwrite by the larger of the old and new item', async () => {
    const client = new CountingDynamoClient(table);
    client.seed([itemOfSize(2500)]);
    await client.send(new PutItemCommand({ TableName: 't', Item: itemOfSize(100) }));
    expect(client.writes[0]).toMatchObject({ bytes: 2500, tableUnits: 3 });
  });

  it('adds an index write only for items that carry every key attribute of a sparse index', async () => {
    const client = new CountingDynamoClient(table);
    await client.send(new PutItemCommand({ TableName: 't', Item: itemOfSize(300, 'a', { g1pk: { S: 'x' } }) }));
    await client.send(
      new PutItemCommand({ TableName: 't', Item: itemOfSize(300, 'b', { g1pk: { S: 'x' }, g1sk: { S: 'y' } }) }),
    );
    expect(client.writes[0].indexUnits).toEqual({});
    expect(client.writes[1].indexUnits).toEqual({ all: 1 });
    expect(client.totals().writeUnits).toBe(3);
  });

  it('sizes a KEYS_ONLY index entry by its keys, not the whole item', async () => {
    const client = new CountingDynamoClient(table);
    await client.send(new PutItemCommand({ TableName: 't', Item: itemOfSize(3000, 'a', { g2pk: { S: 'k' } }) }));
    expect(client.writes[0]).toMatchObject({ tableUnits: 3, indexUnits: { keys: 1 } });
  });

  it('bills a delete and a put in the index when the index key changes', async () => {
    const client = new CountingDynamoClient(table);
    client.seed([itemOfSize(300, 's', { g1pk: { S: 'old' }, g1sk: { S: '1' } })]);
    await client.send(
      new PutItemCommand({ TableName: 't', Item: itemOfSize(300, 's', { g1pk: { S: 'new' }, g1sk: { S: '1' } }) }),
    );
    expect(client.writes[0].indexUnits).toEqual({ all: 2 });
  });

  it('bills nothing in an index the write does not change', async () => {
    const client = new CountingDynamoClient(table);
    const item = itemOfSize(300, 's', { g2pk: { S: 'k' } });
    client.seed([item]);
    await client.send(new PutItemCommand({ TableName: 't', Item: { ...item, pad: { S: 'changed' } } }));
    expect(client.writes[0].indexUnits).toEqual({});
  });

  it('bills a delete by the size of the item it removes, in the table and its indexes', async () => {
    const client = new CountingDynamoClient(table);
    client.seed([itemOfSize(1500, 's', { g1pk: { S: 'a' }, g1sk: { S: 'b' } })]);
    await client.send(new DeleteItemCommand({ TableName: 't', Key: { pk: { S: 'p' }, sk: { S: 's' } } }));
    expect(client.writes[0]).toMatchObject({ kind: 'delete', tableUnits: 2, indexUnits: { all: 2 } });
    expect(client.get({ pk: { S: 'p' }, sk: { S: 's' } })).toBeUndefined();
  });

  it('sizes an UpdateItem by the item after the update', async () => {
    const client = new CountingDynamoClient(table);
    client.seed([itemOfSize(1000)]);
    await client.send(
      new UpdateItemCommand({
        TableName: 't',
        Key: { pk: { S: 'p' }, sk: { S: 's' } },
        UpdateExpression: 'SET more = :m',
        ExpressionAttributeValues: { ':m': { S: 'y'.repeat(100) } },
      }),
    );
    expect(client.writes[0]).toMatchObject({ bytes: 1104, tableUnits: 2 });
  });

  it('bills transactional writes twice', async () => {
    const client = new CountingDynamoClient(table);
    await client.send(
      new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 't', Item: itemOfSize(100) } }] }),
    );
    expect(client.totals()).toMatchObject({ requests: 1, writeUnits: 2 });
  });

  it('rejects a batch that names one key twice, as DynamoDB does', async () => {
    const client = new CountingDynamoClient(table);
    const put = { PutRequest: { Item: itemOfSize(100) } };
    await expect(client.send(new BatchWriteItemCommand({ RequestItems: { t: [put, put] } }))).rejects.toThrow(
      /duplicates/,
    );
  });
});

describe('CountingDynamoClient reads', () => {
  const client = new CountingDynamoClient(table);
  client.seed([
    { pk: { S: 'REC#A#m1' }, sk: { S: 'T#2' } },
    { pk: { S: 'REC#A#m1' }, sk: { S: 'T#1' } },
    { pk: { S: 'REC#A#m1' }, sk: { S: 'Q#1' } },
    { pk: { S: 'REC#A#m2' }, sk: { S: 'T#3' } },
  ]);

  it('answers a Query on the partition key and a begins_with sort condition, in sort-key order', async () => {
    const out = await client.send(
      new QueryCommand({
        TableName: 't',
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :t)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': { S: 'REC#A#m1' }, ':t': { S: 'T#' } },
      }),
    );
    expect((out.Items as Item[]).map((i) => i.sk.S)).toEqual(['T#1', 'T#2']);
  });

  it('pages with Limit and ExclusiveStartKey', async () => {
    const query = (start?: Item) =>
      client.send(
        new QueryCommand({
          TableName: 't',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'REC#A#m1' } },
          Limit: 2,
          ExclusiveStartKey: start,
        }),
      );
    const first = await query();
    expect((first.Items as Item[]).map((i) => i.sk.S)).toEqual(['Q#1', 'T#1']);
    const second = await query(first.LastEvaluatedKey as Item);
    expect((second.Items as Item[]).map((i) => i.sk.S)).toEqual(['T#2']);
    expect(second.LastEvaluatedKey).toBeUndefined();
  });

  it('counts reads apart from writes', () => {
    expect(client.totals()).toMatchObject({ requests: 0, readRequests: 3 });
  });

  it('refuses key conditions it cannot model', () => {
    expect(() => parseKeyCondition('pk = :a OR pk = :b', {})).toThrow(/cannot model/);
    expect(() => parseKeyCondition('#p = :a', {})).toThrow(/#p/);
    expect(parseKeyCondition('pk = :a AND sk BETWEEN :x AND :y', {}).sort).toEqual({
      name: 'sk',
      op: 'BETWEEN',
      values: [':x', ':y'],
    });
  });
});

describe('CountingDynamoClient read billing', () => {
  const big = (i: number): Item => itemOfSize(3000, `T#${String(i).padStart(6, '0')}`);

  it('bills a consistent Query page by the full size of the items it reads, 4 KB per unit', async () => {
    const client = new CountingDynamoClient(table);
    client.seed([big(1), big(2), big(3)]);
    await client.send(
      new QueryCommand({
        TableName: 't',
        KeyConditionExpression: 'pk = :pk',
        ProjectionExpression: 'sk',
        ExpressionAttributeValues: { ':pk': { S: 'p' } },
        ConsistentRead: true,
      }),
    );
    expect(client.totals()).toMatchObject({ readUnits: 3, queryPages: 1 });
  });

  it('ends a Query page after 1 MB of items and halves the units of an eventually consistent read', async () => {
    const client = new CountingDynamoClient(table);
    client.seed(Array.from({ length: 400 }, (_, i) => big(i)));
    const pages: number[] = [];
    let start: Item | undefined;
    do {
      const out = await client.send(
        new QueryCommand({
          TableName: 't',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'p' } },
          ExclusiveStartKey: start,
        }),
      );
      pages.push((out.Items as Item[]).length);
      start = out.LastEvaluatedKey as Item | undefined;
    } while (start);
    // 3000-byte items: a page stops at the first item that reaches 1 MiB (350 items).
    expect(pages).toEqual([350, 50]);
    expect(client.totals().queryPages).toBe(2);
    expect(client.totals().readUnits).toBe((Math.ceil((350 * 3000) / 4096) + Math.ceil((50 * 3000) / 4096)) / 2);
  });

  it('bills each BatchGetItem key and a GetItem of a missing item at the minimum', async () => {
    const client = new CountingDynamoClient(table);
    client.seed([big(1)]);
    await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'p' }, sk: { S: 'none' } } }));
    await client.send(
      new BatchGetItemCommand({
        RequestItems: {
          t: {
            Keys: [
              { pk: { S: 'p' }, sk: { S: 'T#000001' } },
              { pk: { S: 'p' }, sk: { S: 'x' } },
            ],
            ConsistentRead: true,
          },
        },
      }),
    );
    expect(client.totals().readUnits).toBe(0.5 + 1 + 1);
  });
});
