import type { BatchWriteItemCommandInput, BatchWriteItemCommandOutput, WriteRequest } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../../functions/lib/aws/clients/dynamodb';
import type { LocalPipeline } from '../../local/local-pipeline';
import { expectedBars, generateTrades, storedRecords, tableBars, testPipeline, tradesCsv } from './harness';

/**
 * Makes the emulator behave like a throttled table for the handlers' own client: every other
 * BatchWriteItem writes only half of its items and hands the rest back as UnprocessedItems,
 * and every fifth fails outright with ProvisionedThroughputExceededException.
 */
function injectThrottling(): { partial: number; throttled: number } {
  const stats = { partial: 0, throttled: 0 };
  let calls = 0;
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand') return next(args);
      calls++;
      if (calls % 5 === 0) {
        stats.throttled++;
        const error = new Error('Throughput exceeds the current capacity of your table (injected)');
        error.name = 'ProvisionedThroughputExceededException';
        Object.assign(error, { $metadata: { httpStatusCode: 400 }, $retryable: { throttling: true } });
        throw error;
      }
      const input = args.input as BatchWriteItemCommandInput;
      if (calls % 2 === 1) return next(args);
      const sent: Record<string, WriteRequest[]> = {};
      const held: Record<string, WriteRequest[]> = {};
      for (const [table, requests] of Object.entries(input.RequestItems ?? {})) {
        const half = Math.ceil(requests.length / 2);
        sent[table] = requests.slice(0, half);
        if (requests.length > half) held[table] = requests.slice(half);
      }
      if (Object.keys(held).length > 0) stats.partial++;
      const result = await next({ ...args, input: { ...input, RequestItems: sent } });
      const output = result.output as BatchWriteItemCommandOutput;
      const unprocessed = { ...(output.UnprocessedItems ?? {}) };
      for (const [table, requests] of Object.entries(held))
        unprocessed[table] = [...(unprocessed[table] ?? []), ...requests];
      return { ...result, output: { ...output, UnprocessedItems: unprocessed } };
    },
    { step: 'initialize', name: 'injectThrottling' },
  );
  return stats;
}

describe('a throttled table (UnprocessedItems and throughput errors)', () => {
  let pipeline: LocalPipeline;
  let stats: { partial: number; throttled: number };
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

  it('actually hit the injected faults', () => {
    expect(stats.partial).toBeGreaterThan(0);
    expect(stats.throttled).toBeGreaterThan(0);
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
