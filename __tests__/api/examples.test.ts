/**
 * The handler and api/openapi.yaml agree on every example: each response example is produced by
 * sending requests to the real `api-ingest` handler (SDK mocked, table in memory), and the answer
 * has the documented status and exactly the example's body. A response example is produced by the
 * request example of the same name, by the request it names (`x-request`), or by one of the
 * scenarios below (several requests, or a dependency failing). Every response example also
 * matches its response's schema.
 */
import '../functions/support/env';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/api-ingest';
import { executionArnFor, fileIdFor } from '../../functions/lib/store/file-ids';
import { claimFileRun } from '../../functions/lib/store/file-store';
import { context } from '../functions/support/records';
import { tableBehind } from '../functions/support/table';
import { apiDocument, type Example, operations, resolveResponse, schemaValidator } from './support/document';

const eventBridge = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const dynamodb = mockClient(DynamoDBClient);

// Names of a dev deployment's resources, so the examples show what such a deployment answers.
process.env.INGEST_BUCKET = 'market-data-ingest-dev-us-east-1';
process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:market-data-file-workflow-dev';
/** The SigV4 principal of every example request: record ids and keys are scoped to the caller. */
const CALLER = 'arn:aws:iam::123456789012:user/market-feed';
/** The examples' request id and clock: ids, messages and key bindings come out exactly as documented. */
const REQUEST_ID = 'Xb1kLhx7IAMEVJw=';
/** Request id of the requests a scenario sends before the one it documents. */
const EARLIER_REQUEST_ID = 'Vz9iJfv5GZLDTHu=';
const NOW = new Date('2026-03-10T14:35:00.000Z');
/** The object the /files examples name, and its current version. */
const EXAMPLE_FILE = { key: 'incoming/trades-2026-03-10.csv', versionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' };

beforeEach(() => {
  jest.useFakeTimers({
    now: NOW,
    // Only the clock: the SDK mocks and the handler's backoff keep real timers.
    doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'setTimeout', 'setInterval', 'hrtime', 'performance'],
  });
  eventBridge.reset();
  s3.reset();
  sfn.reset();
  tableBehind(dynamodb);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
  }));
  s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    if (input.Key === EXAMPLE_FILE.key) return { VersionId: EXAMPLE_FILE.versionId, ContentLength: 100 };
    throw Object.assign(new Error('Not Found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  });
  sfn.on(DescribeExecutionCommand).rejects(Object.assign(new Error('none'), { name: 'ExecutionDoesNotExist' }));
  sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: executionArnFor(input.stateMachineArn, input.name),
    startDate: new Date(),
  }));
});

afterEach(() => {
  jest.useRealTimers();
});

/** The bus refuses, on every attempt, the event of the record at `index` of the request. */
function busRefusesRecord(index: number): void {
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    const refused = input.Entries.map(
      (entry) => (JSON.parse(entry.Detail ?? '{}') as { source?: { line?: number } }).source?.line === index,
    );
    return {
      FailedEntryCount: refused.filter(Boolean).length,
      Entries: refused.map((no, i) => (no ? { ErrorCode: 'ThrottlingException' } : { EventId: `e${i}` })),
    };
  });
}

/** The run S3 started for the example file's upload holds its version and is still running. */
async function uploadRunInProgress(): Promise<void> {
  const bucket = process.env.INGEST_BUCKET as string;
  const fileId = fileIdFor(bucket, EXAMPLE_FILE.key, EXAMPLE_FILE.versionId);
  await claimFileRun(
    process.env.TABLE_NAME as string,
    { fileId, runId: fileId, bucket, ...EXAMPLE_FILE, processingType: 'standard', requestedAt: NOW.toISOString() },
    'us-east-1',
  );
  sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
    if (input.executionArn.endsWith(`:${fileId}`)) return { status: 'RUNNING' };
    throw Object.assign(new Error('none'), { name: 'ExecutionDoesNotExist' });
  });
}

/** How to produce a response example that one request against healthy dependencies cannot. */
interface Scenario {
  /** Request examples of the operation sent first (their answers are not checked here). */
  readonly before?: readonly string[];
  /** The request example whose answer the response example is. */
  readonly request: string;
  /** Sets the dependencies up first. */
  readonly arrange?: () => void | Promise<void>;
}

const SCENARIOS: Readonly<Record<string, Scenario>> = {
  keyReused: { before: ['mixedBatch'], request: 'ndjsonTrades' },
  partlyQueued: { request: 'mixedBatch', arrange: () => busRefusesRecord(2) },
  runInProgress: { request: 'priorityRun', arrange: uploadRunInProgress },
};

const idempotencyKey = apiDocument.components.parameters.IdempotencyKey.example as string;
const routeOfOperation = new Map([...operations()].map(([route, operation]) => [operation.operationId, route]));

/** One HTTP request to the handler. */
interface ApiCall {
  readonly route: string;
  readonly contentType: string;
  readonly body: string;
}

/** The API Gateway event of `call`; an operation with an Idempotency-Key parameter gets its example. */
function event(call: ApiCall, requestId = REQUEST_ID): APIGatewayProxyEventV2 {
  const [method, path] = call.route.split(' ');
  const withKey = operations()
    .get(call.route)
    ?.parameters?.some((p) => p.$ref.endsWith('/IdempotencyKey'));
  return {
    version: '2.0',
    routeKey: call.route,
    rawPath: `/prod${path}`,
    rawQueryString: '',
    headers: { 'content-type': call.contentType, ...(withKey ? { 'idempotency-key': idempotencyKey } : {}) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: { method, path: `/prod${path}`, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'jest' },
      requestId,
      routeKey: call.route,
      stage: 'prod',
      authorizer: { iam: { userArn: CALLER } },
      time: '10/Mar/2026:14:35:00 +0000',
      timeEpoch: NOW.getTime(),
    } as APIGatewayProxyEventV2['requestContext'],
    body: call.body,
    isBase64Encoded: false,
  };
}

const textOf = (value: unknown, contentType: string): string =>
  typeof value === 'string' && contentType !== 'application/json' ? value : JSON.stringify(value);

interface ResponseExample {
  readonly operationId: string;
  readonly name: string;
  readonly status: string;
  readonly example: Example;
}

/** Every response example of the document. */
function responseExamples(): ResponseExample[] {
  const found: ResponseExample[] = [];
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

/** The request example `name` of the operation at `route`. */
function requestExample(route: string, name: string): ApiCall {
  for (const [contentType, media] of Object.entries(operations().get(route)?.requestBody.content ?? {})) {
    const example = media.examples?.[name];
    if (example) return { route, contentType, body: textOf(example.value, contentType) };
  }
  throw new Error(`${route} has no request example ${name}`);
}

interface ReplayCase {
  readonly name: string;
  readonly arrange?: () => void | Promise<void>;
  /** Sent in order; the last one's answer is the example. */
  readonly calls: readonly ApiCall[];
  readonly status: string;
  readonly expected: unknown;
}

/** The case that produces `response`, or undefined when the document does not say how. */
function replayCaseOf(response: ResponseExample): ReplayCase | undefined {
  const route = routeOfOperation.get(response.operationId) as string;
  const base = { name: `${route} ${response.status} ${response.name}`, status: response.status };
  const expected = response.example.value;
  const scenario = SCENARIOS[response.name];
  if (scenario) {
    const calls = [...(scenario.before ?? []), scenario.request].map((name) => requestExample(route, name));
    return { ...base, arrange: scenario.arrange, calls, expected };
  }
  const request = response.example['x-request'];
  if (request) {
    const contentType = request.contentType ?? 'application/json';
    const body = request.bodyBytes ? `[${' '.repeat(request.bodyBytes - 2)}]` : textOf(request.body, contentType);
    const target = routeOfOperation.get(request.operation) as string;
    return { ...base, name: `${base.name} (x-request)`, calls: [{ route: target, contentType, body }], expected };
  }
  const paired = Object.values(operations().get(route)?.requestBody.content ?? {}).some(
    (media) => media.examples?.[response.name] !== undefined,
  );
  return paired ? { ...base, calls: [requestExample(route, response.name)], expected } : undefined;
}

describe('api/openapi.yaml examples against the handler', () => {
  const responses = responseExamples();
  const cases = responses.map(replayCaseOf).filter((c): c is ReplayCase => c !== undefined);

  it('produces every response example from requests (a request example of its name, x-request or a scenario)', () => {
    const unproduced = responses.filter((r) => replayCaseOf(r) === undefined).map((r) => `${r.status} ${r.name}`);
    expect(unproduced).toEqual([]);
  });

  it('answers every request example (each one is the request of a response example)', () => {
    const used = new Set(cases.flatMap((c) => c.calls.map((call) => `${call.route} ${call.body}`)));
    const unused: string[] = [];
    for (const [route, operation] of operations())
      for (const [contentType, media] of Object.entries(operation.requestBody.content))
        for (const [name, example] of Object.entries(media.examples ?? {}))
          if (!used.has(`${route} ${textOf(example.value, contentType)}`)) unused.push(`${route} ${name}`);
    expect(unused).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await c.arrange?.();
    for (const call of c.calls.slice(0, -1)) await handler(event(call, EARLIER_REQUEST_ID), context);
    const response = await handler(event(c.calls[c.calls.length - 1]), context);
    expect({ status: String(response.statusCode), body: JSON.parse(String(response.body)) as unknown }).toEqual({
      status: c.status,
      body: c.expected,
    });
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
