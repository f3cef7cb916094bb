import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MarketRecord } from '../../../../functions/lib/domain/types';

/**
 * One failing call against an endpoint that answers every request with 503: the SDK client's
 * retry policy is the only retry layer, so the number of HTTP requests is its maxAttempts.
 */
let server: Server;
let requests = 0;
const saved = process.env;

beforeAll(async () => {
  server = createServer((request, response) => {
    requests++;
    request.resume();
    request.on('end', () => {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ __type: 'ServiceUnavailable', message: 'stub: unavailable' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.env = {
    ...saved,
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
});

afterAll(async () => {
  process.env = saved;
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = 0;
});

/** Fresh copies of the handler library (and so of its cached SDK clients) under the stub endpoint. */
function library<T>(path: string): T {
  let module: T | undefined;
  jest.isolateModules(() => {
    module = require(path) as T;
  });
  return module as T;
}

const record: MarketRecord = {
  recordId: 't-AAPL-1',
  type: 'trade',
  symbol: 'AAPL',
  timestamp: '2026-03-10T14:30:00.000Z',
  epochMs: Date.parse('2026-03-10T14:30:00.000Z'),
  minute: '2026-03-10T14:30:00.000Z',
  session: 'regular',
  price: '1',
  size: 1,
  notional: '1',
  tradeId: '1',
  source: { kind: 's3', uri: 's3://b/k.csv', line: 2 },
  originRegion: 'us-east-1',
};

describe('one retry layer: a call against an endpoint answering 503', () => {
  it('publishing a notification makes at most 3 HTTP requests', async () => {
    const { publishNotification } = library<typeof import('../../../../functions/lib/aws/notification-publisher')>(
      '../../../../functions/lib/aws/notification-publisher',
    );
    await expect(
      publishNotification('arn:aws:sns:us-east-1:000000000000:topic', { subject: 's', message: 'm' }),
    ).rejects.toThrow();
    expect(requests).toBe(3);
  });

  it('starting a workflow execution makes at most 3 HTTP requests', async () => {
    const { startFileExecution } = library<typeof import('../../../../functions/lib/aws/workflow-starter')>(
      '../../../../functions/lib/aws/workflow-starter',
    );
    await expect(
      startFileExecution('arn:aws:states:us-east-1:000000000000:stateMachine:m', 'run', {
        bucket: 'b',
        key: 'incoming/k.csv',
        versionId: 'v',
        processingType: 'standard',
        requestedAt: '2026-03-10T14:30:00.000Z',
      }),
    ).rejects.toThrow();
    expect(requests).toBe(3);
  });

  it("removing one of a run's records makes at most 5 HTTP requests", async () => {
    const { deleteOwnRecords } = library<typeof import('../../../../functions/lib/store/record-compensation')>(
      '../../../../functions/lib/store/record-compensation',
    );
    await expect(deleteOwnRecords('table', [record])).rejects.toThrow();
    expect(requests).toBe(5);
  });
});
