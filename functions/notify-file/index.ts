/**
 * Notify (end of every run): append the conflicts found while storing to the version's rejects
 * report, finalise the file item (COMPLETED or FAILED, out of the status index), tell people
 * (SNS) and systems (FileProcessed on the bus). `batch` runs are bulk back-fills: their
 * successes go to the bus only, failures to both.
 *
 * Counts of a completed run: `accepted` = rows stored (`stored` new to the table + `duplicates`
 * already stored with the same content), `rejected` = rows rejected by validation + rows that
 * conflict with a stored row (CONFLICTING_DUPLICATE), so every row is accepted or rejected.
 */
import { DETAIL_TYPES, type FileWorkflowState } from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { publishAll } from '../lib/aws/event-publisher';
import { fileIdFor } from '../lib/store/file-ids';
import { markFileCompleted, markFileFailed } from '../lib/store/file-store';
import { appendConflicts, readConflicts } from '../lib/store/rejects-report';
import { runIdOf } from '../lib/runtime/workflow-run';
import { publishNotification } from '../lib/aws/notification-publisher';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import type { CompensationOutput } from '../lib/store/record-compensation';

/** Detail of the FileProcessed event (also the notification body). */
export interface FileProcessedDetail {
  readonly fileId: string;
  /** The run (execution name). */
  readonly runId: string;
  readonly status: 'COMPLETED' | 'FAILED';
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly processingType: string;
  readonly requestedAt: string;
  readonly accepted: number;
  readonly rejected: number;
  /** Records this run added to the table. */
  readonly stored: number;
  /** Accepted rows whose content was already stored (by another run, or another row of the file). */
  readonly duplicates: number;
  /** Kept rows that lost an optional field. */
  readonly warnings: number;
  readonly reasons: Readonly<Record<string, number>>;
  readonly rejectsKey?: string;
  readonly error?: { readonly name: string; readonly message?: string };
  readonly compensation?: CompensationOutput;
}

/** Notify's input: the workflow state, with Compensate's result on the failure path. */
export type NotifyInput = FileWorkflowState & { readonly compensation?: CompensationOutput };

const MESSAGE_MAX = 1000;

/** The human-readable part of a Step Functions error Cause (Lambda's JSON `errorMessage`, else the text). */
export function causeMessage(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  let message = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Not JSON: States.* errors carry plain text.
  }
  return message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}...` : message;
}

/**
 * Builds the FileProcessed detail of a finished run. `conflicts`: the rows that conflicted while
 * storing, counted once each (default: the sum the chunks reported).
 */
export function fileProcessedDetail(state: NotifyInput, conflicts?: number): FileProcessedDetail {
  const status = state.status ?? (state.error ? 'FAILED' : 'COMPLETED');
  const validation = state.validation;
  const chunks = status === 'COMPLETED' ? (state.results?.[0] ?? []) : [];
  const conflicting = conflicts ?? chunks.reduce((sum, r) => sum + r.conflicts, 0);
  const duplicates = chunks.reduce((sum, r) => sum + r.duplicates, 0);
  const accepted = (validation?.accepted ?? 0) - conflicting;
  const reasons = { ...(validation?.reasons ?? {}) };
  if (conflicting > 0) reasons.CONFLICTING_DUPLICATE = (reasons.CONFLICTING_DUPLICATE ?? 0) + conflicting;
  return {
    fileId: validation?.fileId ?? fileIdFor(state.bucket, state.key, state.versionId),
    runId: runIdOf(state),
    status,
    bucket: state.bucket,
    key: state.key,
    versionId: state.versionId,
    processingType: state.processingType,
    requestedAt: state.requestedAt,
    accepted,
    rejected: (validation?.rejected ?? 0) + conflicting,
    // Every accepted row is in the table: stored by this run, or already stored with the same content.
    stored: status === 'COMPLETED' ? accepted - duplicates : 0,
    duplicates,
    warnings: validation?.warnings ?? 0,
    reasons,
    ...(validation?.rejectsKey ? { rejectsKey: validation.rejectsKey } : {}),
    ...(state.error ? { error: { name: state.error.Error, message: causeMessage(state.error.Cause) } } : {}),
    ...(state.compensation ? { compensation: state.compensation } : {}),
  };
}

/** Notify step: finalise the file item and announce the run (SNS + FileProcessed). */
export const handler = instrumented(async (state: NotifyInput): Promise<FileProcessedDetail> => {
  const tableName = env.tableName();
  const region = pipelineRegion();
  const completed = (state.status ?? (state.error ? 'FAILED' : 'COMPLETED')) === 'COMPLETED';
  const conflictKeys = completed
    ? (state.results?.[0] ?? []).flatMap((r) => (r.conflictsKey ? [r.conflictsKey] : []))
    : [];
  const conflicts = await readConflicts(state.bucket, conflictKeys);
  const detail = fileProcessedDetail(state, completed ? conflicts.length : undefined);
  if (detail.status === 'COMPLETED') {
    if (detail.rejectsKey) await appendConflicts(state.bucket, detail.rejectsKey, conflicts, detail.runId);
    await markFileCompleted(tableName, detail.fileId, detail.runId, detail, region);
    count(METRIC.filesCompleted);
  } else {
    // Compensate normally marked it already; repeat in case Compensate itself failed.
    await markFileFailed(tableName, detail.fileId, detail.runId, detail.error?.name ?? 'UnknownError', region);
    count(METRIC.filesFailed);
  }

  if (!(detail.processingType === 'batch' && detail.status === 'COMPLETED')) {
    const reasons =
      Object.entries(detail.reasons)
        .map(([reason, n]) => `${reason}=${n}`)
        .join(', ') || 'none';
    await publishNotification(env.notificationsTopicArn(), {
      subject: `File ${detail.status}: ${detail.key}`,
      message: JSON.stringify(
        {
          summary:
            `${detail.accepted} accepted (${detail.stored} new, ${detail.duplicates} already stored), ` +
            `${detail.rejected} rejected (${reasons}), ${detail.warnings} warnings`,
          ...detail,
        },
        null,
        2,
      ),
      attributes: { status: detail.status, processingType: detail.processingType },
    });
  }
  await publishAll([{ detailType: DETAIL_TYPES.fileProcessed, detail }], { busName: env.eventBusName() });
  logger.info('File run finished', {
    fileId: detail.fileId,
    runId: detail.runId,
    status: detail.status,
    accepted: detail.accepted,
    rejected: detail.rejected,
    stored: detail.stored,
  });
  return detail;
});
