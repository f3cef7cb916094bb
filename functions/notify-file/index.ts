/**
 * Notify (end of every run): finalise the file item (COMPLETED or FAILED, out of the status
 * index), tell people (SNS) and systems (FileProcessed on the bus). `batch` runs are bulk
 * back-fills: their successes go to the bus only, failures to both.
 */
import { DETAIL_TYPES, type FileWorkflowState } from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { publishAll } from '../lib/aws/event-publisher';
import { fileIdFor } from '../lib/store/file-ids';
import { markFileCompleted, markFileFailed } from '../lib/store/file-store';
import { publishNotification } from '../lib/aws/notification-publisher';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import type { CompensationOutput } from '../lib/store/record-compensation';

/** Detail of the FileProcessed event (also the notification body). */
export interface FileProcessedDetail {
  readonly fileId: string;
  readonly status: 'COMPLETED' | 'FAILED';
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly processingType: string;
  readonly requestedAt: string;
  readonly accepted: number;
  readonly rejected: number;
  readonly stored: number;
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

/** Builds the FileProcessed detail of a finished run. */
export function fileProcessedDetail(state: NotifyInput): FileProcessedDetail {
  const status = state.status ?? (state.error ? 'FAILED' : 'COMPLETED');
  const validation = state.validation;
  const stored = status === 'COMPLETED' ? (state.results?.[0] ?? []).reduce((sum, r) => sum + r.stored, 0) : 0;
  return {
    fileId: validation?.fileId ?? fileIdFor(state.bucket, state.key, state.versionId),
    status,
    bucket: state.bucket,
    key: state.key,
    versionId: state.versionId,
    processingType: state.processingType,
    requestedAt: state.requestedAt,
    accepted: validation?.accepted ?? 0,
    rejected: validation?.rejected ?? 0,
    stored,
    reasons: validation?.reasons ?? {},
    ...(validation?.rejectsKey ? { rejectsKey: validation.rejectsKey } : {}),
    ...(state.error ? { error: { name: state.error.Error, message: causeMessage(state.error.Cause) } } : {}),
    ...(state.compensation ? { compensation: state.compensation } : {}),
  };
}

/** Notify step: finalise the file item and announce the run (SNS + FileProcessed). */
export const handler = instrumented(async (state: NotifyInput): Promise<FileProcessedDetail> => {
  const tableName = env.tableName();
  const region = pipelineRegion();
  const detail = fileProcessedDetail(state);
  if (detail.status === 'COMPLETED') {
    await markFileCompleted(tableName, detail.fileId, detail, region);
    count(METRIC.filesCompleted);
  } else {
    // Compensate normally marked it already; repeat in case Compensate itself failed.
    await markFileFailed(tableName, detail.fileId, detail.error?.name ?? 'UnknownError', region);
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
          summary: `${detail.accepted} accepted, ${detail.rejected} rejected (${reasons}), ${detail.stored} stored`,
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
    status: detail.status,
    accepted: detail.accepted,
    rejected: detail.rejected,
    stored: detail.stored,
  });
  return detail;
});
