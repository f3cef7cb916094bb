/**
 * The DynamoDB client, one per execution environment, created on first use and reused across
 * invocations (connection reuse is most of the latency win).
 *
 * One module per service so a handler's bundle `require`s only the SDK clients it calls: the
 * SDK is external to the bundles, so esbuild keeps every `require` of a module it reaches, and
 * each client package costs its load time at cold start. Endpoints are never set here: the SDK
 * reads AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_DYNAMODB) itself, which is how the local
 * emulator run redirects it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tracer } from '../../runtime/observability';
import { retryPolicy } from './retry-policy';

let client: DynamoDBClient | undefined;

/** The DynamoDB client (traced; retries as ./retry-policy.ts says). */
export function dynamoClient(): DynamoDBClient {
  client ??= tracer.captureAWSv3Client(new DynamoDBClient({ ...retryPolicy('dynamodb') }));
  return client;
}
