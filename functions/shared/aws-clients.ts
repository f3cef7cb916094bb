/**
 * One AWS SDK v3 client per service per execution environment, created on first use and
 * reused across invocations (connection reuse is most of the latency win). Endpoints are never
 * set here: the SDK reads AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) itself, which is
 * how the local emulator run redirects every client.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { tracer } from './observability';

let dynamo: DynamoDBClient | undefined;
let s3: S3Client | undefined;
let sfn: SFNClient | undefined;
let eventBridge: EventBridgeClient | undefined;
let sns: SNSClient | undefined;

/** The DynamoDB client (traced). */
export function dynamoClient(): DynamoDBClient {
  dynamo ??= tracer.captureAWSv3Client(new DynamoDBClient({}));
  return dynamo;
}

/** The S3 client (traced). Path-style addressing only when an emulator endpoint is set. */
export function s3Client(): S3Client {
  s3 ??= tracer.captureAWSv3Client(
    new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL || process.env.AWS_ENDPOINT_URL_S3) }),
  );
  return s3;
}

/** The Step Functions client (traced). */
export function sfnClient(): SFNClient {
  sfn ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfn;
}

/** The EventBridge client (traced). */
export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= tracer.captureAWSv3Client(new EventBridgeClient({}));
  return eventBridge;
}

/** The SNS client (traced). */
export function snsClient(): SNSClient {
  sns ??= tracer.captureAWSv3Client(new SNSClient({}));
  return sns;
}
