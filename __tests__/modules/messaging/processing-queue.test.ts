import { ProcessingQueue } from '../../../modules/messaging/processing-queue';
import {
  decodeJson,
  onlyResource,
  parsePolicy,
  resourcesOf,
  statement,
  synthJson,
  testStack,
} from '../../stacks/fixtures';

describe('ProcessingQueue', () => {
  const stack = testStack();
  const queue = new ProcessingQueue(stack, 'Processing', {
    queueName: 'processing',
    deadLetterQueueName: 'processing-dlq',
    consumerTimeoutSeconds: 60,
  });
  queue.allowSendFromRule('AllowRule', 'arn:rule');
  const json = synthJson(stack);
  const queues = resourcesOf(json, 'aws_sqs_queue');
  const main = queues.find((q) => q.name === 'processing') as Record<string, unknown>;
  const dlq = queues.find((q) => q.name === 'processing-dlq') as Record<string, unknown>;

  it('queue visibility is at least six times the processor timeout', () => {
    expect(main.visibility_timeout_seconds).toBe(360);
    expect(queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * 60);
  });

  it('keeps messages 4 days', () => {
    expect(main.message_retention_seconds).toBe(4 * 24 * 3600);
  });

  it('DLQ keeps messages 14 days and receives after 3 attempts', () => {
    expect(dlq.message_retention_seconds).toBe(14 * 24 * 3600);
    expect(decodeJson(main.redrive_policy)).toEqual({
      deadLetterTargetArn: expect.stringMatching(/^\$\{aws_sqs_queue\.\w+\.arn\}$/),
      maxReceiveCount: 3,
    });
    expect(queue.maxReceiveCount).toBe(3);
  });

  it('lets only this queue use the DLQ as its dead-letter target', () => {
    const allow = onlyResource(json, 'aws_sqs_queue_redrive_allow_policy');
    expect(decodeJson(allow.redrive_allow_policy)).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [expect.stringMatching(/\.arn\}$/)],
    });
  });

  it('encrypts both queues (SQS-managed SSE without a key)', () => {
    expect(main.sqs_managed_sse_enabled).toBe(true);
    expect(dlq.sqs_managed_sse_enabled).toBe(true);
  });

  it('encrypts with the customer key when given one', () => {
    const kmsStack = testStack();
    new ProcessingQueue(kmsStack, 'Processing', {
      queueName: 'p',
      deadLetterQueueName: 'd',
      consumerTimeoutSeconds: 10,
      kmsKeyArn: 'arn:key',
    });
    for (const q of resourcesOf(synthJson(kmsStack), 'aws_sqs_queue')) {
      expect(q).toMatchObject({ kms_master_key_id: 'arn:key', kms_data_key_reuse_period_seconds: 300 });
      expect(q.sqs_managed_sse_enabled).toBeUndefined();
    }
  });

  it('denies non-TLS requests and accepts messages only from the one EventBridge rule', () => {
    const policies = resourcesOf(json, 'aws_sqs_queue_policy').map((p) => parsePolicy(p.policy));
    expect(policies).toHaveLength(2);
    for (const policy of policies)
      expect(statement(policy, 'DenyInsecureTransport').Condition).toEqual({
        Bool: { 'aws:SecureTransport': 'false' },
      });
    const withRule = policies.find((p) => p.Statement.some((s) => s.Sid === 'AllowRule'));
    expect(withRule && statement(withRule, 'AllowRule')).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['sqs:SendMessage'],
      Condition: { ArnEquals: { 'aws:SourceArn': 'arn:rule' } },
    });
  });
});
