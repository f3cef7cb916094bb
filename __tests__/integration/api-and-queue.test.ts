import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalPipeline } from '../../local/local-pipeline';
import { expectedBars, storedRecords, tableBars, testPipeline, type TradeRow } from './harness';

/** A message body as EventBridge delivers it to the queue, captured from the first receive. */
let capturedBody: string | undefined;
let failFirstProcessorCall = true;

describe('HTTP ingest → bus → queue → processor', () => {
  let pipeline: LocalPipeline;
  const trades: TradeRow[] = [
    { symbol: 'AAPL', timestamp: '2026-03-10T14:30:01.000Z', price: '227.10', size: 100, tradeId: 'API1' },
    { symbol: 'AAPL', timestamp: '2026-03-10T14:30:31.500Z', price: '227.30', size: 50, tradeId: 'API2' },
    { symbol: 'AAPL', timestamp: '2026-03-10T14:30:59.999Z', price: '227.20', size: 25, tradeId: 'API3' },
  ];
  const quote = {
    symbol: 'AAPL',
    timestamp: '2026-03-10T14:30:10.000Z',
    bid: '227.09',
    ask: '227.11',
    bidSize: 300,
    askSize: 200,
  };
  const invalid = [
    { symbol: 'AAPL', timestamp: '2026-03-10T14:30:02.000Z', price: '0', size: 10 },
    { symbol: 'MSFT', timestamp: '2026-03-10T14:30:03.000Z', bid: '415.20', ask: '415.10', bidSize: 1, askSize: 1 },
    { symbol: 'MSFT', price: '415.00', size: 10 },
  ];
  const requestBody = { records: [trades[0], invalid[0], quote, trades[1], invalid[1], trades[2], invalid[2]] };
  let response: { statusCode?: number; body?: string };

  beforeAll(async () => {
    pipeline = await testPipeline('api', {
      fault: (name, event) => {
        if (name !== 'processor') return;
        capturedBody ??= (event as { Records: { body: string }[] }).Records[0].body;
        // The first batch fails as a whole: every message must come back and be processed later.
        if (failFirstProcessorCall) {
          failFirstProcessorCall = false;
          throw new Error('injected processor crash');
        }
      },
    });
    response = await pipeline.apiRequest(requestBody, { headers: { 'idempotency-key': 'it-api-1' } });
    await pipeline.drain();
  });

  it('answers 202 with the index and reason of each rejected record', () => {
    expect(response.statusCode).toBe(202);
    const body = JSON.parse(response.body as string) as {
      accepted: number;
      rejected: number;
      rejects: { index: number; reason: string }[];
    };
    expect(body.accepted).toBe(4);
    expect(body.rejected).toBe(3);
    expect(body.rejects.map((r) => [r.index, r.reason])).toEqual([
      [1, 'INVALID_PRICE'],
      [4, 'CROSSED_QUOTE'],
      [6, 'MISSING_FIELD'],
    ]);
  });

  it('routes accepted records through the bus rule to the queue and stores them, despite a crashed batch', async () => {
    expect(capturedBody).toBeDefined();
    const envelope = JSON.parse(capturedBody as string) as {
      source: string;
      'detail-type': string;
      detail: { type: string };
    };
    expect(envelope.source).toBe('market-data.pipeline');
    expect(['trade', 'quote']).toContain(envelope.detail.type);
    expect(pipeline.queue.failedReceives).toBe(4);
    expect(await storedRecords(pipeline)).toBe(4);
    expect(await pipeline.queue.depth()).toEqual({ queued: 0, deadLettered: 0 });
  });

  it('builds the bar of the accepted trades only', async () => {
    expect(await tableBars(pipeline)).toEqual(expectedBars(trades));
  });

  it('adds nothing when an SQS message is delivered again', async () => {
    const before = { stored: await storedRecords(pipeline), bars: await tableBars(pipeline) };
    await pipeline.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: pipeline.resources.queueUrl, MessageBody: capturedBody }),
    );
    const delivered = pipeline.queue.delivered;
    await pipeline.drain();
    expect(pipeline.queue.delivered).toBe(delivered + 1);
    expect(await storedRecords(pipeline)).toBe(before.stored);
    expect(await tableBars(pipeline)).toEqual(before.bars);
  });

  it('adds nothing when the client retries the request with the same Idempotency-Key', async () => {
    const before = await storedRecords(pipeline);
    // A retry is the same request: records without a tradeId (the quote) take their id from key + index.
    const again = await pipeline.apiRequest(requestBody, { headers: { 'idempotency-key': 'it-api-1' } });
    expect(again.statusCode).toBe(202);
    await pipeline.drain();
    expect(await storedRecords(pipeline)).toBe(before);
  });

  it('fails a poison message alone and moves it to the DLQ after three receives', async () => {
    const before = await storedRecords(pipeline);
    await pipeline.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: pipeline.resources.queueUrl, MessageBody: '{"detail": {"symbol": "??"}}' }),
    );
    await pipeline.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: pipeline.resources.queueUrl, MessageBody: capturedBody }),
    );
    await pipeline.drain();
    expect(await pipeline.queue.depth()).toEqual({ queued: 0, deadLettered: 1 });
    const dead = await pipeline.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: pipeline.resources.deadLetterQueueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['{"detail": {"symbol": "??"}}']);
    expect(await storedRecords(pipeline)).toBe(before);
  });

  it('answers 422 naming the problem when no record is valid', async () => {
    const bad = await pipeline.apiRequest([invalid[0]]);
    expect(bad.statusCode).toBe(422);
    expect(JSON.parse(bad.body as string)).toMatchObject({ error: 'NoValidRecords', rejected: 1 });
  });
});
