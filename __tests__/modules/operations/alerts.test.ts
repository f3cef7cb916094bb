import { Alerts, LOG_ERROR_NAMESPACE } from '../../../modules/operations/alerts';
import {
  onlyResource,
  parsePolicy,
  resourcesOf,
  statement,
  synthJson,
  testConfig,
  testStack,
} from '../../stacks/fixtures';

describe('Alerts', () => {
  const stack = testStack();
  const alerts = new Alerts(stack, 'Alerts', {
    config: testConfig({ alertEmail: 'ops@example.com' }),
    accountId: 'acct',
    kmsKeyArn: 'arn:key',
  });
  alerts.watchFunction({
    name: 'bars',
    functionName: 'market-data-bars-dev',
    timeoutSeconds: 120,
    logGroupName: '/aws/lambda/market-data-bars-dev',
  });
  alerts.watchQueueDepth('processing-dlq', 'market-data-processing-dlq-dev');
  alerts.watchStateMachine('arn:sm');
  alerts.watchApi('api123', 'prod');
  const json = synthJson(stack);
  const alarms = resourcesOf(json, 'aws_cloudwatch_metric_alarm');
  const alarm = (name: string): Record<string, unknown> | undefined =>
    alarms.find((a) => a.alarm_name === `market-data-${name}-dev`);

  it('creates the KMS-encrypted alerts topic, and no other topic', () => {
    const topics = resourcesOf(json, 'aws_sns_topic');
    expect(topics.map((t) => t.name)).toEqual(['market-data-alerts-dev']);
    expect(topics[0].kms_master_key_id).toBe('arn:key');
  });

  it('denies non-TLS publishing and lets CloudWatch publish alarms for this account only', () => {
    const policies = resourcesOf(json, 'aws_sns_topic_policy').map((p) => parsePolicy(p.policy));
    for (const policy of policies) expect(statement(policy, 'DenyInsecureTransport').Effect).toBe('Deny');
    const alertsPolicy = policies.find((p) => p.Statement.some((s) => s.Sid === 'CloudWatchPublishesAlarms'));
    expect(alertsPolicy && statement(alertsPolicy, 'CloudWatchPublishesAlarms')).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': 'acct' } },
    });
  });

  it('subscribes the alert e-mail when configured', () => {
    expect(onlyResource(json, 'aws_sns_topic_subscription')).toMatchObject({
      protocol: 'email',
      endpoint: 'ops@example.com',
    });
  });

  it('alarms on function errors, throttles and p99 duration above 80% of the timeout', () => {
    expect(alarm('bars-errors')).toMatchObject({
      namespace: 'AWS/Lambda',
      metric_name: 'Errors',
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
    });
    expect(alarm('bars-throttles')).toMatchObject({ metric_name: 'Throttles', threshold: 0 });
    expect(alarm('bars-duration')).toMatchObject({
      metric_name: 'Duration',
      extended_statistic: 'p99',
      threshold: 96000,
    });
  });

  it('turns ERROR log lines into a metric with an alarm', () => {
    expect(onlyResource(json, 'aws_cloudwatch_log_metric_filter')).toMatchObject({
      log_group_name: '/aws/lambda/market-data-bars-dev',
      pattern: '{ $.level = "ERROR" }',
      metric_transformation: { name: 'bars-error-logs', namespace: LOG_ERROR_NAMESPACE, value: '1' },
    });
    expect(alarm('bars-error-logs')).toMatchObject({ namespace: LOG_ERROR_NAMESPACE, metric_name: 'bars-error-logs' });
  });

  it('alarms on DLQ depth, failed executions and API 5xx', () => {
    expect(alarm('processing-dlq-depth')).toMatchObject({
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: 'market-data-processing-dlq-dev' },
    });
    expect(alarm('file-workflow-failed')).toMatchObject({
      namespace: 'AWS/States',
      metric_name: 'ExecutionsFailed',
      dimensions: { StateMachineArn: 'arn:sm' },
    });
    expect(alarm('api-5xx')).toMatchObject({
      namespace: 'AWS/ApiGateway',
      metric_name: '5xx',
      dimensions: { ApiId: 'api123', Stage: 'prod' },
    });
  });

  it('sends every alarm and recovery to the alerts topic; no data is not a failure', () => {
    expect(alarms).toHaveLength(alerts.alarmNames.length);
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([expect.stringMatching(/aws_sns_topic\.Alerts_AlertsTopic/)]);
      expect(a.ok_actions).toEqual(a.alarm_actions);
      expect(a.treat_missing_data).toBe('notBreaching');
    }
  });

  it('subscribes nobody without an alert e-mail', () => {
    const quiet = testStack();
    new Alerts(quiet, 'Alerts', { config: testConfig(), accountId: 'acct', kmsKeyArn: 'arn:key' });
    expect(resourcesOf(synthJson(quiet), 'aws_sns_topic_subscription')).toHaveLength(0);
  });
});
