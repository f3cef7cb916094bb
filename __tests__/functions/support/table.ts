/**
 * A mocked DynamoDBClient backed by an in-memory table (bench/counting-client.ts) that evaluates
 * condition expressions: handler tests see the ownership writes behave as DynamoDB would.
 */
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { CountingDynamoClient } from '../../../bench/counting-client';

/** Routes every item command of `ddb` (reset first) to a fresh in-memory table, returned. */
export function tableBehind(ddb: AwsClientStub<DynamoDBClient>): CountingDynamoClient {
  const table = new CountingDynamoClient();
  ddb.reset();
  ddb.on(PutItemCommand).callsFake((input: PutItemCommand['input']) => table.send(new PutItemCommand(input)));
  ddb.on(UpdateItemCommand).callsFake((input: UpdateItemCommand['input']) => table.send(new UpdateItemCommand(input)));
  ddb.on(DeleteItemCommand).callsFake((input: DeleteItemCommand['input']) => table.send(new DeleteItemCommand(input)));
  ddb.on(GetItemCommand).callsFake((input: GetItemCommand['input']) => table.send(new GetItemCommand(input)));
  ddb.on(QueryCommand).callsFake((input: QueryCommand['input']) => table.send(new QueryCommand(input)));
  return table;
}
