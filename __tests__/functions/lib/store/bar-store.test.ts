import '../../support/env';
import { BatchGetItemCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  hoursBetween,
  loadMinuteTrades,
  putPartial,
  queryBarChanges,
  readPartials,
} from '../../../../functions/lib/store/bar-store';
import { partialBarItem, partialBarKey, recordItem } from '../../../../functions/lib/store/items';
import { partialOf } from '../../../../functions/lib/domain/bars';
import { trade } from '../../support/records';

const ddb = mockClient(DynamoDBClient);

const MINUTE = '2024-03-01T14:30:00.000Z';

describe('loadMinuteTrades', () => {
  it('reads every page of the minute with a consistent read, trades only, with their origin', async () => {
    ddb.reset();
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [recordItem(trade({ recordId: 'a' }))],
        LastEvaluatedKey: { pk: { S: 'p' }, sk: { S: 'T#a' } },
      })
      .resolves({ Items: [recordItem(trade({ recordId: 'b', price: '1.5', originRegion: 'us-west-2' }))] });
    const trades = await loadMinuteTrades('t', 'AAPL', MINUTE);
    expect(trades.map((t) => [t.recordId, t.price, t.originRegion])).toEqual([
      ['a', '187.25', 'us-east-1'],
      ['b', '1.5', 'us-west-2'],
    ]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[1].ExclusiveStartKey).toEqual({ pk: { S: 'p' }, sk: { S: 'T#a' } });
    expect(calls[0]).toMatchObject({
      ConsistentRead: true,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :trade)',
    });
  });
});

describe('partial bars', () => {
  const east = partialOf('AAPL', MINUTE, 'us-east-1', [{ recordId: 'a', epochMs: 1, price: '10', size: 2 }], '101');
  const write = { updatedAt: '2024-03-01T14:36:00.000Z', late: false };

  it('reads the partials of every region of every minute consistently, asking again for unprocessed keys', async () => {
    ddb.reset();
    ddb
      .on(BatchGetItemCommand)
      .resolvesOnce({
        Responses: { t: [partialBarItem(east, write)] },
        UnprocessedKeys: { t: { Keys: [{ ...partialBarKey('AAPL', MINUTE, 'us-west-2') }], ConsistentRead: true } },
      })
      .resolves({ Responses: { t: [] } });
    const found = await readPartials('t', [{ symbol: 'AAPL', minute: MINUTE }], ['us-east-1', 'us-west-2']);
    expect(found.get(`AAPL#${MINUTE}`)).toEqual([east]);
    const calls = ddb.commandCalls(BatchGetItemCommand).map((c) => c.args[0].input.RequestItems!.t);
    expect(calls[0]).toEqual({
      ConsistentRead: true,
      Keys: [{ ...partialBarKey('AAPL', MINUTE, 'us-east-1') }, { ...partialBarKey('AAPL', MINUTE, 'us-west-2') }],
    });
    expect(calls[1].Keys).toEqual([{ ...partialBarKey('AAPL', MINUTE, 'us-west-2') }]);
  });

  it('writes a partial only over the sequence number it was read at, or where none is stored', async () => {
    ddb.reset();
    ddb.on(PutItemCommand).resolves({});
    await putPartial('t', east, write, '100');
    await putPartial('t', east, write, undefined);
    const [over, fresh] = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(over).toMatchObject({
      ConditionExpression: '#sequence = :read',
      ExpressionAttributeValues: { ':read': { S: '100' } },
    });
    expect(fresh).toMatchObject({ ConditionExpression: 'attribute_not_exists(#pk)' });
  });

  it('finds bar changes in the change index of the region, one Query per hour touched', async () => {
    ddb.reset();
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          ...partialBarItem(east, { updatedAt: '2024-03-01T14:59:30.000Z', late: true }),
        },
      ],
    });
    const changes = await queryBarChanges('t', 'us-east-1', '2024-03-01T14:58:00.000Z', '2024-03-01T15:01:00.000Z');
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries.map((q) => q.ExpressionAttributeValues![':pk'].S)).toEqual([
      'BARCHANGES#us-east-1#2024-03-01T14',
      'BARCHANGES#us-east-1#2024-03-01T15',
    ]);
    expect(queries[0]).toMatchObject({ IndexName: 'status-index' });
    expect(changes[0]).toEqual({ symbol: 'AAPL', minute: MINUTE, observedAt: '2024-03-01T14:59:30.000Z' });
  });
});

describe('time-series partitions', () => {
  it('lists every UTC hour a minute range touches', () => {
    expect(hoursBetween('2024-03-01T14:55:00.000Z', '2024-03-01T15:04:00.000Z')).toEqual([
      'BARS#2024-03-01T14',
      'BARS#2024-03-01T15',
    ]);
    expect(hoursBetween('2024-03-01T14:30:00.000Z', '2024-03-01T14:34:00.000Z')).toEqual(['BARS#2024-03-01T14']);
  });
});
