/**
 * Alerting of one region: the alerts topic (KMS-encrypted, TLS-only, CloudWatch may publish) and
 * every alarm that feeds it. The notifications topic consumers subscribe to is a construct of its
 * own (modules/messaging/notifications-topic.ts).
 */
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { alertsTopicName, resourceName, type PipelineConfig } from '../../config';
import { STUCK_FILES_METRIC } from '../../contract';
import { PolicyDocument, denyInsecureTransport } from '../iam/policy-document';

/** Props of {@link Alerts}. */
export interface AlertsProps {
  readonly config: Pick<PipelineConfig, 'namePrefix' | 'env' | 'alertEmail'>;
  /** Account id: CloudWatch may publish alarms only on behalf of this account. */
  readonly accountId: string;
  /** KMS key of the alerts topic (its policy lets CloudWatch use it). */
  readonly kmsKeyArn: string;
  /** E-mail subscribed to the alerts topic. Default `config.alertEmail` (none when unset). */
  readonly alertEmail?: string;
  /** Share of a function's timeout its p99 duration may reach before alarming. Default 0.8. */
  readonly durationThresholdRatio?: number;
}

/** What the alarms need to know about a function. */
export interface WatchedFunction {
  /** Logical name, used in alarm names. */
  readonly name: string;
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly logGroupName: string;
}

/** Namespace of the metrics derived from ERROR log lines. */
export const LOG_ERROR_NAMESPACE = 'MarketDataPipeline/Logs';

/** The alerts topic and every alarm of the region. */
export class Alerts extends Construct {
  readonly alertsTopicArn: string;
  /** Names of every alarm created so far (tests and the dashboard read them). */
  readonly alarmNames: string[] = [];
  private readonly config: Pick<PipelineConfig, 'namePrefix' | 'env' | 'alertEmail'>;
  private readonly durationRatio: number;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    this.config = props.config;
    this.durationRatio = props.durationThresholdRatio ?? 0.8;

    const alerts = new SnsTopic(this, 'AlertsTopic', {
      name: alertsTopicName(props.config),
      kmsMasterKeyId: props.kmsKeyArn,
    });
    this.alertsTopicArn = alerts.arn;

    const alertsPolicy = new PolicyDocument(`topic ${alertsTopicName(props.config)}`)
      .add(denyInsecureTransport('sns:Publish', [alerts.arn]))
      .add({
        Sid: 'CloudWatchPublishesAlarms',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['sns:Publish'],
        Resource: [alerts.arn],
        Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
      });
    new SnsTopicPolicy(this, 'AlertsTopicPolicy', { arn: alerts.arn, policy: alertsPolicy.toJson() });

    const email = props.alertEmail ?? props.config.alertEmail;
    if (email) {
      new SnsTopicSubscription(this, 'AlertEmail', { topicArn: alerts.arn, protocol: 'email', endpoint: email });
    }
  }

  /** Errors > 0, p99 duration > ratio × timeout, throttles > 0, and ERROR log lines > 0. */
  watchFunction(fn: WatchedFunction): void {
    const dimensions = { FunctionName: fn.functionName };
    this.alarm(`${fn.name}-errors`, `${fn.functionName} reported errors`, {
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions,
      statistic: 'Sum',
    });
    this.alarm(`${fn.name}-throttles`, `${fn.functionName} was throttled`, {
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions,
      statistic: 'Sum',
    });
    this.alarm(
      `${fn.name}-duration`,
      `${fn.functionName} p99 duration above ${Math.round(this.durationRatio * 100)}% ` +
        `of its ${fn.timeoutSeconds}s timeout`,
      { namespace: 'AWS/Lambda', metricName: 'Duration', dimensions, extendedStatistic: 'p99' },
      Math.round(fn.timeoutSeconds * 1000 * this.durationRatio),
    );
    const metricName = `${fn.name}-error-logs`;
    new CloudwatchLogMetricFilter(this, `${fn.name}-ErrorLogFilter`, {
      name: resourceName(this.config, `${fn.name}-error-logs`),
      logGroupName: fn.logGroupName,
      // Powertools logs JSON with a `level` field.
      pattern: '{ $.level = "ERROR" }',
      metricTransformation: { name: metricName, namespace: LOG_ERROR_NAMESPACE, value: '1', defaultValue: '0' },
    });
    this.alarm(`${fn.name}-error-logs`, `${fn.functionName} logged ERROR lines`, {
      namespace: LOG_ERROR_NAMESPACE,
      metricName,
      statistic: 'Sum',
    });
  }

  /** Any message visible in a dead-letter or failure queue means data needs attention. */
  watchQueueDepth(label: string, queueName: string): void {
    this.alarm(`${label}-depth`, `Messages waiting in ${label}`, {
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: queueName },
      statistic: 'Maximum',
    });
  }

  /** Failed, timed-out or aborted file workflow executions. */
  watchStateMachine(stateMachineArn: string): void {
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      this.alarm(`file-workflow-${metricName.replace('Executions', '').toLowerCase()}`, `File workflow ${metricName}`, {
        namespace: 'AWS/States',
        metricName,
        dimensions: { StateMachineArn: stateMachineArn },
        statistic: 'Sum',
      });
    }
  }

  /**
   * File items PROCESSING past the run timeout, as the watchdog's sweep counts them (its EMF
   * metric in `namespace`, the function's service dimension): any at all means a run was not
   * finished by its workflow or by the status-change rule.
   */
  watchStuckFiles(watchdog: { readonly name: string }, namespace: string): void {
    this.alarm('stuck-files', 'File items PROCESSING longer than a file run may take', {
      namespace,
      metricName: STUCK_FILES_METRIC,
      dimensions: { service: watchdog.name },
      statistic: 'Maximum',
    });
  }

  /** 5xx responses of the HTTP API stage (a 5xx is a bug: bad requests get 4xx). */
  watchApi(apiId: string, stage: string): void {
    this.alarm('api-5xx', 'Ingest API answered 5xx', {
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensions: { ApiId: apiId, Stage: stage },
      statistic: 'Sum',
    });
  }

  private alarm(
    label: string,
    description: string,
    metric: {
      namespace: string;
      metricName: string;
      dimensions?: Record<string, string>;
      statistic?: string;
      extendedStatistic?: string;
    },
    threshold = 0,
  ): void {
    const alarmName = resourceName(this.config, label);
    new CloudwatchMetricAlarm(this, `${label}-Alarm`, {
      alarmName,
      alarmDescription: description,
      ...metric,
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: 'GreaterThanThreshold',
      threshold,
      // No data means nothing ran, which is not a failure.
      treatMissingData: 'notBreaching',
      alarmActions: [this.alertsTopicArn],
      okActions: [this.alertsTopicArn],
    });
    this.alarmNames.push(alarmName);
  }
}
