import './support/env';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/bars';
import { barItem, recordItem } from '../../functions/lib/store/items';
import type { MinuteBar } from '../../functions/lib/domain/types';
import { context, quote, trade } from './support/records';

const ddb = mockClient(DynamoDBClient);
const eb = mockClient(EventBridgeClient);
const MINUTE = '2024-03-01T14:30:00.000Z';

let seq = 100;
/** A stream record as DynamoDB Streams delivers it (NEW_AND_OLD_IMAGES). */
function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, unknown>): DynamoDBRecord {
  const image = item as never;
  return {
    eventID: `e${seq}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/pipeline-test/stream/2024',
    dynamodb: {
      ApproximateCreationDateTime: 1709303405,
      Keys: { pk: (item as { pk: never }).pk, sk: (item as { sk: never }).sk },
      ...(eventName !== 'INSERT' ? { OldImage: image } : {}),
      ...(eventName !== 'REMOVE' ? { NewImage: image } : {}),
      SequenceNumber: String(seq++),
      SizeBytes: 300,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
const event = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

const t1 = trade({ recordId: 'a', timestamp: '2024-03-01T14:30:01.000Z', price: '10', size: 1, notional: '10' });
const t2 = trade({ recordId: 'b', timestamp: '2024-03-01T14:30:02.000Z', price: '12', size: 3, notional: '36' });
const msft = trade({ symbol: 'MSFT', recordId: 'm', price: '400', size: 1, notional: '400' });
const storedTrades: Record<string, ReturnType<typeof recordItem>[]> = {};

beforeEach(() => {
  ddb.reset();
  eb.reset();
  storedTrades[`REC#AAPL#${MINUTE}`] = [recordItem(t1), recordItem(t2)];
  storedTrades[`REC#MSFT#${MINUTE}`] = [recordItem(msft)];
  ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, { S: string }> }) => ({
    Items: storedTrades[input.ExpressionAttributeValues[':pk'].S] ?? [],
  }));
  ddb.on(GetItemCommand).resolves({});
  ddb.on(PutItemCommand).resolves({});
  ddb.on(DeleteItemCommand).resolves({});
  eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map(() => ({ EventId: 'x' })),
  }));
});

const expectedAapl: MinuteBar = {
  symbol: 'AAPL',
  minute: MINUTE,
  open: '10',
  high: '12',
  low: '10',
  close: '12',
  volume: 4,
  trades: 2,
  notional: '46',
  vwap: '11.5',
};

describe('bars function', () => {
  it('recomputes each touched minute once from the stored trades and writes and announces the bar', async () => {
    const result = await handler(
      event(streamRecord('INSERT', recordItem(t1)), streamRecord('INSERT', recordItem(t2))),
      context,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(ddb.commandCalls(QueryCommand)[0].args[0].input).toMatchObject({
      ConsistentRead: true,
      ExpressionAttributeValues: { ':pk': { S: `REC#AAPL#${MINUTE}` }, ':trade': { S: 'T#' } },
    });
    const puts = ddb.commandCalls(PutItemCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0].args[0].input.Item).toEqual(barItem(expectedAapl, 'us-east-1'));
    const entries = eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries!;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      DetailType: 'MinuteBarUpdated',
      Source: 'market-data.pipeline',
      EventBusName: 'events-test',
    });
    expect(JSON.parse(entries[0].Detail!)).toEqual(expectedAapl);
  });

  it('writes nothing and announces nothing when a replayed batch leaves the bar unchanged', async () => {
    ddb.on(GetItemCommand).resolves({ Item: barItem(expectedAapl, 'us-east-1') });
    await expect(handler(event(streamRecord('MODIFY', recordItem(t2))), context)).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('keeps replicated writes, quotes and non-record items out of the bars', async () => {
    const replicated = recordItem(trade({ originRegion: 'us-west-2' }));
    const bar = barItem(expectedAapl, 'us-east-1');
    await handler(
      event(
        streamRecord('INSERT', replicated),
        streamRecord('INSERT', recordItem(quote())),
        streamRecord('INSERT', bar),
      ),
      context,
    );
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it("removes the bar when compensation deleted the minute's last trades (REMOVE events)", async () => {
    storedTrades[`REC#AAPL#${MINUTE}`] = [];
    ddb.on(GetItemCommand).resolves({ Item: barItem(expectedAapl, 'us-east-1') });
    await expect(handler(event(streamRecord('REMOVE', recordItem(t1))), context)).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(ddb.commandCalls(DeleteItemCommand)[0].args[0].input.Key).toEqual({
      pk: { S: 'BAR#AAPL' },
      sk: { S: MINUTE },
    });
  });

  it("reports only the failed minute's records as batch item failures", async () => {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: `REC#MSFT#${MINUTE}` }, ':trade': { S: 'T#' } } })
      .rejects(new Error('boom'));
    const aapl = streamRecord('INSERT', recordItem(t1));
    const msftRecord = streamRecord('INSERT', recordItem(msft));
    const result = await handler(event(aapl, msftRecord), context);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: msftRecord.dynamodb!.SequenceNumber }] });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(1);
  });

  it('does not write a bar whose event the bus refused (the retry announces it then)', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException' }] });
    const record = streamRecord('INSERT', recordItem(t1));
    const result = await handler(event(record), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
  });
});
