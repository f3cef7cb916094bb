/**
 * The SNS client, one per execution environment, created on first use and reused across
 * invocations. A module of its own so only handlers that send notifications load its SDK
 * package at cold start (see ./dynamodb.ts). The endpoint comes from AWS_ENDPOINT_URL /
 * AWS_ENDPOINT_URL_SNS, read by the SDK itself.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { tracer } from '../../runtime/observability';
import { retryPolicy } from './retry-policy';

let client: SNSClient | undefined;

/** The SNS client (traced; retries as ./retry-policy.ts says). */
export function snsClient(): SNSClient {
  client ??= tracer.captureAWSv3Client(new SNSClient({ ...retryPolicy('sns') }));
  return client;
}
