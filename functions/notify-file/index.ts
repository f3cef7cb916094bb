/**
 * Notify (end of every run): finalise the file item and announce the run (SNS + FileProcessed),
 * see `announceFileRun`. On success, what the chunks stored (duplicates, conflicts) is summed from
 * the StoreChunks results in S3 (StoreChunks is a Distributed Map with a ResultWriter), and the
 * staged conflicts are read once each and appended to the version's rejects report before the
 * file is marked COMPLETED (the watchdog, which announces only failures, never appends).
 */
import { env, pipelineRegion } from '../lib/runtime/environment';
import {
  announceFileRun,
  type FileProcessedDetail,
  type FinishedRun,
  NOTHING_STORED,
  runStatus,
  type StoreTotals,
} from '../lib/aws/file-run-announcement';
import { instrumented } from '../lib/runtime/observability';
import { summarizeStoreChunks } from '../lib/store/map-results';
import { appendConflicts, readConflicts } from '../lib/store/rejects-report';
import { runIdOf } from '../lib/runtime/workflow-run';

export { causeMessage, fileProcessedDetail, type FileProcessedDetail } from '../lib/aws/file-run-announcement';

/** Notify's input: the workflow state, with Compensate's result on the failure path. */
export type NotifyInput = FinishedRun;

/** What the run's chunks found storing (nothing for a failed run). */
async function storeTotals(state: NotifyInput): Promise<StoreTotals> {
  const results = state.results?.[0];
  if (runStatus(state) !== 'COMPLETED' || !results) return NOTHING_STORED;
  const summary = await summarizeStoreChunks(results);
  return { duplicates: summary.duplicates, conflicts: await readConflicts(state.bucket, summary.conflictsKeys) };
}

/** Notify step: finalise the file item and announce the run. */
export const handler = instrumented(async (state: NotifyInput): Promise<FileProcessedDetail> => {
  const totals = await storeTotals(state);
  const rejectsKey = state.validation?.rejectsKey;
  if (runStatus(state) === 'COMPLETED' && rejectsKey)
    await appendConflicts(state.bucket, rejectsKey, totals.conflicts, runIdOf(state));
  const { detail } = await announceFileRun(state, totals, {
    tableName: env.tableName(),
    region: pipelineRegion(),
    notificationsTopicArn: env.notificationsTopicArn(),
    eventBusName: env.eventBusName(),
  });
  return detail;
});
