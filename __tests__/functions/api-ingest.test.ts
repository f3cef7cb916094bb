import './support/env';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/api-ingest';
import { ingestKeyOf } from '../../functions/api-ingest/process-file';
import { apiRequestIdentity } from '../../functions/lib/domain/ids';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import { claimFileRun } from '../../functions/lib/store/file-store';
import { context } from './support/records';
import { tableBehind } from './support/table';

const eb = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBClient);
const CALLER = 'arn:aws:iam::000000000000:user/feed';

/** An HTTP API payload 2.0 event as API Gateway sends it. */
function request(
  routeKey: string,
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  isBase64Encoded = false,
  caller = CALLER,
): APIGatewayProxyEventV2 {
  const [method, path] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: `/prod${path}`,
    rawQueryString: '',
    headers: { host: 'api.example.com', ...headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'api1',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: `/prod${path}`, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'jest' },
      requestId: 'req-abc',
      routeKey,
      stage: 'prod',
      authorizer: { iam: { userArn: caller } },
      time: '01/Mar/2024:14:30:06 +0000',
      timeEpoch: 1709303406000,
    } as APIGatewayProxyEventV2['requestContext'],
    body,
    isBase64Encoded,
  };
}
const now = new Date(Date.now() - 60_000).toISOString();
const goodTrade = { symbol: 'aapl', timestamp: now, price: '187.25', size: 100, tradeId: 'T1' };
const badTrade = { symbol: 'AAPL', timestamp: now, price: '-1', size: 100 };
const json = (r: APIGatewayProxyStructuredResultV2) => JSON.parse(r.body as string) as Record<string, unknown>;
const call = (e: APIGatewayProxyEventV2) => handler(e, context);

beforeEach(() => {
  eb.reset();
  s3.reset();
  sfn.reset();
  tableBehind(ddb);
  sfn.on(DescribeExecutionCommand).rejects(Object.assign(new Error('none'), { name: 'ExecutionDoesNotExist' }));
  eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map(() => ({ EventId: 'e' })),
  }));
  process.env.MAX_BODY_BYTES = String(1024 * 1024);
});

describe('POST /ingest', () => {
  it('accepts valid records with 202 naming their ids, puts them on the bus, reports rejects by index', async () => {
    const response = await call(request('POST /ingest', JSON.stringify({ records: [goodTrade, badTrade] })));
    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
    const body = json(response) as { idempotencyKey: string };
    expect(body).toEqual({
      accepted: 1,
      rejected: 1,
      idempotencyKey: expect.stringMatching(/^auto-[0-9a-f]{32}$/),
      records: [{ index: 0, recordId: 't-AAPL-T1' }],
      rejects: [{ index: 1, reason: 'INVALID_PRICE', message: expect.any(String) }],
      warnings: [],
    });
    const entry = eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0];
    expect(entry).toMatchObject({
      EventBusName: 'events-test',
      Source: 'market-data.pipeline',
      DetailType: 'MarketRecordAccepted',
    });
    expect(JSON.parse(entry.Detail!)).toMatchObject({
      type: 'trade',
      symbol: 'AAPL',
      price: '187.25',
      originRegion: 'us-east-1',
      source: { kind: 'api', uri: apiRequestIdentity(`iam:${CALLER}`, body.idempotencyKey).uri },
    });
  });

  it('reports a dropped exchange as a warning of the kept record', async () => {
    const response = await call(request('POST /ingest', JSON.stringify([{ ...goodTrade, exchange: '=1+2' }])));
    expect(json(response)).toMatchObject({
      accepted: 1,
      warnings: [
        { index: 0, field: 'exchange', warning: 'FIELD_DROPPED', message: expect.stringContaining('formula') },
      ],
    });
  });

  it('accepts one object, an array, base64 bodies and NDJSON', async () => {
    expect(json(await call(request('POST /ingest', JSON.stringify(goodTrade)))).accepted).toBe(1);
    expect(json(await call(request('POST /ingest', JSON.stringify([goodTrade, goodTrade])))).accepted).toBe(2);
    const b64 = Buffer.from(JSON.stringify([goodTrade])).toString('base64');
    expect((await call(request('POST /ingest', b64, { 'content-type': 'application/json' }, true))).statusCode).toBe(
      202,
    );
    const ndjson = `${JSON.stringify(goodTrade)}\n${JSON.stringify(badTrade)}\n`;
    expect(json(await call(request('POST /ingest', ndjson, { 'Content-Type': 'application/x-ndjson' })))).toMatchObject(
      { accepted: 1, rejected: 1 },
    );
  });

  it('identifies a request without a key by its body: the same body again gets the same ids', async () => {
    const noTradeId = { symbol: 'AAPL', timestamp: now, price: '1', size: 1 };
    type Answer = { records: { index: number; recordId: string }[] };
    const first = json(await call(request('POST /ingest', JSON.stringify([noTradeId])))) as Answer;
    const reformatted = json(await call(request('POST /ingest', JSON.stringify([noTradeId], null, 2)))) as Answer;
    expect(reformatted.records).toEqual(first.records);
    const other = json(await call(request('POST /ingest', JSON.stringify([{ ...noTradeId, size: 2 }])))) as Answer;
    expect(other.records[0].recordId).not.toBe(first.records[0].recordId);
  });

  it('answers 409 IdempotencyKeyReused when a caller sends its key again with another body', async () => {
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'order-1' };
    expect((await call(request('POST /ingest', JSON.stringify([goodTrade]), headers))).statusCode).toBe(202);
    expect((await call(request('POST /ingest', JSON.stringify([goodTrade]), headers))).statusCode).toBe(202);
    const reused = await call(request('POST /ingest', JSON.stringify([{ ...goodTrade, size: 7 }]), headers));
    expect(reused.statusCode).toBe(409);
    expect(json(reused)).toEqual({
      error: 'IdempotencyKeyReused',
      message: expect.stringContaining('"order-1"'),
      requestId: 'req-abc',
    });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(2);
    // Another caller has keys of its own.
    const elsewhere = await call(
      request(
        'POST /ingest',
        JSON.stringify([{ ...goodTrade, size: 7 }]),
        headers,
        false,
        'arn:aws:iam::000000000000:user/other',
      ),
    );
    expect(elsewhere.statusCode).toBe(202);
  });

  it('uses the Idempotency-Key as the source, so a retried request yields the same record ids', async () => {
    const noTradeId = { symbol: 'AAPL', timestamp: now, price: '1', size: 1 };
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'client-42' };
    await call(request('POST /ingest', JSON.stringify([noTradeId]), headers));
    await call({
      ...request('POST /ingest', JSON.stringify([noTradeId]), headers),
      requestContext: { ...request('POST /ingest', '').requestContext, requestId: 'other' },
    });
    const ids = eb
      .commandCalls(PutEventsCommand)
      .map((c) => (JSON.parse(c.args[0].input.Entries![0].Detail!) as { recordId: string }).recordId);
    expect(ids[0]).toBe(ids[1]);
  });

  it("answers 422 with every record's reason when nothing is valid", async () => {
    const response = await call(request('POST /ingest', JSON.stringify([badTrade])));
    expect(response.statusCode).toBe(422);
    expect(json(response)).toMatchObject({
      error: 'NoValidRecords',
      accepted: 0,
      rejected: 1,
      rejects: [{ index: 0, reason: 'INVALID_PRICE' }],
    });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it.each([
    [
      '415 for another media type',
      request('POST /ingest', 'a,b', { 'content-type': 'text/csv' }),
      415,
      'UnsupportedMediaType',
    ],
    ['400 naming the JSON problem', request('POST /ingest', '{"records": [1,}'), 400, 'InvalidJson'],
    ['400 for an empty body', request('POST /ingest', ''), 400, 'EmptyBody'],
    ['400 for a scalar body', request('POST /ingest', '42'), 400, 'InvalidBody'],
    [
      '413 for too many records',
      request('POST /ingest', JSON.stringify(Array.from({ length: 1001 }, () => goodTrade))),
      413,
      'TooManyRecords',
    ],
    [
      '400 for a bad Idempotency-Key',
      request('POST /ingest', '{}', { 'content-type': 'application/json', 'idempotency-key': 'a b' }),
      400,
      'InvalidIdempotencyKey',
    ],
    ['404 for an unknown route', request('POST /other', '{}'), 404, 'RouteNotFound'],
  ])('answers %s', async (_name, event, status, code) => {
    const response = await call(event);
    expect(response.statusCode).toBe(status);
    expect(json(response)).toMatchObject({ error: code, message: expect.any(String), requestId: 'req-abc' });
  });

  it('answers 413 for a body over MAX_BODY_BYTES, measured after base64 decoding', async () => {
    process.env.MAX_BODY_BYTES = '2048';
    const big = JSON.stringify(Array.from({ length: 30 }, () => goodTrade));
    expect((await call(request('POST /ingest', big))).statusCode).toBe(413);
    expect((await call(request('POST /ingest', Buffer.from(big).toString('base64'), undefined, true))).statusCode).toBe(
      413,
    );
    expect(json(await call(request('POST /ingest', JSON.stringify(goodTrade)))).accepted).toBe(1);
  });

  it('answers 503 naming the queued records and those to resend when the bus refuses some', async () => {
    eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((_, i) => (i === 0 ? { ErrorCode: 'AccessDeniedException' } : { EventId: 'e' })),
    }));
    const response = await call(
      request('POST /ingest', JSON.stringify([goodTrade, badTrade, { ...goodTrade, tradeId: 'T2' }])),
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(json(response)).toEqual({
      error: 'EventsNotAccepted',
      message: expect.stringContaining('Send the same body again'),
      requestId: 'req-abc',
      idempotencyKey: expect.stringMatching(/^auto-/),
      queued: [{ index: 2, recordId: 't-AAPL-T2' }],
      resend: [{ index: 0, recordId: 't-AAPL-T1' }],
      rejects: [{ index: 1, reason: 'INVALID_PRICE', message: expect.any(String) }],
    });
  });

  it('answers 503 (retry later), not 500, when the PutEvents call itself is refused', async () => {
    eb.on(PutEventsCommand).rejects(
      Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }),
    );
    const response = await call(request('POST /ingest', JSON.stringify(goodTrade)));
    expect(response.statusCode).toBe(503);
    expect(json(response)).toMatchObject({
      error: 'EventsNotAccepted',
      queued: [],
      resend: [{ index: 0, recordId: 't-AAPL-T1' }],
    });
  });

  it('answers 500 with only the request id on an unexpected error', async () => {
    s3.on(HeadObjectCommand).rejects(new Error('secret detail'));
    const crash = await call(request('POST /files', JSON.stringify({ fileName: 'a.csv', processingType: 'standard' })));
    expect(crash.statusCode).toBe(500);
    expect(json(crash)).toEqual({
      error: 'InternalError',
      message: 'The request could not be processed',
      requestId: 'req-abc',
    });
  });
});

describe('POST /files', () => {
  beforeEach(() => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v7', ContentLength: 321 });
    sfn
      .on(StartExecutionCommand)
      .callsFake((input: { name: string }) => ({ executionArn: `arn:exec:${input.name}`, startDate: new Date() }));
  });

  it('starts a run for the current version of the object with 202', async () => {
    const response = await call(
      request('POST /files', JSON.stringify({ fileName: 'day 1/trades.csv', processingType: 'priority' })),
    );
    expect(response.statusCode).toBe(202);
    const fileId = fileIdFor('ingest-test', 'incoming/day 1/trades.csv', 'v7');
    expect(json(response)).toEqual({
      executionArn: `arn:exec:${fileId}-priority`,
      fileId,
      key: 'incoming/day 1/trades.csv',
      versionId: 'v7',
      processingType: 'priority',
      status: 'STARTED',
    });
    expect(s3.commandCalls(HeadObjectCommand)[0].args[0].input).toEqual({
      Bucket: 'ingest-test',
      Key: 'incoming/day 1/trades.csv',
    });
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!)).toMatchObject({
      bucket: 'ingest-test',
      key: 'incoming/day 1/trades.csv',
      versionId: 'v7',
      size: 321,
      processingType: 'priority',
    });
  });

  it('answers 409 RunInProgress naming the execution while another run of the version is in progress', async () => {
    const fileId = fileIdFor('ingest-test', 'incoming/a.csv', 'v7');
    await claimFileRun(
      'pipeline-test',
      {
        fileId,
        runId: fileId,
        bucket: 'ingest-test',
        key: 'incoming/a.csv',
        versionId: 'v7',
        processingType: 'standard',
        requestedAt: new Date().toISOString(),
      },
      'us-east-1',
    );
    sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
      if (input.executionArn.endsWith(`:${fileId}`)) return { status: 'RUNNING' };
      throw Object.assign(new Error('none'), { name: 'ExecutionDoesNotExist' });
    });
    const response = await call(
      request('POST /files', JSON.stringify({ fileName: 'a.csv', processingType: 'priority' })),
    );
    expect(response.statusCode).toBe(409);
    expect(json(response)).toEqual({
      error: 'RunInProgress',
      message: expect.stringContaining(`execution ${fileId}`),
      executionArn: `arn:aws:states:us-east-1:000000000000:execution:file-workflow-test:${fileId}`,
      fileId,
      key: 'incoming/a.csv',
      versionId: 'v7',
      requestId: 'req-abc',
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 200 with the existing execution for an identical request', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));
    const response = await call(
      request('POST /files', JSON.stringify({ fileName: 'incoming/a.csv', processingType: 'batch' })),
    );
    expect(response.statusCode).toBe(200);
    const fileId = fileIdFor('ingest-test', 'incoming/a.csv', 'v7');
    expect(json(response)).toMatchObject({
      status: 'ALREADY_STARTED',
      executionArn: `arn:aws:states:us-east-1:000000000000:execution:file-workflow-test:${fileId}-batch`,
    });
  });

  it('answers 404 when the object does not exist', async () => {
    s3.on(HeadObjectCommand).rejects(
      Object.assign(new Error('nf'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }),
    );
    const response = await call(
      request('POST /files', JSON.stringify({ fileName: 'missing.csv', processingType: 'standard' })),
    );
    expect(response.statusCode).toBe(404);
    expect(json(response)).toMatchObject({
      error: 'FileNotFound',
      message: 'No object incoming/missing.csv in the ingest bucket',
    });
  });

  it('answers 404 for the 403 S3 gives a missing key when the caller may not list the bucket', async () => {
    s3.on(HeadObjectCommand).rejects(
      Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } }),
    );
    const response = await call(
      request('POST /files', JSON.stringify({ fileName: 'missing.csv', processingType: 'standard' })),
    );
    expect(response.statusCode).toBe(404);
  });

  it.each([
    ['an unknown processing type', { fileName: 'a.csv', processingType: 'urgent' }, /standard, priority, batch/],
    ['a missing processing type', { fileName: 'a.csv' }, /processingType is required \(one of standard, priority/],
    ['path traversal', { fileName: 'incoming/../secret.csv', processingType: 'standard' }, /"\.\."/],
    ['an absolute key', { fileName: '/etc/a.csv', processingType: 'standard' }, /relative/],
    ['control characters', { fileName: 'a\u0000.csv', processingType: 'standard' }, /control characters/],
    [
      'an unsupported suffix',
      { fileName: 'a.xlsx', processingType: 'standard' },
      /fileName must match .*json.*a\.xlsx/,
    ],
    ['a zip archive', { fileName: 'a.csv.zip', processingType: 'standard' }, /fileName must match .*a\.csv\.zip/],
    ['a missing fileName', { processingType: 'standard' }, /fileName is required/],
    ['a fileName that is not a string', { fileName: 7, processingType: 'standard' }, /fileName must be string; got 7/],
  ])('answers 400 for %s, naming the problem', async (_name, body, message) => {
    const response = await call(request('POST /files', JSON.stringify(body)));
    expect(response.statusCode).toBe(400);
    expect(json(response).message).toMatch(message);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('accepts the key with or without the incoming/ prefix', () => {
    expect(ingestKeyOf('a/b.json')).toBe('incoming/a/b.json');
    expect(ingestKeyOf('day/trades.csv.gz')).toBe('incoming/day/trades.csv.gz');
    expect(ingestKeyOf('day/quotes.ndjson.gz')).toBe('incoming/day/quotes.ndjson.gz');
    expect(ingestKeyOf('incoming/a/b.json')).toBe('incoming/a/b.json');
  });
});
