/**
 * The end of a file run: finalise the file item (COMPLETED or FAILED, out of the status index), tell people
 * (SNS) and systems (FileProcessed on the bus). `batch` runs are bulk back-fills: their successes
 * go to the bus only, failures to both. Used by the workflow's Notify steps and by the watchdog
 * for runs that ended without reaching them.
 *
 * Counts of a completed run: `accepted` = rows stored (`stored` new to the table + `duplicates`
 * already stored with the same content), `rejected` = rows rejected by validation + rows that
 * conflict with a stored row (CONFLICTING_DUPLICATE), so every row is accepted or rejected.
 *
 * A failure is announced once per run in the ordinary course: the file item records the run whose
 * failure was announced (`failureAnnouncedBy`) after publishing, and an announcement for a run
 * already recorded is skipped, whichever of the workflow and the watchdog comes second. The guard
 * is at-least-once, never at-most-once: a crash between publishing and recording, or both paths
 * at the very same moment (a run aborted during its own NotifyFailure), can announce it twice;
 * nothing can leave it unannounced.
 */
import { DETAIL_TYPES, type FileWorkflowState } from '../../../contract';
import { count, logger, METRIC } from '../runtime/observability';
import { runIdOf } from '../runtime/workflow-run';
import { fileIdFor } from '../store/file-ids';
import { markFailureAnnounced, markFileCompleted, markFileFailed, readFileItem } from '../store/file-store';
import type { CompensationOutput } from '../store/record-compensation';
import type { ConflictLine } from '../store/rejects-report';
import { publishAll } from './event-publisher';
import { publishNotification } from './notification-publisher';

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

/** A finished run: the workflow state, with Compensate's result on the failure path. */
export type FinishedRun = FileWorkflowState & { readonly compensation?: CompensationOutput };

/** What storing a completed run's chunks found (from the StoreChunks results). */
export interface StoreTotals {
  /** Rows already stored with the same content. */
  readonly duplicates: number;
  /** Rows that conflict with a stored row, each once. */
  readonly conflicts: readonly ConflictLine[];
}

/** Totals of a run that stored nothing (a failed run: compensation let go of what it stored). */
export const NOTHING_STORED: StoreTotals = { duplicates: 0, conflicts: [] };

/** Where announcements go. */
export interface AnnouncementTargets {
  readonly tableName: string;
  readonly region: string;
  readonly notificationsTopicArn: string;
  readonly eventBusName: string;
}

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

/** The run's status: set by the Pass states, else FAILED when a Catch put an error in the state. */
export function runStatus(run: FinishedRun): 'COMPLETED' | 'FAILED' {
  return run.status ?? (run.error ? 'FAILED' : 'COMPLETED');
}

/** Builds the FileProcessed detail of a finished run (`totals` count only when it COMPLETED). */
export function fileProcessedDetail(run: FinishedRun, totals: StoreTotals = NOTHING_STORED): FileProcessedDetail {
  const status = runStatus(run);
  const validation = run.validation;
  const counted = status === 'COMPLETED' ? totals : NOTHING_STORED;
  const conflicting = counted.conflicts.length;
  const accepted = (validation?.accepted ?? 0) - conflicting;
  const reasons = { ...(validation?.reasons ?? {}) };
  if (conflicting > 0) reasons.CONFLICTING_DUPLICATE = (reasons.CONFLICTING_DUPLICATE ?? 0) + conflicting;
  return {
    fileId: validation?.fileId ?? fileIdFor(run.bucket, run.key, run.versionId),
    runId: runIdOf(run),
    status,
    bucket: run.bucket,
    key: run.key,
    versionId: run.versionId,
    processingType: run.processingType,
    requestedAt: run.requestedAt,
    accepted,
    rejected: (validation?.rejected ?? 0) + conflicting,
    // Every accepted row is in the table: stored by this run, or already stored with the same content.
    stored: status === 'COMPLETED' ? accepted - counted.duplicates : 0,
    duplicates: counted.duplicates,
    warnings: validation?.warnings ?? 0,
    reasons,
    ...(validation?.rejectsKey ? { rejectsKey: validation.rejectsKey } : {}),
    ...(run.error ? { error: { name: run.error.Error, message: causeMessage(run.error.Cause) } } : {}),
    ...(run.compensation ? { compensation: run.compensation } : {}),
  };
}

/**
 * Finalises and announces `run`. Resolves with the detail and whether it was published (false:
 * this run's failure had been announced already).
 */
export async function announceFileRun(
  run: FinishedRun,
  totals: StoreTotals,
  targets: AnnouncementTargets,
): Promise<{ detail: FileProcessedDetail; published: boolean }> {
  const detail = fileProcessedDetail(run, totals);
  if (detail.status === 'COMPLETED') {
    await markFileCompleted(targets.tableName, detail.fileId, detail.runId, detail, targets.region);
    count(METRIC.filesCompleted);
  } else {
    const item = await readFileItem(targets.tableName, detail.fileId);
    if (item?.failureAnnouncedBy === detail.runId) {
      logger.info('Failure of this run was announced already', { fileId: detail.fileId, runId: detail.runId });
      return { detail, published: false };
    }
    // Compensation normally marked it already; repeat in case it could not.
    const name = detail.error?.name ?? 'UnknownError';
    await markFileFailed(targets.tableName, detail.fileId, detail.runId, name, targets.region);
    count(METRIC.filesFailed);
  }

  if (!(detail.processingType === 'batch' && detail.status === 'COMPLETED')) {
    const reasons =
      Object.entries(detail.reasons)
        .map(([reason, n]) => `${reason}=${n}`)
        .join(', ') || 'none';
    await publishNotification(targets.notificationsTopicArn, {
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
  await publishAll([{ detailType: DETAIL_TYPES.fileProcessed, detail }], { busName: targets.eventBusName });
  if (detail.status === 'FAILED') await markFailureAnnounced(targets.tableName, detail.fileId, detail.runId);
  logger.info('File run finished', {
    fileId: detail.fileId,
    runId: detail.runId,
    status: detail.status,
    accepted: detail.accepted,
    rejected: detail.rejected,
    stored: detail.stored,
  });
  return { detail, published: true };
}
