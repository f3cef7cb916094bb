/**
 * DynamoDB stream → exact minute bars. For every (symbol, minute) a batch touches, the bar is
 * recomputed from the minute's stored trades (consistent read), so replays, duplicates and
 * arrival order cannot change it; it is written only when it changed, and each change is
 * announced on the bus first (a failed write retries and re-announces: at-least-once events).
 *
 * Only record items written in this region count (the event-source filter already drops the
 * rest in AWS; this re-check keeps the local run and a misconfigured filter honest).
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type MinuteBarChange, computeBar, sameBar } from '../lib/domain/bars';
import { deleteBar, loadTrades, putBar, readBar } from '../lib/store/bar-store';
import { mapWithConcurrency } from '../lib/aws/batching';
import { DETAIL_TYPES, TABLE } from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { putEvents } from '../lib/aws/event-publisher';
import { SORT_PREFIX, parseRecordPartitionKey } from '../lib/store/items';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';

/** Minutes recomputed at once (each is a Query + GetItem + maybe a PutItem). */
const MINUTE_CONCURRENCY = 8;

/** A (symbol, minute) touched by the batch and the stream records that touched it. */
export interface TouchedMinute {
  readonly symbol: string;
  readonly minute: string;
  readonly sequenceNumbers: string[];
}

/** Whether a stream record is a trade written in `region` (the only records bars count). */
export function isOwnTradeChange(record: DynamoDBRecord, region: string): boolean {
  const pk = record.dynamodb?.Keys?.pk?.S;
  const sk = record.dynamodb?.Keys?.sk?.S;
  if (!pk?.startsWith(TABLE.recordKeyPrefix) || !sk?.startsWith(SORT_PREFIX.trade)) return false;
  const image = record.eventName === 'REMOVE' ? record.dynamodb?.OldImage : record.dynamodb?.NewImage;
  return image?.[TABLE.originRegion]?.S === region;
}

/** Distinct (symbol, minute) pairs of the batch's own trade changes, in first-seen order. */
export function touchedMinutes(records: readonly DynamoDBRecord[], region: string): TouchedMinute[] {
  const byKey = new Map<string, TouchedMinute>();
  for (const record of records) {
    if (!isOwnTradeChange(record, region)) continue;
    const pk = record.dynamodb!.Keys!.pk.S!;
    const parsed = parseRecordPartitionKey(pk);
    if (!parsed) continue;
    const touched = byKey.get(pk) ?? { ...parsed, sequenceNumbers: [] };
    if (record.dynamodb?.SequenceNumber) touched.sequenceNumbers.push(record.dynamodb.SequenceNumber);
    byKey.set(pk, touched);
  }
  return [...byKey.values()];
}

interface Recomputed {
  readonly touched: TouchedMinute;
  readonly change?: MinuteBarChange;
  readonly error?: unknown;
}

/** DynamoDB stream handler with partial batch responses (ReportBatchItemFailures). */
export const handler = instrumented(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const region = pipelineRegion();
  const tableName = env.tableName();
  const minutes = touchedMinutes(event.Records ?? [], region);
  if (minutes.length === 0) return { batchItemFailures: [] };

  const recomputed = await mapWithConcurrency(minutes, MINUTE_CONCURRENCY, async (touched): Promise<Recomputed> => {
    try {
      const [trades, stored] = await Promise.all([
        loadTrades(tableName, touched.symbol, touched.minute),
        readBar(tableName, touched.symbol, touched.minute),
      ]);
      const bar = computeBar(touched.symbol, touched.minute, trades);
      if (bar && !(stored && sameBar(bar, stored))) return { touched, change: { kind: 'updated', bar } };
      if (!bar && stored)
        return { touched, change: { kind: 'removed', symbol: touched.symbol, minute: touched.minute } };
      return { touched };
    } catch (error) {
      return { touched, error };
    }
  });

  const failed = new Set<TouchedMinute>(recomputed.filter((r) => r.error !== undefined).map((r) => r.touched));
  for (const r of recomputed)
    if (r.error)
      logger.error('Bar recompute failed', {
        symbol: r.touched.symbol,
        minute: r.touched.minute,
        error: r.error,
      });

  // Announce before writing: if the write then fails, the retry finds the bar still changed and announces again.
  const updates = recomputed.filter((r) => r.change?.kind === 'updated');
  if (updates.length > 0) {
    const outcome = await putEvents(
      updates.map((r) => ({ detailType: DETAIL_TYPES.barUpdated, detail: (r.change as { bar: unknown }).bar })),
      { busName: env.eventBusName() },
    );
    for (const f of outcome.failed) {
      failed.add(updates[f.index].touched);
      logger.error('MinuteBarUpdated not accepted by the bus', {
        symbol: updates[f.index].touched.symbol,
        minute: updates[f.index].touched.minute,
        errorCode: f.errorCode,
      });
    }
  }

  let barsUpdated = 0;
  let barsRemoved = 0;
  await mapWithConcurrency(
    recomputed.filter((r) => r.change && !failed.has(r.touched)),
    MINUTE_CONCURRENCY,
    async (r) => {
      try {
        const change = r.change!;
        if (change.kind === 'updated') {
          await putBar(tableName, change.bar, region);
          barsUpdated++;
        } else {
          await deleteBar(tableName, change.symbol, change.minute);
          barsRemoved++;
        }
      } catch (error) {
        failed.add(r.touched);
        logger.error('Bar write failed', { symbol: r.touched.symbol, minute: r.touched.minute, error: error as Error });
      }
    },
  );

  count(METRIC.barsUpdated, barsUpdated);
  count(METRIC.barsRemoved, barsRemoved);
  logger.info('Bars recomputed', {
    records: event.Records.length,
    minutes: minutes.length,
    barsUpdated,
    barsRemoved,
    failedMinutes: failed.size,
  });
  return {
    batchItemFailures: [...failed].flatMap((t) => t.sequenceNumbers.map((itemIdentifier) => ({ itemIdentifier }))),
  };
});
