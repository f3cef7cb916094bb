import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SDK_MAX_ATTEMPTS } from '../../../../functions/lib/aws/clients/retry-policy';
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
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- isolateModules needs a synchronous require
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

describe('one retry layer: a failing call against an endpoint answering 503', () => {
  it('publishing a notification makes exactly as many HTTP requests as the SNS client attempts', async () => {
    const { publishNotification } = library<typeof import('../../../../functions/lib/aws/notification-publisher')>(
      '../../../../functions/lib/aws/notification-publisher',
    );
    await expect(
      publishNotification('arn:aws:sns:us-east-1:000000000000:topic', { subject: 's', message: 'm' }),
    ).rejects.toThrow();
    expect(requests).toBe(SDK_MAX_ATTEMPTS.sns);
  });

  it('starting a workflow execution makes exactly as many HTTP requests as the SFN client attempts', async () => {
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
    expect(requests).toBe(SDK_MAX_ATTEMPTS.sfn);
  });

  it("releasing a run's record makes exactly as many HTTP requests as the DynamoDB client attempts", async () => {
    const { releaseRecords } = library<typeof import('../../../../functions/lib/store/record-compensation')>(
      '../../../../functions/lib/store/record-compensation',
    );
    await expect(releaseRecords('table', [record], 'run-1')).rejects.toThrow();
    expect(requests).toBe(SDK_MAX_ATTEMPTS.dynamodb);
  });

  it('storing one record makes exactly as many HTTP requests as the DynamoDB client attempts', async () => {
    const { storeRecords } = library<typeof import('../../../../functions/lib/store/record-store')>(
      '../../../../functions/lib/store/record-store',
    );
    expect((await storeRecords('table', [{ record, runId: 'run-1' }]))[0].status).toBe('failed');
    expect(requests).toBe(SDK_MAX_ATTEMPTS.dynamodb);
  });

  it('putting events makes exactly as many HTTP requests as the EventBridge client attempts', async () => {
    const { putEvents } = library<typeof import('../../../../functions/lib/aws/event-publisher')>(
      '../../../../functions/lib/aws/event-publisher',
    );
    const outcome = await putEvents([{ detailType: 'T', detail: {} }], { busName: 'bus' });
    expect(outcome.failed).toHaveLength(1);
    expect(requests).toBe(SDK_MAX_ATTEMPTS.eventbridge);
  });
});
