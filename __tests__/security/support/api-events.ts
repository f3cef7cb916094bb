/** API Gateway HTTP API (payload 2.0) events and a Lambda context for driving the ingest handler. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** The body limit set in handler-env.ts (MAX_BODY_BYTES). */
export const TEST_MAX_BODY_BYTES = 64 * 1024;

/** Options of one request. */
export interface RequestOptions {
  readonly route?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly base64?: boolean;
  readonly requestId?: string;
}

/** An event exactly as API Gateway delivers it to the integration. */
export function apiEvent(options: RequestOptions = {}): APIGatewayProxyEventV2 {
  const route = options.route ?? 'POST /ingest';
  const [method, path] = route.split(' ');
  return {
    version: '2.0',
    routeKey: route,
    rawPath: `/prod${path}`,
    rawQueryString: '',
    headers: { host: 'api.example.com', ...(options.headers ?? { 'content-type': 'application/json' }) },
    requestContext: {
      accountId: '000000000000',
      apiId: 'api1',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: `/prod${path}`, protocol: 'HTTP/1.1', sourceIp: '192.0.2.10', userAgent: 'security-test' },
      requestId: options.requestId ?? 'req-security',
      routeKey: route,
      stage: 'prod',
      time: '01/Mar/2024:14:30:06 +0000',
      timeEpoch: 1709303406000,
    },
    body: options.body,
    isBase64Encoded: options.base64 ?? false,
  };
}

/** A Lambda context good enough for Powertools. */
export const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'market-data-api-ingest-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:market-data-api-ingest-test',
  memoryLimitInMB: '512',
  awsRequestId: 'aws-req-1',
  logGroupName: '/aws/lambda/market-data-api-ingest-test',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 29_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
