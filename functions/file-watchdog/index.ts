/**
 * The file-run watchdog, so that no file is left PROCESSING:
 * - Step Functions status changes (FAILED, TIMED_OUT, ABORTED) of the file workflow, from a rule
 *   on the default bus: a run that ended outside its own Catch path is compensated and announced
 *   (`ended-run.ts`);
 * - a schedule: file items PROCESSING past the run timeout are counted for the stuck-files alarm,
 *   and recovered when their run has ended (`stuck-files.ts`).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { EXECUTION_STATUS_CHANGE } from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { instrumented } from '../lib/runtime/observability';
import { type EndedRunOutcome, type ExecutionStatusDetail, recoverEndedRun, type WatchdogTargets } from './ended-run';
import { type StuckFilesReport, sweepStuckFiles } from './stuck-files';

/** The two events the watchdog is invoked with. */
export type WatchdogEvent =
  | EventBridgeEvent<typeof EXECUTION_STATUS_CHANGE.detailType, ExecutionStatusDetail>
  | EventBridgeEvent<'Scheduled Event', unknown>;

function targets(): WatchdogTargets {
  return {
    stateMachineArn: env.stateMachineArn(),
    tableName: env.tableName(),
    region: pipelineRegion(),
    notificationsTopicArn: env.notificationsTopicArn(),
    eventBusName: env.eventBusName(),
  };
}

/** Handles a status change or a scheduled sweep. */
export const handler = instrumented((event: WatchdogEvent): Promise<EndedRunOutcome | StuckFilesReport> =>
  event['detail-type'] === EXECUTION_STATUS_CHANGE.detailType
    ? recoverEndedRun(event.detail, targets())
    : sweepStuckFiles(new Date(event.time), env.fileWorkflowTimeoutMinutes(), targets()),
);
