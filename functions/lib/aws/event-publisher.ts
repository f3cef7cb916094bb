/**
 * Puts domain events on the pipeline's bus in PutEvents-sized batches (≤ 10 entries, ≤ 256 KB
 * by EventBridge's size rule) and retries the entries EventBridge reports as failed (PutEvents
 * succeeds as a call even when entries fail — `FailedEntryCount`). A call that throws is not
 * retried here: the client already retried it (clients/retry-policy.ts). Entries that still fail
 * are returned by index so the caller can answer 503, fail a batch item, or throw; none is dropped.
 */
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { eventBridgeClient } from './clients/eventbridge';
import { mapWithConcurrency, packBySize } from './batching';
import { EVENT_SOURCE, STEP_ERROR_NAMES } from '../../../contract';
import { type BackoffOptions, backoffDelay, resolveBackoff } from './retry';

/** Most entries one PutEvents request takes. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** Most bytes (EventBridge's entry-size rule, summed) one PutEvents request takes. */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/** Entry error codes that another attempt cannot fix. */
const PERMANENT_ENTRY_ERRORS = new Set([
  'MalformedDetail',
  'InvalidArgument',
  'AccessDeniedException',
  'NotAuthorizedForSourceException',
  'ValidationException',
]);

/** One event to put on the bus. */
export interface BusEvent {
  readonly detailType: string;
  /** Serialised with JSON.stringify. */
  readonly detail: unknown;
  readonly resources?: readonly string[];
}

/** What happened to a set of events. */
export interface PublishOutcome {
  readonly published: number;
  /** Indexes (into the input) of the events that were not put, with the last error code. */
  readonly failed: ReadonlyArray<{ readonly index: number; readonly errorCode: string }>;
}

/** Some events were still not accepted after the retries. */
export class EventPublishError extends Error {
  constructor(
    readonly failedCount: number,
    readonly published: number,
    readonly errorCode: string,
  ) {
    super(
      `${failedCount} event(s) not accepted by EventBridge after retries ` +
        `(last error ${errorCode}); ${published} published`,
    );
    this.name = STEP_ERROR_NAMES.eventPublish;
  }
}

/** Options of a publish; the backoff applies to failed entries only. */
export interface PublishOptions extends BackoffOptions {
  readonly busName: string;
  readonly client?: EventBridgeClient;
  /**
   * PutEvents requests in flight at once. Default 1 (events reach the bus in input order);
   * consumers that do not depend on order (the API: bars are order-independent) can raise it.
   */
  readonly concurrency?: number;
}

/** Size EventBridge counts for an entry: source + detail-type + detail + resources (UTF-8). */
export function entrySize(entry: PutEventsRequestEntry): number {
  return (
    Buffer.byteLength(entry.Source ?? '') +
    Buffer.byteLength(entry.DetailType ?? '') +
    Buffer.byteLength(entry.Detail ?? '') +
    (entry.Resources ?? []).reduce((sum, r) => sum + Buffer.byteLength(r), 0) +
    (entry.Time ? 14 : 0)
  );
}

/** Publishes `events`; reports the failures instead of throwing. */
export async function putEvents(events: readonly BusEvent[], options: PublishOptions): Promise<PublishOutcome> {
  const client = options.client ?? eventBridgeClient();
  const backoff = resolveBackoff(options);
  const entries = events.map((event, index) => ({
    index,
    entry: {
      EventBusName: options.busName,
      Source: EVENT_SOURCE,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      ...(event.resources ? { Resources: [...event.resources] } : {}),
    } satisfies PutEventsRequestEntry,
  }));
  const failed: Array<{ index: number; errorCode: string }> = [];
  const fitting = entries.filter((e) => {
    if (entrySize(e.entry) <= PUT_EVENTS_MAX_BYTES) return true;
    failed.push({ index: e.index, errorCode: 'EntryTooLarge' });
    return false;
  });
  let published = 0;
  const batches = packBySize(fitting, PUT_EVENTS_MAX_ENTRIES, PUT_EVENTS_MAX_BYTES, (e) => entrySize(e.entry));
  await mapWithConcurrency(batches, options.concurrency ?? 1, async (batch) => {
    let pending = batch;
    let lastCode = new Map<number, string>();
    for (let attempt = 0; attempt < backoff.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 0) await backoff.sleep(backoffDelay(attempt - 1, backoff));
      try {
        const result = await client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
        const results = result.Entries ?? [];
        const retry: typeof pending = [];
        const codes = new Map<number, string>();
        pending.forEach((p, i) => {
          const code = results[i]?.ErrorCode;
          if (!code && results[i]?.EventId) {
            published++;
          } else if (code && PERMANENT_ENTRY_ERRORS.has(code)) {
            failed.push({ index: p.index, errorCode: code });
          } else {
            retry.push(p);
            codes.set(p.index, code ?? 'NoEventId');
          }
        });
        pending = retry;
        lastCode = codes;
      } catch (error) {
        // The client has retried this call already; the whole batch failed.
        const name = (error as Error).name ?? 'Error';
        lastCode = new Map(pending.map((p) => [p.index, name]));
        break;
      }
    }
    for (const p of pending) failed.push({ index: p.index, errorCode: lastCode.get(p.index) ?? 'Unknown' });
  });
  failed.sort((a, b) => a.index - b.index);
  return { published, failed };
}

/**
 * Publishes every event or throws.
 * @throws EventPublishError naming how many were not accepted.
 */
export async function publishAll(events: readonly BusEvent[], options: PublishOptions): Promise<number> {
  const outcome = await putEvents(events, options);
  if (outcome.failed.length > 0)
    throw new EventPublishError(outcome.failed.length, outcome.published, outcome.failed[0].errorCode);
  return outcome.published;
}
