import '../../support/env';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import {
  EventPublishError,
  PUT_EVENTS_MAX_BYTES,
  entrySize,
  publishAll,
  putEvents,
} from '../../../../functions/lib/aws/event-publisher';

const eb = mockClient(EventBridgeClient);
const opts = { busName: 'bus', sleep: () => Promise.resolve() };
const ok = (n: number) => ({
  FailedEntryCount: 0,
  Entries: Array.from({ length: n }, (_, i) => ({ EventId: `e${i}` })),
});

beforeEach(() => {
  eb.reset();
  eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ok(input.Entries.length));
});

describe('event publisher', () => {
  it('sends at most 10 entries per PutEvents with source, detail-type and bus', async () => {
    await expect(
      publishAll(
        Array.from({ length: 23 }, (_, i) => ({ detailType: 'T', detail: { i } })),
        opts,
      ),
    ).resolves.toBe(23);
    const calls = eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(calls[0][0]).toEqual({
      EventBusName: 'bus',
      Source: 'market-data.pipeline',
      DetailType: 'T',
      Detail: '{"i":0}',
    });
  });

  it('can run requests in parallel and still reports failures by input index', async () => {
    eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((e) =>
        e.Detail === '{"i":17}' ? { ErrorCode: 'MalformedDetail' } : { EventId: 'x' },
      ),
    }));
    const outcome = await putEvents(
      Array.from({ length: 40 }, (_, i) => ({ detailType: 'T', detail: { i } })),
      { ...opts, concurrency: 4 },
    );
    expect(outcome).toEqual({ published: 39, failed: [{ index: 17, errorCode: 'MalformedDetail' }] });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(4);
  });

  it('keeps each request within 256 KB', async () => {
    const big = 'x'.repeat(100 * 1024);
    await publishAll(
      Array.from({ length: 5 }, () => ({ detailType: 'T', detail: { big } })),
      opts,
    );
    const calls = eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.map((c) => c.length)).toEqual([2, 2, 1]);
    for (const entries of calls)
      expect(entries.reduce((s, e) => s + entrySize(e), 0)).toBeLessThanOrEqual(PUT_EVENTS_MAX_BYTES);
  });

  it('retries only the entries EventBridge reports as failed', async () => {
    eb.on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'c' }],
      })
      .resolves(ok(1));
    const outcome = await putEvents(
      [0, 1, 2].map((i) => ({ detailType: 'T', detail: { i } })),
      opts,
    );
    expect(outcome).toEqual({ published: 3, failed: [] });
    expect(eb.commandCalls(PutEventsCommand)[1].args[0].input.Entries!.map((e) => e.Detail)).toEqual(['{"i":1}']);
  });

  it('reports entries that keep failing by index, and publishAll throws', async () => {
    eb.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((e) => (e.Detail === '{"i":1}' ? { ErrorCode: 'InternalFailure' } : { EventId: 'x' })),
    }));
    const outcome = await putEvents(
      [0, 1, 2].map((i) => ({ detailType: 'T', detail: { i } })),
      { ...opts, maxAttempts: 3 },
    );
    expect(outcome).toEqual({ published: 2, failed: [{ index: 1, errorCode: 'InternalFailure' }] });
    await expect(
      publishAll([{ detailType: 'T', detail: { i: 1 } }], { ...opts, maxAttempts: 2 }),
    ).rejects.toBeInstanceOf(EventPublishError);
  });

  it('does not retry a call that threw (the client already did): its entries are reported failed', async () => {
    eb.on(PutEventsCommand).rejects(Object.assign(new Error('unavailable'), { name: 'ServiceUnavailable' }));
    const outcome = await putEvents(
      [0, 1].map((i) => ({ detailType: 'T', detail: { i } })),
      opts,
    );
    expect(outcome).toEqual({
      published: 0,
      failed: [
        { index: 0, errorCode: 'ServiceUnavailable' },
        { index: 1, errorCode: 'ServiceUnavailable' },
      ],
    });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('fails an entry over 256 KB without sending it', async () => {
    const outcome = await putEvents([{ detailType: 'T', detail: 'x'.repeat(PUT_EVENTS_MAX_BYTES) }], opts);
    expect(outcome.failed).toEqual([{ index: 0, errorCode: 'EntryTooLarge' }]);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
