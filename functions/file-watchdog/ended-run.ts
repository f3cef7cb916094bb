/**
 * A file run that ended FAILED, TIMED_OUT or ABORTED, seen through Step Functions' status-change
 * event: if its own Catch path did not finish (a payload over the quota, the execution timeout,
 * an abort, a failing notification), undo it exactly as Compensate would and announce the failure
 * (once, see `announceFileRun`). Everything here is idempotent with the workflow's own path.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { FILE_WORKFLOW_FAILED_ERROR, type FileWorkflowInput, UNSUCCESSFUL_EXECUTION_STATUSES } from '../../contract';
import { announceFileRun, type AnnouncementTargets, NOTHING_STORED } from '../lib/aws/file-run-announcement';
import { sfnClient } from '../lib/aws/clients/sfn';
import { logger } from '../lib/runtime/observability';
import { fileIdFor } from '../lib/store/file-ids';
import { compensateFileRun } from '../lib/store/file-run-compensation';
import { readFileItem } from '../lib/store/file-store';
import type { CompensationOutput } from '../lib/store/record-compensation';

/** The `detail` of a "Step Functions Execution Status Change" event (the fields used here). */
export interface ExecutionStatusDetail {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  /** The execution input as JSON text; null when it was too large to include. */
  readonly input?: string | null;
  readonly error?: string | null;
  readonly cause?: string | null;
}

/** What the watchdog did about one ended run. */
export type EndedRunOutcome =
  | { readonly action: 'ignored'; readonly reason: string }
  | { readonly action: 'handled-by-workflow' }
  | { readonly action: 'left-completed'; readonly fileId: string }
  | { readonly action: 'not-holder'; readonly fileId: string; readonly compensation: CompensationOutput }
  | {
      readonly action: 'recovered';
      readonly fileId: string;
      readonly compensation: CompensationOutput;
      readonly published: boolean;
    };

/** Where the watchdog works. */
export interface WatchdogTargets extends AnnouncementTargets {
  readonly stateMachineArn: string;
}

/**
 * True for a child execution of a Distributed Map: its ARN is
 * `...:execution:<state machine>/<map label>:<id>` (the parent's is `...:execution:<state machine>:<name>`).
 */
export function isChildExecution(executionArn: string): boolean {
  const afterType = executionArn.split(':execution:')[1] ?? '';
  return afterType.split(':')[0].includes('/');
}

/** Error name recorded for a run that ended without one (timed out or aborted). */
function errorOf(detail: ExecutionStatusDetail): string {
  if (detail.error) return detail.error;
  return detail.status === 'TIMED_OUT'
    ? 'ExecutionTimedOut'
    : detail.status === 'ABORTED'
      ? 'ExecutionAborted'
      : 'ExecutionFailed';
}

/** The run's input: from the event, or (too large to be included) from Step Functions. */
async function inputOf(detail: ExecutionStatusDetail): Promise<FileWorkflowInput> {
  if (detail.input) return JSON.parse(detail.input) as FileWorkflowInput;
  const described = await sfnClient().send(new DescribeExecutionCommand({ executionArn: detail.executionArn }));
  return JSON.parse(described.input ?? '{}') as FileWorkflowInput;
}

/** Compensates and announces the run of `detail` unless its workflow did, or it is not ours to handle. */
export async function recoverEndedRun(
  detail: ExecutionStatusDetail,
  targets: WatchdogTargets,
): Promise<EndedRunOutcome> {
  if (!(UNSUCCESSFUL_EXECUTION_STATUSES as readonly string[]).includes(detail.status))
    return { action: 'ignored', reason: `status ${detail.status}` };
  // Children report their own failures to the parent's Map state (which fails the run): never twice.
  if (isChildExecution(detail.executionArn)) return { action: 'ignored', reason: 'child execution' };
  if (detail.stateMachineArn !== targets.stateMachineArn)
    return { action: 'ignored', reason: `state machine ${detail.stateMachineArn}` };
  if (detail.error === FILE_WORKFLOW_FAILED_ERROR) return { action: 'handled-by-workflow' };

  const input = await inputOf(detail);
  const fileId = fileIdFor(input.bucket, input.key, input.versionId);
  const item = await readFileItem(targets.tableName, fileId);
  // Stored and marked COMPLETED: only its success notification failed (the failed-executions
  // alarm says so); compensating now would delete good data.
  if (item?.status === 'COMPLETED' && item.runId === detail.name) {
    logger.warn('Run ended unsuccessfully after its file was completed: left as is', { fileId, runId: detail.name });
    return { action: 'left-completed', fileId };
  }
  const run = {
    ...input,
    run: { runId: detail.name },
    status: 'FAILED' as const,
    error: { Error: errorOf(detail), Cause: detail.cause ?? `The execution ended ${detail.status}` },
  };
  // Lets go of what this run stored; marks and quarantines only if the run holds the file.
  const compensation = await compensateFileRun(run, targets.tableName, targets.region);
  if (item?.runId !== undefined && item.runId !== detail.name) {
    // Another run holds (or held last) this version: the file's state and announcements are its own.
    logger.warn('Run ended unsuccessfully while another run holds its file', { fileId, runId: detail.name });
    return { action: 'not-holder', fileId, compensation };
  }
  const { published } = await announceFileRun({ ...run, compensation }, NOTHING_STORED, targets);
  logger.warn('Run that ended outside its own Catch path compensated', {
    fileId,
    runId: detail.name,
    status: detail.status,
    error: run.error.Error,
    published,
  });
  return { action: 'recovered', fileId, compensation, published };
}
