/**
 * DynamoDB stream → this region's partial minute bars, maintained incrementally (constant cost
 * per trade), and `MinuteBarUpdated` events carrying the bar merged from every region's partial.
 *
 * Per batch and (symbol, minute): one strongly consistent read of the minute's partials (every
 * region, one BatchGetItem for the whole batch), the trade changes above the stored stream
 * sequence number applied in order, one conditional PutItem. Redelivery, bisect retries and
 * partial batch failures therefore apply each change once. Only removing a trade that is one of
 * the partial's extremes reads the minute's trades (once per minute per batch).
 *
 * A partial bar of the other region arriving by replication changes nothing here: the merged
 * bar is published again, so events converge in both regions once replication settles.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import {
  type BarChange,
  type PartialBar,
  applyChanges,
  compareSequence,
  emptyPartial,
  mergePartials,
  samePartialValues,
  withRecomputedExtremes,
} from '../lib/domain/bars';
import { isLateChange } from '../lib/domain/summaries';
import type { MinuteBar } from '../lib/domain/types';
import { loadMinuteTrades, putItems, putPartial, readPartials, type SymbolMinute } from '../lib/store/bar-store';
import {
  type Item,
  barArrivalItem,
  parseRecordPartitionKey,
  partialValuesFromItem,
  regionalTradeFromItem,
} from '../lib/store/items';
import { mapWithConcurrency } from '../lib/aws/batching';
import { putEvents } from '../lib/aws/event-publisher';
import { DETAIL_TYPES, TABLE } from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';

/** Minutes read and written at once. */
const MINUTE_CONCURRENCY = 8;
/** Arrival markers expire after this long: the summary looks at them within minutes. */
const ARRIVAL_MARKER_TTL_SECONDS = 3 * 24 * 3600;

/** The stream records of one (symbol, minute) in a batch, in stream order. */
export interface MinuteGroup extends SymbolMinute {
  /** This region's trade changes and reconciliations. */
  readonly changes: BarChange[];
  /** The other regions' partial bars that arrived by replication. */
  readonly arrivals: string[];
  /** Sequence numbers of every record of the group (the lowest is reported on failure). */
  readonly sequences: string[];
}

type Image = Record<string, unknown>;

/** The (symbol, minute) of a partial bar key (`BAR#<symbol>` / `<minute>#<region>`). */
function barKeyMinute(pk: string, sk: string): (SymbolMinute & { region: string }) | undefined {
  if (!pk.startsWith(TABLE.barKeyPrefix)) return undefined;
  const hash = sk.lastIndexOf('#');
  if (hash <= 0) return undefined;
  return { symbol: pk.slice(TABLE.barKeyPrefix.length), minute: sk.slice(0, hash), region: sk.slice(hash + 1) };
}

/**
 * Groups the batch by (symbol, minute), in first-seen order. Records the mapping's filter would
 * not deliver (a misconfigured filter, the local run) are left out, as is this region's own
 * partial bar coming back on the stream.
 */
export function groupByMinute(records: readonly DynamoDBRecord[], region: string): MinuteGroup[] {
  const groups = new Map<string, MinuteGroup>();
  const groupOf = (at: SymbolMinute): MinuteGroup => {
    const key = `${at.symbol}#${at.minute}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ...at, changes: [], arrivals: [], sequences: [] }));
    return group;
  };
  for (const record of records) {
    const data = record.dynamodb;
    const pk = data?.Keys?.pk?.S;
    const sk = data?.Keys?.sk?.S;
    const sequence = data?.SequenceNumber;
    if (!pk || !sk || !sequence) continue;
    const newImage = data?.NewImage as Image | undefined;
    const oldImage = data?.OldImage as Image | undefined;
    const origin = (image: Image | undefined): string | undefined =>
      (image?.[TABLE.originRegion] as { S?: string } | undefined)?.S;

    const bar = barKeyMinute(pk, sk);
    if (bar) {
      if (record.eventName === 'REMOVE' || origin(newImage) === region || bar.region === region) continue;
      const group = groupOf(bar);
      group.arrivals.push(bar.region);
      group.sequences.push(sequence);
      continue;
    }
    const at = parseRecordPartitionKey(pk);
    if (!at) continue;
    if (sk.startsWith(TABLE.reconcileSortKeyPrefix)) {
      if (
        record.eventName === 'REMOVE' ||
        origin(newImage) !== region ||
        sk !== `${TABLE.reconcileSortKeyPrefix}${region}`
      )
        continue;
      const group = groupOf(at);
      group.changes.push({ kind: 'reconcile', sequence, values: partialValuesFromItem(newImage as Item) });
      group.sequences.push(sequence);
      continue;
    }
    if (!sk.startsWith(TABLE.tradeSortKeyPrefix)) continue;
    const before = record.eventName !== 'INSERT' && origin(oldImage) === region ? oldImage : undefined;
    const after = record.eventName !== 'REMOVE' && origin(newImage) === region ? newImage : undefined;
    if (!before && !after) continue;
    const group = groupOf(at);
    group.changes.push({
      kind: 'trade',
      sequence,
      ...(before ? { before: regionalTradeFromItem(before as Item) } : {}),
      ...(after ? { after: regionalTradeFromItem(after as Item) } : {}),
    });
    group.sequences.push(sequence);
  }
  return [...groups.values()];
}

/** What the handler decided for one group. */
interface GroupOutcome {
  readonly group: MinuteGroup;
  /** The partial to write (this region's changes moved it), with the sequence it was read at. */
  readonly write?: { readonly partial: PartialBar; readonly readSequence?: string };
  /** The merged bar to announce. */
  readonly bar?: MinuteBar;
  readonly recomputed?: boolean;
  readonly error?: unknown;
}

/** The lowest sequence number of `group` (where Lambda resumes when the group failed). */
function lowestSequence(group: MinuteGroup): string {
  return group.sequences.reduce((low, s) => (compareSequence(s, low) < 0 ? s : low));
}

/** DynamoDB stream handler with partial batch responses (ReportBatchItemFailures). */
export const handler = instrumented(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const region = pipelineRegion();
  const tableName = env.tableName();
  let groups: MinuteGroup[];
  try {
    groups = groupByMinute(event.Records ?? [], region);
  } catch (error) {
    // A record the handler cannot read fails the whole batch: bisecting isolates it.
    logger.error('Unreadable stream record', { error: error as Error });
    throw error;
  }
  if (groups.length === 0) return { batchItemFailures: [] };

  const stored = await readPartials(tableName, groups, env.pipelineRegions());
  const outcomes = await mapWithConcurrency(groups, MINUTE_CONCURRENCY, async (group): Promise<GroupOutcome> => {
    try {
      const partials = stored.get(`${group.symbol}#${group.minute}`) ?? [];
      const own = partials.find((p) => p.region === region);
      const others = partials.filter((p) => p.region !== region);
      if (group.changes.length === 0) return { group, bar: mergePartials(partials) };
      const base = own ?? emptyPartial(group.symbol, group.minute, region);
      const result = applyChanges(base, group.changes);
      if (result.applied === 0) return { group };
      let partial = result.partial;
      if (result.extremesStale) {
        const trades = await loadMinuteTrades(tableName, group.symbol, group.minute);
        partial = withRecomputedExtremes(
          partial,
          trades.filter((t) => t.originRegion === region),
        );
      }
      const changed = !samePartialValues(base, partial);
      return {
        group,
        write: { partial, readSequence: own?.sequence },
        recomputed: result.extremesStale,
        // Also announced when a replicated partial arrived in the same batch.
        ...(changed || group.arrivals.length > 0 ? { bar: mergePartials([partial, ...others]) } : {}),
      };
    } catch (error) {
      return { group, error };
    }
  });

  const failed = new Set<MinuteGroup>();
  for (const o of outcomes) {
    if (o.error === undefined) continue;
    failed.add(o.group);
    logger.error('Bar update failed', { symbol: o.group.symbol, minute: o.group.minute, error: o.error as Error });
  }

  // Announce before writing: if the write then fails, the retry applies the changes again and
  // announces again (at-least-once events; consumers keep the latest).
  const announced = outcomes.filter((o) => o.bar && !failed.has(o.group));
  if (announced.length > 0) {
    const outcome = await putEvents(
      announced.map((o) => ({ detailType: DETAIL_TYPES.barUpdated, detail: o.bar })),
      { busName: env.eventBusName() },
    );
    for (const f of outcome.failed) {
      const { group } = announced[f.index];
      failed.add(group);
      logger.error('MinuteBarUpdated not accepted by the bus', {
        symbol: group.symbol,
        minute: group.minute,
        errorCode: f.errorCode,
      });
    }
  }

  let written = 0;
  await mapWithConcurrency(
    outcomes.filter((o) => o.write && !failed.has(o.group)),
    MINUTE_CONCURRENCY,
    async (o) => {
      const { partial, readSequence } = o.write!;
      try {
        // The time is taken right before the write: a change that may land after the summary
        // read its window goes into the change index, so the summary revises the window.
        const now = Date.now();
        await putPartial(
          tableName,
          partial,
          { updatedAt: new Date(now).toISOString(), late: isLateChange(partial.minute, now) },
          readSequence,
        );
        written++;
      } catch (error) {
        failed.add(o.group);
        logger.error('Partial bar write failed', { symbol: partial.symbol, minute: partial.minute, error });
      }
    },
  );

  // Replicated partials of closed windows: tell this region's summary (see barArrivalItem).
  const now = Date.now();
  const arrivals = outcomes.filter(
    (o) => o.group.arrivals.length > 0 && !failed.has(o.group) && isLateChange(o.group.minute, now),
  );
  if (arrivals.length > 0) {
    const observedAt = new Date(now).toISOString();
    const expires = Math.floor(now / 1000) + ARRIVAL_MARKER_TTL_SECONDS;
    const markers = arrivals.flatMap((o) =>
      [...new Set(o.group.arrivals)].map((from) =>
        barArrivalItem(o.group.symbol, o.group.minute, from, region, observedAt, expires),
      ),
    );
    try {
      await putItems(tableName, markers);
    } catch (error) {
      for (const o of arrivals) failed.add(o.group);
      logger.error('Bar arrival markers not written', { error: error as Error });
    }
  }

  const recomputed = outcomes.filter((o) => o.recomputed && !failed.has(o.group)).length;
  count(METRIC.barsUpdated, written);
  count(METRIC.barExtremesRecomputed, recomputed);
  logger.info('Partial bars applied', {
    records: event.Records.length,
    minutes: groups.length,
    written,
    recomputed,
    failedMinutes: failed.size,
  });
  return { batchItemFailures: [...failed].map((group) => ({ itemIdentifier: lowestSequence(group) })) };
});
