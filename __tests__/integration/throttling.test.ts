import { dynamoClient } from '../../functions/lib/aws/clients/dynamodb';
import { SDK_MAX_ATTEMPTS } from '../../functions/lib/aws/clients/retry-policy';
import type { LocalPipeline } from '../../local/local-pipeline';
import { expectedBars, generateTrades, storedRecords, tableBars, testPipeline, tradesCsv } from './harness';

/**
 * Makes the emulator behave like a throttled table for the handlers' own client: every 20th
 * record write (PutItem) fails with ProvisionedThroughputExceededException. Injected inside the
 * client's retry loop, where a real throttling answer arrives, so the client's retry policy (the
 * only retry layer) is what absorbs it.
 */
function injectThrottling(): { throttled: number } {
  const stats = { throttled: 0 };
  let calls = 0;
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutItemCommand') return next(args);
      calls++;
      // Each throttle costs the client's throttling backoff (hundreds of ms): a few dozen suffice.
      if (calls % 20 === 0) {
        stats.throttled++;
        const error = new Error('Throughput exceeds the current capacity of your table (injected)');
        error.name = 'ProvisionedThroughputExceededException';
        Object.assign(error, { $metadata: { httpStatusCode: 400 }, $retryable: { throttling: true } });
        throw error;
      }
      return next(args);
    },
    // After the retry middleware (finalizeRequest, high priority): each attempt passes through here.
    { step: 'finalizeRequest', priority: 'low', name: 'injectThrottling' },
  );
  return stats;
}

describe('a throttled table (throughput errors on the record writes)', () => {
  let pipeline: LocalPipeline;
  let stats: { throttled: number };
  const fileRows = generateTrades(120, { symbols: ['AAPL', 'BRK.B'], idPrefix: 'TH' });
  const apiRows = generateTrades(30, { symbols: ['SPY'], idPrefix: 'THAPI', seed: 3 });

  beforeAll(async () => {
    pipeline = await testPipeline('throttling', { chunkSize: 50 });
    stats = injectThrottling();
    await pipeline.uploadFile('throttled.csv', tradesCsv(fileRows));
    const response = await pipeline.apiRequest(apiRows);
    expect(response.statusCode).toBe(202);
    await pipeline.drain();
  });

  it('actually hit the injected faults, each absorbed by the client within its attempts', () => {
    expect(stats.throttled).toBeGreaterThan(0);
    expect(SDK_MAX_ATTEMPTS.dynamodb).toBeGreaterThan(1);
  });

  it('loses nothing: every row of the file and of the request is stored', async () => {
    expect(pipeline.workflows.finished.map((r) => r.status)).toEqual(['SUCCEEDED']);
    expect(await storedRecords(pipeline)).toBe(fileRows.length + apiRows.length);
    expect(await pipeline.queue.depth()).toEqual({ queued: 0, deadLettered: 0 });
  });

  it('still computes exact bars', async () => {
    expect(await tableBars(pipeline)).toEqual(expectedBars([...fileRows, ...apiRows]));
  });
});
