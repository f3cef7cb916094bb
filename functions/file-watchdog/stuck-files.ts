/**
 * The scheduled sweep: file items still PROCESSING well after their run must have ended (the
 * run timeout plus one sweep interval) are counted as the FilesStuckProcessing metric, which
 * alarms when above 0. A stuck file whose run has ended (its status-change event was lost:
 * EventBridge delivers service events best-effort) is recovered exactly as the event would have.
 */
import { DescribeExecutionCommand, ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import { STUCK_FILES_METRIC, STUCK_FILES_SCHEDULE_MINUTES } from '../../contract';
import { sfnClient } from '../lib/aws/clients/sfn';
import { gauge, logger } from '../lib/runtime/observability';
import { executionArnFor } from '../lib/store/file-ids';
import { filesProcessingSince } from '../lib/store/file-store';
import { recoverEndedRun, type WatchdogTargets } from './ended-run';

/** What a sweep found. */
export interface StuckFilesReport {
  /** File items PROCESSING past the run timeout (the metric). */
  readonly stuck: number;
  /** Of those, runs that had ended and were compensated and announced now. */
  readonly recovered: number;
}

/** Counts (and where possible recovers) the files stuck PROCESSING at `now`. */
export async function sweepStuckFiles(
  now: Date,
  timeoutMinutes: number,
  targets: WatchdogTargets,
): Promise<StuckFilesReport> {
  const cutoff = new Date(now.getTime() - (timeoutMinutes + STUCK_FILES_SCHEDULE_MINUTES) * 60_000).toISOString();
  let stuck = 0;
  let recovered = 0;
  for await (const file of filesProcessingSince(targets.tableName, cutoff)) {
    stuck++;
    logger.error('File stuck PROCESSING past the run timeout', {
      fileId: file.fileId,
      runId: file.runId,
      requestedAt: file.requestedAt,
    });
    if (!file.runId) continue;
    const executionArn = executionArnFor(targets.stateMachineArn, file.runId);
    let execution;
    try {
      execution = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist || (error as Error).name === 'ExecutionDoesNotExist') continue;
      throw error;
    }
    if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED') continue;
    const outcome = await recoverEndedRun(
      {
        executionArn,
        stateMachineArn: targets.stateMachineArn,
        name: file.runId,
        status: execution.status ?? 'FAILED',
        input: execution.input,
        error: execution.error,
        cause: execution.cause,
      },
      targets,
    );
    if (outcome.action === 'recovered') recovered++;
  }
  gauge(STUCK_FILES_METRIC, stuck);
  return { stuck, recovered };
}
