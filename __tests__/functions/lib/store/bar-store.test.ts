import '../../support/env';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { hoursBetween, loadTrades } from '../../../../functions/lib/store/bar-store';
import { recordItem } from '../../../../functions/lib/store/items';
import { trade } from '../../support/records';

const ddb = mockClient(DynamoDBClient);

describe('loadTrades', () => {
  it('reads every page of the minute with a consistent read, trades only', async () => {
    ddb.reset();
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [recordItem(trade({ recordId: 'a' }))],
        LastEvaluatedKey: { pk: { S: 'p' }, sk: { S: 'T#a' } },
      })
      .resolves({ Items: [recordItem(trade({ recordId: 'b', price: '1.5' }))] });
    const trades = await loadTrades('t', 'AAPL', '2024-03-01T14:30:00.000Z');
    expect(trades.map((t) => [t.recordId, t.price])).toEqual([
      ['a', '187.25'],
      ['b', '1.5'],
    ]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[1].ExclusiveStartKey).toEqual({ pk: { S: 'p' }, sk: { S: 'T#a' } });
    expect(calls[0]).toMatchObject({
      ConsistentRead: true,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :trade)',
    });
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
