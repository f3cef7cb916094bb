import type { PutEventsCommandInput, PutEventsCommandOutput, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { eventBridgeClient } from '../../functions/lib/aws/clients/eventbridge';
import type { LocalPipeline } from '../../local/local-pipeline';
import { recordItemsOf, testPipeline } from './harness';

/** Quotes without trade ids: their ids come from the request, which is what a retry must reproduce. */
function quotes(symbol: string, count: number, second = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol,
    timestamp: `2026-03-10T14:36:${String(second + i).padStart(2, '0')}.000Z`,
    bid: `${100 + i}.10`,
    ask: `${100 + i}.20`,
    // Odd quotes carry bidSize 13: the injected bus fault refuses exactly those.
    bidSize: i % 2 === 1 ? 13 : 100,
    askSize: 200,
  }));
}

/** While `failing` is set, EventBridge refuses every entry whose detail has bidSize 13. */
const busFault = { failing: false, refused: 0 };
function injectBusFault(): void {
  eventBridgeClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutEventsCommand' || !busFault.failing) return next(args);
      const input = args.input as PutEventsCommandInput;
      const entries = input.Entries ?? [];
      const refused = entries.map((e) => (JSON.parse(e.Detail ?? '{}') as { bidSize?: number }).bidSize === 13);
      const sent = entries.filter((_, i) => !refused[i]);
      const result =
        sent.length > 0
          ? await next({ ...args, input: { ...input, Entries: sent } })
          : { response: {}, output: { FailedEntryCount: 0, Entries: [], $metadata: {} } };
      const output = result.output as PutEventsCommandOutput;
      const accepted = [...(output.Entries ?? [])];
      const merged: PutEventsResultEntry[] = refused.map((no) =>
        no ? { ErrorCode: 'InternalFailure', ErrorMessage: 'injected' } : (accepted.shift() as PutEventsResultEntry),
      );
      busFault.refused += refused.filter(Boolean).length;
      return {
        ...result,
        output: { ...output, Entries: merged, FailedEntryCount: refused.filter(Boolean).length },
      };
    },
    { step: 'initialize', name: 'injectBusFault' },
  );
}

describe('POST /ingest idempotency and the retry contract', () => {
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    pipeline = await testPipeline('idempotency');
    injectBusFault();
  });

  const body = (response: { body?: string }) => JSON.parse(response.body as string) as Record<string, unknown>;

  it('answers 409 IdempotencyKeyReused to a key sent again with another body; the first records stay', async () => {
    const first = await pipeline.apiRequest(quotes('AMD', 1), { headers: { 'idempotency-key': 'order-1' } });
    expect(first.statusCode).toBe(202);
    expect(body(first)).toMatchObject({ accepted: 1, idempotencyKey: 'order-1' });

    const other = quotes('AMD', 1).map((q) => ({ ...q, bid: '90.00' }));
    const reused = await pipeline.apiRequest(other, { headers: { 'idempotency-key': 'order-1' } });
    expect(reused.statusCode).toBe(409);
    expect(body(reused)).toMatchObject({
      error: 'IdempotencyKeyReused',
      message: expect.stringContaining('order-1'),
      requestId: expect.any(String),
    });
    await pipeline.drain();

    const items = await recordItemsOf(pipeline, 'AMD');
    expect(items.map((item) => item.bid?.N)).toEqual(['100.1']);
  });

  it('scopes the key to the caller: another caller may use the same key for its own records', async () => {
    const mine = await pipeline.apiRequest(quotes('INTC', 1), { headers: { 'idempotency-key': 'shared-key' } });
    const theirs = await pipeline.apiRequest(quotes('INTC', 1, 30), {
      headers: { 'idempotency-key': 'shared-key' },
      caller: `arn:aws:iam::${pipeline.resources.accountId}:role/other-team`,
    });
    expect([mine.statusCode, theirs.statusCode]).toEqual([202, 202]);
    await pipeline.drain();
    expect(await recordItemsOf(pipeline, 'INTC')).toHaveLength(2);
  });

  it('names the queued records and those to resend after a partial bus failure; a retry stores each once', async () => {
    const records = quotes('ORCL', 6);
    busFault.failing = true;
    const partial = await pipeline.apiRequest(records);
    busFault.failing = false;
    expect(busFault.refused).toBeGreaterThan(0);

    expect(partial.statusCode).toBe(503);
    expect(partial.headers).toMatchObject({ 'retry-after': expect.any(String) });
    const answer = body(partial) as {
      error: string;
      idempotencyKey: string;
      queued: { index: number; recordId: string }[];
      resend: { index: number; recordId: string }[];
      rejects: unknown[];
    };
    expect(answer.error).toBe('EventsNotAccepted');
    expect(answer.idempotencyKey).toEqual(expect.any(String));
    expect(answer.queued.map((r) => r.index)).toEqual([0, 2, 4]);
    expect(answer.resend.map((r) => r.index)).toEqual([1, 3, 5]);
    expect(answer.rejects).toEqual([]);

    // The documented retry: the same body again, with the key the answer named.
    const retried = await pipeline.apiRequest(records, { headers: { 'idempotency-key': answer.idempotencyKey } });
    expect(retried.statusCode).toBe(202);
    const done = body(retried) as { records: { index: number; recordId: string }[] };
    expect(done.records.filter((r) => r.index % 2 === 1)).toEqual(answer.resend);
    await pipeline.drain();
    expect(await recordItemsOf(pipeline, 'ORCL')).toHaveLength(6);
  });

  it('a request sent again without a key (its answer was lost) adds nothing', async () => {
    const records = quotes('CSCO', 4);
    const first = await pipeline.apiRequest(records);
    const again = await pipeline.apiRequest(records);
    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    expect(body(again).idempotencyKey).toBe(body(first).idempotencyKey);
    await pipeline.drain();
    expect(await recordItemsOf(pipeline, 'CSCO')).toHaveLength(4);
  });
});
