/**
 * Every 5 minutes (active region only): roll the minute bars of the last completed 5-minute
 * window up per symbol and publish them — one notification (split into parts if large) and one
 * FiveMinuteSummary event per symbol. The window comes from the event's scheduled `time`, so a
 * retried invocation summarises the same window.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { packBySize } from '../lib/aws/batching';
import { queryBars } from '../lib/store/bar-store';
import { DETAIL_TYPES } from '../../contract';
import { env } from '../lib/runtime/environment';
import { publishAll } from '../lib/aws/event-publisher';
import { NOTIFICATION_PART_BYTES, publishNotification } from '../lib/aws/notification-publisher';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { type FiveMinuteSummary, type SummaryWindow, lastCompletedWindow, summarize } from '../lib/domain/summaries';

/** What one invocation published. */
export interface SummaryResult {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly symbols: number;
  readonly notificationParts: number;
  readonly events: number;
}

/** Room left in a part for the envelope around the summaries. */
const ENVELOPE_BYTES = 512;

/** Notification bodies: the summaries as JSON, split into parts below the SNS size limit. */
export function notificationParts(summaries: readonly FiveMinuteSummary[], window: SummaryWindow): string[] {
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
      part: i + 1,
      parts: groups.length,
      summaries: group,
    }),
  );
}

/** Scheduled (5-minute) handler. */
export const handler = instrumented(async (event: ScheduledEvent): Promise<SummaryResult> => {
  const scheduled = Date.parse(event?.time ?? '');
  const window = lastCompletedWindow(Number.isNaN(scheduled) ? Date.now() : scheduled);
  const bars = await queryBars(env.tableName(), window.start, window.lastMinute);
  const summaries = summarize(bars, window);
  if (summaries.length === 0) {
    logger.info('No bars in window: nothing published', { windowStart: window.start, windowEnd: window.end });
    return { windowStart: window.start, windowEnd: window.end, symbols: 0, notificationParts: 0, events: 0 };
  }

  const parts = notificationParts(summaries, window);
  const topicArn = env.notificationsTopicArn();
  for (const [i, message] of parts.entries()) {
    const suffix = parts.length > 1 ? ` (${i + 1}/${parts.length})` : '';
    await publishNotification(topicArn, {
      subject: `Market data 5-minute summary ${window.start.slice(0, 16)}Z${suffix}`,
      message,
      attributes: { kind: 'summary' },
    });
  }
  const events = await publishAll(
    summaries.map((s) => ({ detailType: DETAIL_TYPES.summary, detail: s })),
    { busName: env.eventBusName() },
  );
  count(METRIC.summariesPublished, summaries.length);
  count(METRIC.eventsPublished, events);
  logger.info('Summaries published', {
    windowStart: window.start,
    symbols: summaries.length,
    bars: bars.length,
    parts: parts.length,
  });
  return {
    windowStart: window.start,
    windowEnd: window.end,
    symbols: summaries.length,
    notificationParts: parts.length,
    events,
  };
});
