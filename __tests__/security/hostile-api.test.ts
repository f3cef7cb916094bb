/**
 * Hostile-input corpus for the HTTP entry point (functions/api-ingest, real handler, SDK
 * mocked): every case ends in a 4xx or a 202 with per-record rejects carrying the right reason
 * code, never a 5xx, a crash or a lost valid record, and nothing touches Object.prototype.
 */
import './support/handler-env';
import { gzipSync } from 'node:zlib';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/api-ingest';
import { apiEvent, lambdaContext, TEST_MAX_BODY_BYTES, type RequestOptions } from './support/api-events';

const eventBridge = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);

const recent = new Date(Date.now() - 60_000).toISOString();
/** A valid trade; its tradeId marks it so the test can prove it reached the bus. */
const valid = (tradeId = 'VALID-1'): Record<string, unknown> => ({
  symbol: 'AAPL',
  timestamp: recent,
  price: '187.25',
  size: 100,
  tradeId,
});
const trade = (over: Record<string, unknown>): Record<string, unknown> => ({ ...valid('BAD'), ...over });
const body = (records: unknown): string => JSON.stringify(records);
const b64 = (bytes: Buffer | string): string => Buffer.from(bytes).toString('base64');
/** JSON text of a record with raw (possibly invalid) bytes spliced in as the symbol. */
const withRawSymbol = (raw: Buffer): Buffer =>
  Buffer.concat([
    Buffer.from('[{"symbol":"'),
    raw,
    Buffer.from(`","timestamp":"${recent}","price":"1","size":1},${JSON.stringify(valid())}]`),
  ]);

interface ApiCase {
  readonly name: string;
  readonly request: RequestOptions;
  /** Expected status. */
  readonly status: number;
  /** Expected `error` code of a 4xx answer. */
  readonly error?: string;
  /** Expected rejects as [index, reason] (202/422 answers of /ingest). */
  readonly rejects?: ReadonlyArray<readonly [number, string]>;
  /** tradeIds that must have been put on the bus. */
  readonly survivors?: readonly string[];
  /** Expected warnings as [index, warning] (records kept without an optional field). Default none. */
  readonly warnings?: ReadonlyArray<readonly [number, string]>;
}

const CASES: readonly ApiCase[] = [
  // Size limits.
  {
    name: 'body one byte over the limit',
    request: { body: `[${' '.repeat(TEST_MAX_BODY_BYTES - 1)}]` },
    status: 413,
    error: 'PayloadTooLarge',
  },
  {
    name: 'base64 body over the limit (refused before decoding)',
    request: { body: b64(Buffer.alloc(TEST_MAX_BODY_BYTES + 10, 32)), base64: true },
    status: 413,
    error: 'PayloadTooLarge',
  },
  {
    name: '6 MB body (API Gateway maximum)',
    request: { body: 'x'.repeat(6 * 1024 * 1024) },
    status: 413,
    error: 'PayloadTooLarge',
  },
  {
    name: 'more records than one request may carry',
    request: { body: body(Array.from({ length: 1001 }, () => ({}))) },
    status: 413,
    error: 'TooManyRecords',
  },
  // Empty and non-record bodies.
  { name: 'empty body', request: { body: '' }, status: 400, error: 'EmptyBody' },
  { name: 'no body at all', request: { body: undefined }, status: 400, error: 'EmptyBody' },
  { name: 'JSON number', request: { body: '42' }, status: 400, error: 'InvalidBody' },
  { name: 'JSON string', request: { body: '"AAPL"' }, status: 400, error: 'InvalidBody' },
  { name: 'JSON null', request: { body: 'null' }, status: 400, error: 'InvalidBody' },
  { name: 'JSON true', request: { body: 'true' }, status: 400, error: 'InvalidBody' },
  { name: 'empty array', request: { body: '[]' }, status: 400, error: 'NoRecords' },
  { name: 'records is not an array', request: { body: '{"records":"all"}' }, status: 400, error: 'InvalidBody' },
  { name: 'truncated JSON', request: { body: '[{"symbol":"AAPL","timestamp":' }, status: 400, error: 'InvalidJson' },
  {
    name: 'trailing garbage after the JSON',
    request: { body: `${body([valid()])}; DROP TABLE trades` },
    status: 400,
    error: 'InvalidJson',
  },
  {
    name: 'NDJSON with one broken line',
    request: { body: `${body(valid())}\n{"symbol":\n`, headers: { 'content-type': 'application/x-ndjson' } },
    status: 400,
    error: 'InvalidJson',
  },
  // Content types and encodings.
  {
    name: 'text/plain',
    request: { body: body([valid()]), headers: { 'content-type': 'text/plain' } },
    status: 415,
    error: 'UnsupportedMediaType',
  },
  {
    name: 'no content type',
    request: { body: body([valid()]), headers: {} },
    status: 415,
    error: 'UnsupportedMediaType',
  },
  {
    name: 'XML body',
    request: {
      body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      headers: { 'content-type': 'application/xml' },
    },
    status: 415,
  },
  {
    name: 'multipart form',
    request: {
      body: '--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n--b--',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    },
    status: 415,
  },
  {
    name: 'gzip content type',
    request: { body: b64(gzipSync(body([valid()]))), base64: true, headers: { 'content-type': 'application/gzip' } },
    status: 415,
  },
  {
    // Compressed input is not accepted: the body is never inflated, so a 50 MB bomb stays 50 KB.
    name: 'gzip bomb sent as JSON with content-encoding gzip',
    request: {
      body: b64(gzipSync(Buffer.alloc(50 * 1024 * 1024))),
      base64: true,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    },
    status: 400,
    error: 'InvalidJson',
  },
  {
    name: 'content type with CRLF header injection',
    request: { body: body([valid()]), headers: { 'content-type': 'application/json\r\nx-injected: 1' } },
    status: 415,
  },
  { name: 'base64 garbage', request: { body: '!!!%%%not-base64***', base64: true }, status: 400 },
  {
    name: 'base64 of random bytes',
    request: { body: b64(Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256))), base64: true },
    status: 400,
    error: 'InvalidJson',
  },
  // Structure attacks.
  {
    name: 'deeply nested arrays (1M levels)',
    request: { body: `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`.slice(0, TEST_MAX_BODY_BYTES) },
    status: 400,
    error: 'InvalidJson',
  },
  {
    name: 'deeply nested value inside a record, next to a valid one',
    request: {
      body:
        `[{"symbol":${'['.repeat(20_000)}${']'.repeat(20_000)},"timestamp":"${recent}","price":"1","size":1},` +
        `${body(valid())}]`,
    },
    status: 202,
    rejects: [[0, 'MALFORMED']],
    survivors: ['VALID-1'],
  },
  {
    name: '__proto__ keys (prototype pollution)',
    request: {
      body:
        `[{"__proto__":{"polluted":"yes","symbol":"EVIL"},` +
        `"symbol":"MSFT","timestamp":"${recent}","price":"1","size":1,"tradeId":"P1"},` +
        `${body(valid())}]`,
    },
    status: 202,
    rejects: [],
    survivors: ['P1', 'VALID-1'],
  },
  {
    name: 'constructor.prototype keys',
    request: {
      body:
        `{"records":[{"constructor":{"prototype":{"polluted":"yes"}},` +
        `"symbol":"MSFT","timestamp":"${recent}","price":"1","size":1,"tradeId":"P2"}],` +
        `"__proto__":{"records":[]}}`,
    },
    status: 202,
    rejects: [],
    survivors: ['P2'],
  },
  {
    name: 'duplicate keys (last one wins in JSON, then validated)',
    request: {
      body: `[{"symbol":"AAPL","symbol":"=CMD()","timestamp":"${recent}","price":"1","size":1},${body(valid())}]`,
    },
    status: 202,
    rejects: [[0, 'INVALID_SYMBOL']],
    survivors: ['VALID-1'],
  },
  {
    name: 'record that is an array',
    request: { body: body([[valid()], valid()]) },
    status: 202,
    rejects: [[0, 'MALFORMED']],
    survivors: ['VALID-1'],
  },
  {
    name: 'record that is a string',
    request: { body: body(['AAPL,2024-01-01,1,1', valid()]) },
    status: 202,
    rejects: [[0, 'MALFORMED']],
    survivors: ['VALID-1'],
  },
  // Field content attacks.
  {
    name: 'invalid UTF-8 in a symbol',
    request: { body: b64(withRawSymbol(Buffer.from([0x41, 0xff, 0xfe, 0x42]))), base64: true },
    status: 202,
    rejects: [[0, 'INVALID_SYMBOL']],
    survivors: ['VALID-1'],
  },
  {
    name: 'overlong UTF-8 encoding of "/"',
    request: { body: b64(withRawSymbol(Buffer.from([0x41, 0xc0, 0xaf]))), base64: true },
    status: 202,
    rejects: [[0, 'INVALID_SYMBOL']],
    survivors: ['VALID-1'],
  },
  {
    name: 'control characters in symbols',
    request: { body: body([trade({ symbol: 'AA\u0007PL' }), trade({ symbol: 'AAPL\u001b[31m' }), valid()]) },
    status: 202,
    rejects: [
      [0, 'INVALID_SYMBOL'],
      [1, 'INVALID_SYMBOL'],
    ],
    survivors: ['VALID-1'],
  },
  {
    name: 'null bytes',
    request: { body: body([trade({ symbol: 'AAPL\u0000' }), trade({ tradeId: 'T\u00001' }), valid()]) },
    status: 202,
    rejects: [
      [0, 'INVALID_SYMBOL'],
      [1, 'MALFORMED'],
    ],
    survivors: ['VALID-1'],
  },
  {
    name: 'formula injection in symbols (= + - @)',
    request: {
      body: body([
        trade({ symbol: '=CMD()' }),
        trade({ symbol: '+SUM(1,1)' }),
        trade({ symbol: '-2+3' }),
        trade({ symbol: '@SUM(A1)' }),
        valid(),
      ]),
    },
    status: 202,
    rejects: [
      [0, 'INVALID_SYMBOL'],
      [1, 'INVALID_SYMBOL'],
      [2, 'INVALID_SYMBOL'],
      [3, 'INVALID_SYMBOL'],
    ],
    survivors: ['VALID-1'],
  },
  {
    // tradeId is an opaque printable id: stored verbatim as a JSON string, never evaluated.
    name: 'formula injection in tradeId is kept verbatim, never interpreted',
    request: { body: body([trade({ tradeId: '=HYPERLINK("http://x","y")' }), trade({ tradeId: '@SUM(A1:A9)' })]) },
    status: 202,
    rejects: [],
    survivors: ['=HYPERLINK("http://x","y")', '@SUM(A1:A9)'],
  },
  {
    // The record is kept; the exchange (never a formula) is dropped with a warning, never stored.
    name: 'formula injection in exchange',
    request: { body: body([trade({ exchange: '=1+2' }), valid()]) },
    status: 202,
    rejects: [],
    warnings: [[0, 'FIELD_DROPPED']],
    survivors: ['BAD', 'VALID-1'],
  },
  {
    name: 'CRLF injection in fields',
    request: { body: body([trade({ tradeId: 'a\r\nSet-Cookie: x=1' }), trade({ symbol: 'AAPL\r\n' }), valid()]) },
    status: 202,
    rejects: [
      [0, 'MALFORMED'],
      [1, 'INVALID_SYMBOL'],
    ],
    survivors: ['VALID-1'],
  },
  {
    name: 'unicode homoglyph symbols (Cyrillic, Greek, fullwidth)',
    request: {
      body: body([
        trade({ symbol: '\u0410APL' }),
        trade({ symbol: '\u0391APL' }),
        trade({ symbol: '\uff21\uff21\uff30\uff2c' }),
        valid(),
      ]),
    },
    status: 202,
    rejects: [
      [0, 'INVALID_SYMBOL'],
      [1, 'INVALID_SYMBOL'],
      [2, 'INVALID_SYMBOL'],
    ],
    survivors: ['VALID-1'],
  },
  {
    name: 'lone surrogate in a symbol',
    request: { body: `[{"symbol":"A\\ud800","timestamp":"${recent}","price":"1","size":1},${body(valid())}]` },
    status: 202,
    rejects: [[0, 'INVALID_SYMBOL']],
    survivors: ['VALID-1'],
  },
  {
    name: '60 KB symbol',
    request: { body: body([trade({ symbol: 'A'.repeat(60_000) }), valid()]) },
    status: 202,
    rejects: [[0, 'INVALID_SYMBOL']],
    survivors: ['VALID-1'],
  },
  {
    name: 'huge numbers',
    request: {
      body:
        `[{"symbol":"AAPL","timestamp":"${recent}","price":1e400,"size":1},` +
        `{"symbol":"AAPL","timestamp":"${recent}","price":"1${'0'.repeat(400)}","size":1},` +
        `{"symbol":"AAPL","timestamp":"${recent}","price":"1","size":1e21},` +
        `${body(valid())}]`,
    },
    status: 202,
    rejects: [
      [0, 'INVALID_PRICE'],
      [1, 'INVALID_PRICE'],
      [2, 'INVALID_SIZE'],
    ],
    survivors: ['VALID-1'],
  },
  {
    name: 'negative zero, NaN and Infinity',
    request: {
      body:
        `[{"symbol":"AAPL","timestamp":"${recent}","price":-0,"size":1},` +
        `{"symbol":"AAPL","timestamp":"${recent}","price":"1","size":-0},` +
        `{"symbol":"AAPL","timestamp":"${recent}","price":"NaN","size":1},` +
        `{"symbol":"AAPL","timestamp":"${recent}","price":"-Infinity","size":1},` +
        `${body(valid())}]`,
    },
    status: 202,
    rejects: [
      [0, 'INVALID_PRICE'],
      [1, 'INVALID_SIZE'],
      [2, 'INVALID_PRICE'],
      [3, 'INVALID_PRICE'],
    ],
    survivors: ['VALID-1'],
  },
  {
    name: 'hostile timestamps',
    request: {
      body: body([
        trade({ timestamp: '2024-13-45T99:99:99Z' }),
        trade({ timestamp: '99999999999999999999' }),
        trade({ timestamp: '2024-03-01T14:30:00' }),
        trade({ timestamp: '9999-12-31T23:59:59Z' }),
        valid(),
      ]),
    },
    status: 202,
    rejects: [
      [0, 'INVALID_TIMESTAMP'],
      [1, 'INVALID_TIMESTAMP'],
      [2, 'INVALID_TIMESTAMP'],
      [3, 'FUTURE_TIMESTAMP'],
    ],
    survivors: ['VALID-1'],
  },
  {
    name: 'type field named after an Object builtin',
    request: { body: body([trade({ type: 'constructor' }), trade({ type: '__proto__' }), valid()]) },
    status: 202,
    rejects: [
      [0, 'UNKNOWN_TYPE'],
      [1, 'UNKNOWN_TYPE'],
    ],
    survivors: ['VALID-1'],
  },
  {
    name: 'nothing valid at all (empty symbol, empty object)',
    request: { body: body([trade({ symbol: '' }), {}]) },
    status: 422,
    error: 'NoValidRecords',
    rejects: [
      [0, 'MISSING_FIELD'],
      [1, 'MISSING_FIELD'],
    ],
  },
  {
    name: 'idempotency key with header injection',
    request: {
      body: body([valid()]),
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k\r\nx-evil: 1' },
    },
    status: 400,
    error: 'InvalidIdempotencyKey',
  },
  // The file-processing route.
  {
    name: '/files path traversal',
    request: { route: 'POST /files', body: body({ fileName: '../../etc/passwd.csv', processingType: 'standard' }) },
    status: 400,
    error: 'InvalidFileName',
  },
  {
    name: '/files absolute key',
    request: { route: 'POST /files', body: body({ fileName: '/incoming/a.csv', processingType: 'standard' }) },
    status: 400,
    error: 'InvalidFileName',
  },
  {
    name: '/files null byte in the name',
    request: { route: 'POST /files', body: body({ fileName: 'a.csv\u0000.exe.csv', processingType: 'standard' }) },
    status: 400,
    error: 'InvalidFileName',
  },
  {
    name: '/files fileName as an object',
    request: { route: 'POST /files', body: body({ fileName: { toString: 'x.csv' }, processingType: 'standard' }) },
    status: 400,
    error: 'InvalidFileName',
  },
  {
    name: '/files processingType __proto__',
    request: { route: 'POST /files', body: body({ fileName: 'a.csv', processingType: '__proto__' }) },
    status: 400,
    error: 'InvalidProcessingType',
  },
  {
    name: '/files wrong suffix',
    request: { route: 'POST /files', body: body({ fileName: 'a.csv.zip', processingType: 'standard' }) },
    status: 400,
    error: 'InvalidFileName',
  },
  { name: 'unknown route', request: { route: 'GET /admin' }, status: 404, error: 'RouteNotFound' },
];

beforeEach(() => {
  eventBridge.reset();
  s3.reset();
  sfn.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
  }));
  s3.on(HeadObjectCommand).resolves({ VersionId: 'v1', ContentLength: 10 });
  sfn
    .on(StartExecutionCommand)
    .resolves({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:x:y', startDate: new Date() });
});

describe('API ingest under hostile input', () => {
  it(`has a corpus of at least 40 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const response = await handler(apiEvent(c.request), lambdaContext);

    // Never a crash or a 5xx; always a JSON answer that does not echo the payload back.
    expect(response.statusCode).toBe(c.status);
    expect(response.headers).toMatchObject({ 'content-type': expect.stringContaining('application/json') });
    expect(String(response.body).length).toBeLessThan(16 * 1024);
    const answer = JSON.parse(String(response.body)) as {
      error?: string;
      rejects?: Array<{ index: number; reason: string; message: string }>;
      warnings?: Array<{ index: number; warning: string; message: string }>;
    };
    if (c.error) expect(answer.error).toBe(c.error);
    if (c.rejects) {
      expect((answer.rejects ?? []).map((r) => [r.index, r.reason])).toEqual(c.rejects);
      for (const r of answer.rejects ?? []) expect(r.message.length).toBeLessThan(300);
    }
    if (response.statusCode === 202) {
      expect((answer.warnings ?? []).map((w) => [w.index, w.warning])).toEqual(c.warnings ?? []);
      for (const w of answer.warnings ?? []) expect(w.message.length).toBeLessThan(300);
    }

    // No valid record is lost: each survivor went onto the bus exactly once.
    const detail = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) =>
        (call.args[0].input.Entries ?? []).map(
          (e) => JSON.parse(e.Detail ?? '{}') as { tradeId?: string; recordId: string; exchange?: string },
        ),
      );
    expect(detail.map((d) => d.tradeId).sort()).toEqual([...(c.survivors ?? [])].sort());
    // Record ids stay plain: `@` only separates a trade id from its venue.
    for (const d of detail) expect(d.recordId).toMatch(/^[A-Za-z0-9._#:@-]{1,200}$/);
    for (const d of detail) if (d.exchange !== undefined) expect(d.exchange).not.toMatch(/^[=+\-@]/);

    // Prototype pollution: Object.prototype gained nothing.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
