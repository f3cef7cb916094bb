/**
 * Every 5 minutes (active region only): roll the minute bars (merged from every region's
 * partials) of the last completed 5-minute window up per symbol and publish them — notifications
 * (split into parts if large) and one FiveMinuteSummary event per symbol. Then look through this
 * region's change index for bar changes made after their window closed (late files, stream lag,
 * replication delay) and publish every window whose summaries changed again, as revisions.
 *
 * Each publication is remembered with a fingerprint of its values, so a retried invocation
 * publishes nothing twice (beyond a crash between publishing and remembering: at-least-once),
 * and a revision goes out only when the values really changed.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { packBySize } from '../lib/aws/batching';
import { queryBarChanges, queryPartials } from '../lib/store/bar-store';
import { readChangeCursor, readPublished, writeChangeCursor, writePublished } from '../lib/store/summary-store';
import { DETAIL_TYPES } from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { publishAll } from '../lib/aws/event-publisher';
import { NOTIFICATION_PART_BYTES, publishNotification } from '../lib/aws/notification-publisher';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { mergeByMinute } from '../lib/domain/bars';
import {
  type PublishedFiveMinuteSummary,
  type SummaryWindow,
  lastCompletedWindow,
  publicationsFor,
  summarize,
  windowOfMinute,
} from '../lib/domain/summaries';

/** What one invocation published. */
export interface SummaryResult {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly symbols: number;
  readonly notificationParts: number;
  readonly events: number;
  /** Starts of the earlier windows published again because their bars changed. */
  readonly revisedWindows: readonly string[];
  /** Revisions published (of this window and of earlier ones). */
  readonly revisions: number;
}

/** Room left in a part for the envelope around the summaries. */
const ENVELOPE_BYTES = 512;
/** Changes observed this long before the cursor are looked at again (clock skew, writes in flight). */
const CHANGE_OVERLAP_MS = 2 * 60_000;
/** Where a region's first run (no cursor yet, e.g. after a failover) starts looking. */
const FIRST_LOOKBACK_MS = 60 * 60_000;
/** Earlier windows revised per run at most; the cursor stops before the rest. */
export const MAX_REVISED_WINDOWS = 48;

/** Notification bodies: the summaries as JSON, split into parts below the SNS size limit. */
export function notificationParts(
  summaries: readonly PublishedFiveMinuteSummary[],
  window: SummaryWindow,
  revision = false,
): string[] {
  const groups = packBySize(
    summaries,
    Number.MAX_SAFE_INTEGER,
    NOTIFICATION_PART_BYTES - ENVELOPE_BYTES,
    (s) => Buffer.byteLength(JSON.stringify(s)) + 1,
  );
  return groups.map((group, i) =>
    JSON.stringify({
      windowStart: window.start,
      windowEnd: window.end,
      ...(revision ? { revision: true } : {}),
      part: i + 1,
      parts: groups.length,
      summaries: group,
    }),
  );
}

/** What publishing one window did. */
interface WindowPublished {
  readonly symbols: number;
  readonly parts: number;
  readonly events: number;
  readonly revisions: number;
}

/** Summarises `window` and publishes what is new or changed since its last publication. */
async function publishWindow(window: SummaryWindow, region: string, now: string): Promise<WindowPublished> {
  const tableName = env.tableName();
  const bars = mergeByMinute(await queryPartials(tableName, window.start, window.lastMinute));
  const summaries = summarize(bars, window);
  const publications = publicationsFor(window, summaries, await readPublished(tableName, window.start));
  if (publications.length === 0) return { symbols: summaries.length, parts: 0, events: 0, revisions: 0 };

  const published = publications.map((p) => p.summary);
  const revisions = published.filter((s) => s.revision > 0);
  const firsts = published.filter((s) => s.revision === 0);
  const topicArn = env.notificationsTopicArn();
  let parts = 0;
  for (const [group, revision] of [
    [firsts, false],
    [revisions, true],
  ] as const) {
    if (group.length === 0) continue;
    const messages = notificationParts(group, window, revision);
    for (const [i, message] of messages.entries()) {
      const suffix = messages.length > 1 ? ` (${i + 1}/${messages.length})` : '';
      await publishNotification(topicArn, {
        subject: `Market data 5-minute summary ${revision ? 'revision ' : ''}${window.start.slice(0, 16)}Z${suffix}`,
        message,
        attributes: { kind: revision ? 'summary-revision' : 'summary' },
      });
    }
    parts += messages.length;
  }
  const events = await publishAll(
    published.map((s) => ({ detailType: DETAIL_TYPES.summary, detail: s })),
    { busName: env.eventBusName() },
  );
  await writePublished(
    tableName,
    publications.map((p) => ({
      windowStart: window.start,
      symbol: p.summary.symbol,
      region,
      fingerprint: p.fingerprint,
      revision: p.summary.revision,
      publishedAt: now,
    })),
  );
  return { symbols: summaries.length, parts, events, revisions: revisions.length };
}

/** Scheduled (5-minute) handler. */
export const handler = instrumented(async (event: ScheduledEvent): Promise<SummaryResult> => {
  const scheduled = Date.parse(event?.time ?? '');
  const nowMs = Number.isNaN(scheduled) ? Date.now() : scheduled;
  const now = new Date(nowMs).toISOString();
  const region = pipelineRegion();
  const tableName = env.tableName();
  const window = lastCompletedWindow(nowMs);
  const current = await publishWindow(window, region, now);

  // Earlier windows whose bars changed after they closed, in the order the changes were seen.
  const cursor = (await readChangeCursor(tableName, region)) ?? new Date(nowMs - FIRST_LOOKBACK_MS).toISOString();
  const from = new Date(Date.parse(cursor) - CHANGE_OVERLAP_MS).toISOString();
  const changes = await queryBarChanges(tableName, region, from, now);
  const windows = new Map<string, { window: SummaryWindow; firstSeen: string }>();
  for (const change of changes) {
    const changed = windowOfMinute(change.minute);
    if (changed.start === window.start || changed.end > now || windows.has(changed.start)) continue;
    windows.set(changed.start, { window: changed, firstSeen: change.observedAt });
  }
  const revised = [...windows.values()].slice(0, MAX_REVISED_WINDOWS);
  const deferred = [...windows.values()][MAX_REVISED_WINDOWS];
  let revisions = current.revisions;
  let events = current.events;
  const revisedWindows: string[] = [];
  for (const { window: earlier } of revised) {
    const outcome = await publishWindow(earlier, region, now);
    revisions += outcome.revisions;
    events += outcome.events;
    if (outcome.events > 0) revisedWindows.push(earlier.start);
  }
  await writeChangeCursor(tableName, region, deferred ? deferred.firstSeen : now);

  count(METRIC.summariesPublished, current.events);
  count(METRIC.summaryRevisionsPublished, revisions);
  count(METRIC.eventsPublished, events);
  logger.info('Summaries published', {
    windowStart: window.start,
    symbols: current.symbols,
    published: current.events,
    revisedWindows: revisedWindows.length,
    revisions,
    deferredFrom: deferred?.firstSeen,
  });
  return {
    windowStart: window.start,
    windowEnd: window.end,
    symbols: current.symbols,
    notificationParts: current.parts,
    events: current.events,
    revisedWindows,
    revisions,
  };
});
