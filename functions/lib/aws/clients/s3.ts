/**
 * The S3 client, one per execution environment, created on first use and reused across
 * invocations. A module of its own so only handlers that touch S3 load its SDK package at cold
 * start (see ./dynamodb.ts). The endpoint comes from AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3,
 * read by the SDK itself.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { tracer } from '../../runtime/observability';
import { retryPolicy } from './retry-policy';

let client: S3Client | undefined;

/**
 * The S3 client (traced; retries as ./retry-policy.ts says). Path-style addressing only when an
 * emulator endpoint is set.
 */
export function s3Client(): S3Client {
  client ??= tracer.captureAWSv3Client(
    new S3Client({
      ...retryPolicy('s3'),
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL || process.env.AWS_ENDPOINT_URL_S3),
    }),
  );
  return client;
}
