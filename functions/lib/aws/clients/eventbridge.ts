/**
 * The EventBridge client, one per execution environment, created on first use and reused
 * across invocations. A module of its own so only handlers that publish events load its SDK
 * package at cold start (see ./dynamodb.ts). The endpoint comes from AWS_ENDPOINT_URL /
 * AWS_ENDPOINT_URL_EVENTBRIDGE, read by the SDK itself.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { tracer } from '../../runtime/observability';
import { retryPolicy } from './retry-policy';

let client: EventBridgeClient | undefined;

/** The EventBridge client (traced; retries as ./retry-policy.ts says). */
export function eventBridgeClient(): EventBridgeClient {
  client ??= tracer.captureAWSv3Client(new EventBridgeClient({ ...retryPolicy('eventbridge') }));
  return client;
}
