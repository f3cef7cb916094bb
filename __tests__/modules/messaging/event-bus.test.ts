import { DETAIL_TYPES, EVENT_SOURCE, ROUTED_RECORD_TYPES } from '../../../contract';
import { EventBus } from '../../../modules/messaging/event-bus';
import { FailureQueue } from '../../../modules/messaging/failure-queue';
import { ProcessingQueue } from '../../../modules/messaging/processing-queue';
import {
  FakeFunction,
  onlyResource,
  parsePolicy,
  resourcesOf,
  statement,
  synthJson,
  testConfig,
  testStack,
  type TerraformJson,
} from '../../stacks/fixtures';

const config = testConfig();

function busIn(region: string): TerraformJson {
  const stack = testStack(region);
  const processingQueue = new ProcessingQueue(stack, 'Processing', {
    queueName: 'q',
    deadLetterQueueName: 'dlq',
    consumerTimeoutSeconds: 60,
  });
  const targetFailures = new FailureQueue(stack, 'Failures', { queueName: 'target-failures' });
  new EventBus(stack, 'Bus', {
    config,
    region,
    processingQueue,
    summary: new FakeFunction('summary'),
    targetFailures,
    kmsKeyArn: 'arn:key',
  });
  return synthJson(stack);
}

describe('EventBus', () => {
  const json = busIn('us-east-1');
  const rules = resourcesOf(json, 'aws_cloudwatch_event_rule');
  const rule = (name: string): Record<string, unknown> =>
    rules.find((r) => r.name === `market-data-${name}-dev`) as Record<string, unknown>;
  const targets = resourcesOf(json, 'aws_cloudwatch_event_target');

  it('creates the custom bus and archives every event for 30 days of replay', () => {
    expect(onlyResource(json, 'aws_cloudwatch_event_bus').name).toBe('market-data-events-dev');
    expect(onlyResource(json, 'aws_cloudwatch_event_archive')).toMatchObject({
      retention_days: 30,
      event_source_arn: expect.stringMatching(/aws_cloudwatch_event_bus/),
    });
  });

  it('routes only trade and quote records to the processing queue', () => {
    const routing = rule('route-market-records');
    expect(JSON.parse(routing.event_pattern as string)).toEqual({
      source: [EVENT_SOURCE],
      'detail-type': [DETAIL_TYPES.marketRecord],
      detail: { type: [...ROUTED_RECORD_TYPES] },
    });
    expect(targets.find((t) => t.target_id === 'processing-queue')).toMatchObject({
      arn: expect.stringMatching(/aws_sqs_queue\.Processing_Queue_\w+\.arn/),
      retry_policy: { maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 },
      dead_letter_config: { arn: expect.stringMatching(/aws_sqs_queue\.Failures_Queue_\w+\.arn/) },
    });
  });

  it('writes processed-pipeline events to an audit log group EventBridge may write to', () => {
    const pattern = JSON.parse(rule('audit-processed-events').event_pattern as string) as Record<string, unknown>;
    expect(pattern['detail-type']).toEqual([
      DETAIL_TYPES.fileProcessed,
      DETAIL_TYPES.barUpdated,
      DETAIL_TYPES.summary,
      DETAIL_TYPES.recordRejected,
    ]);
    const group = onlyResource(json, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({
      name: '/aws/events/market-data-processed-events-dev',
      retention_in_days: 365,
      kms_key_id: 'arn:key',
    });
    const policy = parsePolicy(onlyResource(json, 'aws_cloudwatch_log_resource_policy').policy_document);
    expect(statement(policy, 'EventBridgeWritesAuditLog')).toMatchObject({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Condition: { ArnEquals: { 'aws:SourceArn': expect.stringMatching(/aws_cloudwatch_event_rule\.\w+\.arn/) } },
    });
  });

  it('runs the summary every 5 minutes in the active region', () => {
    expect(rule('summary-schedule')).toMatchObject({ schedule_expression: 'rate(5 minutes)', state: 'ENABLED' });
    expect(onlyResource(json, 'aws_lambda_permission')).toMatchObject({
      principal: 'events.amazonaws.com',
      function_name: 'fn-summary',
    });
  });

  it('schedule disabled outside the active region', () => {
    const dr = resourcesOf(busIn('us-west-2'), 'aws_cloudwatch_event_rule').find(
      (r) => r.name === 'market-data-summary-schedule-dev',
    );
    expect(dr).toMatchObject({ schedule_expression: 'rate(5 minutes)', state: 'DISABLED' });
  });

  it('dead-letters every target and lets only its own rules use the failure queue', () => {
    expect(targets).toHaveLength(3);
    for (const target of targets)
      expect(target.dead_letter_config).toEqual({ arn: expect.stringMatching(/Failures_Queue/) });
    const failurePolicy = resourcesOf(json, 'aws_sqs_queue_policy')
      .map((p) => parsePolicy(p.policy))
      .find((p) => p.Statement.some((s) => s.Sid === 'AllowEventBridgeTargetFailures'));
    expect(failurePolicy && statement(failurePolicy, 'AllowEventBridgeTargetFailures').Condition).toEqual({
      ArnEquals: {
        'aws:SourceArn': [
          expect.stringMatching(/event_rule/),
          expect.stringMatching(/event_rule/),
          expect.stringMatching(/event_rule/),
        ],
      },
    });
  });
});
