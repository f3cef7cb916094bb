/**
 * The Step Functions client, one per execution environment, created on first use and reused
 * across invocations. A module of its own so only handlers that start executions load its SDK
 * package at cold start (see ./dynamodb.ts). The endpoint comes from AWS_ENDPOINT_URL /
 * AWS_ENDPOINT_URL_SFN, read by the SDK itself.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from '../../runtime/observability';
import { retryPolicy } from './retry-policy';

let client: SFNClient | undefined;

/** The Step Functions client (traced; retries as ./retry-policy.ts says). */
export function sfnClient(): SFNClient {
  client ??= tracer.captureAWSv3Client(new SFNClient({ ...retryPolicy('sfn') }));
  return client;
}
