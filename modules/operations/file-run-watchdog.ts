/**
 * What keeps a file from staying PROCESSING: a rule on Step Functions' status changes (default
 * bus) sends every FAILED, TIMED_OUT or ABORTED execution of the file workflow to the watchdog
 * function, which compensates and announces a run whose own Catch path did not finish; and a
 * schedule runs the watchdog's sweep for file items PROCESSING past the run timeout (alarmed on
 * through {@link Alerts.watchStuckFiles}). Both targets retry and dead-letter like every other.
 *
 * The rule matches the state machine's ARN exactly: the Distributed Map's child executions run
 * under `<state machine>/<label>` and never reach it (the function ignores them too), so a failed
 * chunk is handled once, through the parent run.
 */
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import { resourceName, type PipelineConfig } from '../../config';
import { EXECUTION_STATUS_CHANGE, STUCK_FILES_SCHEDULE_MINUTES, UNSUCCESSFUL_EXECUTION_STATUSES } from '../../contract';
import type { FunctionHandle } from '../compute/function-handle';
import type { FailureQueue } from '../messaging/failure-queue';
import { jsonAttribute } from '../json-attribute';

/** Props of {@link FileRunWatchdog}. */
export interface FileRunWatchdogProps {
  readonly config: Pick<PipelineConfig, 'namePrefix' | 'env'>;
  /** ARN of the file workflow state machine whose runs are watched. */
  readonly stateMachineArn: string;
  /** The `file-watchdog` function. */
  readonly watchdog: FunctionHandle;
  /** Where events go that the function could not take after retries. */
  readonly targetFailures: FailureQueue;
}

/** The event pattern of unsuccessful ends of `stateMachineArn`'s executions (children excluded). */
export function endedRunPattern(stateMachineArn: string): Record<string, unknown> {
  return {
    source: [EXECUTION_STATUS_CHANGE.source],
    'detail-type': [EXECUTION_STATUS_CHANGE.detailType],
    detail: { status: [...UNSUCCESSFUL_EXECUTION_STATUSES], stateMachineArn: [stateMachineArn] },
  };
}

/** Retry policy of both targets: an hour of EventBridge's backoff, then the failure queue. */
const TARGET_RETRY = { maximumEventAgeInSeconds: 60 * 60, maximumRetryAttempts: 24 };

/** The status-change rule and the sweep schedule, both invoking the watchdog. */
export class FileRunWatchdog extends Construct {
  readonly endedRunRuleName: string;
  readonly endedRunRuleArn: string;
  readonly sweepRuleArn: string;

  constructor(scope: Construct, id: string, props: FileRunWatchdogProps) {
    super(scope, id);
    const { config, watchdog } = props;

    // Service events only arrive on the default bus.
    const ended = new CloudwatchEventRule(this, 'EndedRuns', {
      name: resourceName(config, 'file-run-ended'),
      description: 'File workflow executions that ended FAILED, TIMED_OUT or ABORTED, to the watchdog',
      // The ARN is a reference: jsonencode keeps it valid in both synth outputs.
      eventPattern: jsonAttribute(endedRunPattern(props.stateMachineArn)),
    });
    this.endedRunRuleName = ended.name;
    this.endedRunRuleArn = ended.arn;

    const sweep = new CloudwatchEventRule(this, 'StuckFileSweep', {
      name: resourceName(config, 'stuck-file-sweep'),
      description: 'Counts (and recovers) file items PROCESSING past the run timeout',
      scheduleExpression: `rate(${STUCK_FILES_SCHEDULE_MINUTES} minutes)`,
    });
    this.sweepRuleArn = sweep.arn;

    for (const [ruleId, rule] of [
      ['EndedRuns', ended],
      ['StuckFileSweep', sweep],
    ] as const) {
      new LambdaPermission(this, `Invoke${ruleId}`, {
        statementId: `Allow${ruleId}Rule`,
        action: 'lambda:InvokeFunction',
        functionName: watchdog.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: rule.arn,
      });
      new CloudwatchEventTarget(this, `${ruleId}Target`, {
        rule: rule.name,
        targetId: 'file-watchdog',
        arn: watchdog.arn,
        retryPolicy: TARGET_RETRY,
        deadLetterConfig: { arn: props.targetFailures.queueArn },
      });
    }
    props.targetFailures.allowServiceSend('AllowWatchdogRuleFailures', 'events.amazonaws.com', [ended.arn, sweep.arn]);
  }
}
