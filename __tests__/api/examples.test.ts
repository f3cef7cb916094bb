/**
 * The handler and api/openapi.yaml agree on every example: each request example, and each response
 * example that names the request producing it (`x-request`), is sent to the real `api-ingest`
 * handler (SDK mocked); the answer has the documented status and the example's body. Every
 * response example also matches its response's schema.
 */
import '../functions/support/env';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/api-ingest';
import { context } from '../functions/support/records';
import { apiDocument, type Example, operations, resolveResponse, schemaValidator } from './support/document';

const eventBridge = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);

/** The object the /files examples name exists; any other does not. */
const EXISTING_FILE = 'incoming/trades-2026-03-10.csv';
/** Members whose values depend on the deployment or the moment (ids, ARNs, versions), not on the request. */
const INSTANCE_MEMBERS = ['requestId', 'executionArn', 'fileId', 'versionId'] as const;

beforeEach(() => {
  eventBridge.reset();
  s3.reset();
  sfn.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
  }));
  s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    if (input.Key === EXISTING_FILE) return { VersionId: 'v1', ContentLength: 100 };
    throw Object.assign(new Error('Not Found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  });
  sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
    startDate: new Date(),
  }));
});

const idempotencyKey = apiDocument.components.parameters.IdempotencyKey.example as string;
const routeOfOperation = new Map([...operations()].map(([route, operation]) => [operation.operationId, route]));

/** The API Gateway event of a request to `route`; an operation with an Idempotency-Key parameter gets its example. */
function event(route: string, contentType: string, body: string): APIGatewayProxyEventV2 {
  const [method, path] = route.split(' ');
  const withKey = operations()
    .get(route)
    ?.parameters?.some((p) => p.$ref.endsWith('/IdempotencyKey'));
  return {
    version: '2.0',
    routeKey: route,
    rawPath: `/prod${path}`,
    rawQueryString: '',
    headers: { 'content-type': contentType, ...(withKey ? { 'idempotency-key': idempotencyKey } : {}) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: { method, path: `/prod${path}`, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'jest' },
      requestId: 'example-request',
      routeKey: route,
      stage: 'prod',
      time: '10/Mar/2026:14:30:00 +0000',
      timeEpoch: 1773153000000,
    },
    body,
    isBase64Encoded: false,
  };
}

const textOf = (value: unknown, contentType: string): string =>
  typeof value === 'string' && contentType !== 'application/json' ? value : JSON.stringify(value);
const withoutInstanceMembers = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(
        Object.entries(value).filter(([key]) => !(INSTANCE_MEMBERS as readonly string[]).includes(key)),
      )
    : value;

interface ReplayCase {
  readonly name: string;
  readonly route: string;
  readonly contentType: string;
  readonly body: string;
  readonly status: string;
  readonly expected: unknown;
}

/** Response examples by (operation, name) → status and value. */
function responseExamples(): { operationId: string; name: string; status: string; example: Example }[] {
  const found: { operationId: string; name: string; status: string; example: Example }[] = [];
  for (const operation of operations().values()) {
    for (const [status, ref] of Object.entries(operation.responses)) {
      for (const media of Object.values(resolveResponse(ref).content ?? {})) {
        for (const [name, example] of Object.entries(media.examples ?? {}))
          found.push({ operationId: operation.operationId, name, status, example });
      }
    }
  }
  return found;
}

/** Request examples paired with the response example of the same name, plus `x-request` examples. */
function replayCases(): ReplayCase[] {
  const responses = responseExamples();
  const cases: ReplayCase[] = [];
  for (const [route, operation] of operations()) {
    for (const [contentType, media] of Object.entries(operation.requestBody.content)) {
      for (const [name, example] of Object.entries(media.examples ?? {})) {
        const answer = responses.find((r) => r.operationId === operation.operationId && r.name === name);
        if (!answer) throw new Error(`request example ${name} of ${route} has no response example of the same name`);
        cases.push({
          name: `${route} ${name}`,
          route,
          contentType,
          body: textOf(example.value, contentType),
          status: answer.status,
          expected: answer.example.value,
        });
      }
    }
  }
  for (const { operationId, name, status, example } of responses) {
    const request = example['x-request'];
    if (!request || request.operation !== operationId) continue;
    const contentType = request.contentType ?? 'application/json';
    cases.push({
      name: `${routeOfOperation.get(operationId)} ${name} (x-request)`,
      route: routeOfOperation.get(operationId) as string,
      contentType,
      body: request.bodyBytes ? `[${' '.repeat(request.bodyBytes - 2)}]` : textOf(request.body, contentType),
      status,
      expected: example.value,
    });
  }
  return cases;
}

describe('api/openapi.yaml examples against the handler', () => {
  const cases = replayCases();

  it('replays every request example and every response example that names its request', () => {
    const replayed = new Set(
      cases.map((c) =>
        c.name
          .replace(/ \(x-request\)$/, '')
          .split(' ')
          .pop(),
      ),
    );
    const notReplayed = responseExamples()
      .filter((r) => !replayed.has(r.name))
      .map((r) => `${r.operationId} ${r.status} ${r.name}`);
    // Each needs more than one request against a healthy bus: a reused key, or a bus refusing entries.
    expect(notReplayed.sort()).toEqual(['ingestRecords 409 keyReused', 'ingestRecords 503 partlyQueued']);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const response = await handler(event(c.route, c.contentType, c.body), context);
    expect({
      status: String(response.statusCode),
      body: withoutInstanceMembers(JSON.parse(String(response.body))),
    }).toEqual({ status: c.status, body: withoutInstanceMembers(c.expected) });
  });

  it('gives every response example a value its schema accepts', () => {
    const problems: string[] = [];
    for (const operation of operations().values()) {
      for (const [status, ref] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries(resolveResponse(ref).content ?? {})) {
          const validate = schemaValidator(media.schema);
          const values = [
            ...Object.entries(media.examples ?? {}).map(([name, e]) => [name, e.value] as const),
            ...(media.example === undefined ? [] : [['example', media.example] as const]),
          ];
          for (const [name, value] of values)
            if (!validate(value))
              problems.push(`${operation.operationId} ${status} ${type} ${name}: ${JSON.stringify(validate.errors)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
