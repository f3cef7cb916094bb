/**
 * The custom event bus of one region with its archive and rules:
 * - market records (`detail.type` ∈ ROUTED_RECORD_TYPES) → processing queue;
 * - processed-pipeline events (files, bars, summaries) → an audit log group;
 * - the 5-minute schedule → summary function, ENABLED only in the active region (the rule
 *   exists in both regions, so failing over is a one-key config change).
 * Every target retries with EventBridge's backoff and dead-letters to one failure queue.
 */
import { CloudwatchEventArchive } from '@cdktf/provider-aws/lib/cloudwatch-event-archive';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogResourcePolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import { eventBusName, resourceName, type PipelineConfig } from '../../config';
import { DETAIL_TYPES, EVENT_SOURCE, ROUTED_RECORD_TYPES } from '../../contract';
import { PolicyDocument } from '../iam/policy-document';
import type { FailureQueue } from './failure-queue';
import type { ProcessingQueue } from './processing-queue';
import type { FunctionHandle } from '../compute/function-handle';

/** Props of {@link EventBus}. */
export interface EventBusProps {
  readonly config: Pick<PipelineConfig, 'namePrefix' | 'env' | 'logRetentionDays' | 'activeRegion'>;
  readonly region: string;
  /** Destination of routed market records. */
  readonly processingQueue: ProcessingQueue;
  /** Function run by the 5-minute schedule. */
  readonly summary: FunctionHandle;
  /** Where events go that a target could not accept after retries. */
  readonly targetFailures: FailureQueue;
  /** KMS key of the audit log group. Default: CloudWatch-managed encryption. */
  readonly kmsKeyArn?: string;
  /** Days the archive keeps events for replay. Default 30. */
  readonly archiveRetentionDays?: number;
  /** Schedule of the summary. Default `rate(5 minutes)`. */
  readonly summarySchedule?: string;
}

/** Retry policy of every target: up to a day, EventBridge's exponential backoff with jitter. */
const TARGET_RETRY = { maximumEventAgeInSeconds: 24 * 60 * 60, maximumRetryAttempts: 185 };

/** Bus, archive, routing rule, audit rule and schedule of one region. */
export class EventBus extends Construct {
  readonly busName: string;
  readonly busArn: string;
  readonly archiveName: string;
  readonly routingRuleArn: string;
  readonly auditRuleArn: string;
  readonly scheduleRuleName: string;
  readonly scheduleRuleArn: string;
  /** `ENABLED` in the active region, `DISABLED` elsewhere. */
  readonly scheduleState: 'ENABLED' | 'DISABLED';
  readonly auditLogGroupName: string;

  constructor(scope: Construct, id: string, props: EventBusProps) {
    super(scope, id);
    const { config, region } = props;
    const bus = new CloudwatchEventBus(this, 'Bus', { name: eventBusName(config) });
    this.busName = bus.name;
    this.busArn = bus.arn;

    const archive = new CloudwatchEventArchive(this, 'Archive', {
      name: resourceName(config, 'events-archive'),
      description: `Every event on ${eventBusName(config)}, kept for replay`,
      eventSourceArn: bus.arn,
      retentionDays: props.archiveRetentionDays ?? 30,
    });
    this.archiveName = archive.name;

    // Market records → processing queue.
    const routing = new CloudwatchEventRule(this, 'RouteMarketRecords', {
      name: resourceName(config, 'route-market-records'),
      description: 'Accepted trades and quotes to the processing queue',
      eventBusName: bus.name,
      eventPattern: JSON.stringify({
        source: [EVENT_SOURCE],
        'detail-type': [DETAIL_TYPES.marketRecord],
        detail: { type: [...ROUTED_RECORD_TYPES] },
      }),
    });
    this.routingRuleArn = routing.arn;
    props.processingQueue.allowSendFromRule('AllowMarketRecordRule', routing.arn);
    new CloudwatchEventTarget(this, 'RouteMarketRecordsTarget', {
      rule: routing.name,
      eventBusName: bus.name,
      targetId: 'processing-queue',
      arn: props.processingQueue.queueArn,
      retryPolicy: TARGET_RETRY,
      deadLetterConfig: { arn: props.targetFailures.queueArn },
    });

    // Processed events → audit log group (EventBridge requires the /aws/events/ prefix).
    const auditLog = new CloudwatchLogGroup(this, 'AuditLogGroup', {
      name: `/aws/events/${resourceName(config, 'processed-events')}`,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.auditLogGroupName = auditLog.name;
    const audit = new CloudwatchEventRule(this, 'AuditProcessedEvents', {
      name: resourceName(config, 'audit-processed-events'),
      description: 'Files processed, minute bars updated, summaries and rejected API records, to the audit log',
      eventBusName: bus.name,
      eventPattern: JSON.stringify({
        source: [EVENT_SOURCE],
        'detail-type': [
          DETAIL_TYPES.fileProcessed,
          DETAIL_TYPES.barUpdated,
          DETAIL_TYPES.summary,
          DETAIL_TYPES.recordRejected,
        ],
      }),
    });
    this.auditRuleArn = audit.arn;
    const auditLogPolicy = new PolicyDocument(`log resource policy ${auditLog.name}`).add({
      Sid: 'EventBridgeWritesAuditLog',
      Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [`${auditLog.arn}:*`],
      Condition: { ArnEquals: { 'aws:SourceArn': audit.arn } },
    });
    new CloudwatchLogResourcePolicy(this, 'AuditLogPolicy', {
      policyName: resourceName(config, 'events-to-audit-log'),
      policyDocument: auditLogPolicy.toJson(),
    });
    new CloudwatchEventTarget(this, 'AuditProcessedEventsTarget', {
      rule: audit.name,
      eventBusName: bus.name,
      targetId: 'audit-log',
      arn: auditLog.arn,
      retryPolicy: TARGET_RETRY,
      deadLetterConfig: { arn: props.targetFailures.queueArn },
    });

    // Schedule rules only exist on the default bus.
    this.scheduleState = region === config.activeRegion ? 'ENABLED' : 'DISABLED';
    const schedule = new CloudwatchEventRule(this, 'SummarySchedule', {
      name: resourceName(config, 'summary-schedule'),
      description: '5-minute summaries; enabled only in the active region (config activeRegion)',
      scheduleExpression: props.summarySchedule ?? 'rate(5 minutes)',
      state: this.scheduleState,
    });
    this.scheduleRuleName = schedule.name;
    this.scheduleRuleArn = schedule.arn;
    new LambdaPermission(this, 'InvokeSummary', {
      statementId: 'AllowSummarySchedule',
      action: 'lambda:InvokeFunction',
      functionName: props.summary.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: schedule.arn,
    });
    new CloudwatchEventTarget(this, 'SummaryScheduleTarget', {
      rule: schedule.name,
      targetId: 'summary-function',
      arn: props.summary.arn,
      retryPolicy: { maximumEventAgeInSeconds: 5 * 60, maximumRetryAttempts: 3 },
      deadLetterConfig: { arn: props.targetFailures.queueArn },
    });

    props.targetFailures.allowServiceSend('AllowEventBridgeTargetFailures', 'events.amazonaws.com', [
      routing.arn,
      audit.arn,
      schedule.arn,
    ]);
  }
}
