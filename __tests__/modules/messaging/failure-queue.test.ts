import { FailureQueue, queueEncryption } from '../../../modules/messaging/failure-queue';
import { onlyResource, parsePolicy, statement, synthJson, testStack } from '../../stacks/fixtures';

describe('FailureQueue', () => {
  const stack = testStack();
  const queue = new FailureQueue(stack, 'Failures', { queueName: 'failures', kmsKeyArn: 'arn:key' });
  queue.allowServiceSend('AllowRules', 'events.amazonaws.com', ['arn:rule-a', 'arn:rule-b']);
  const json = synthJson(stack);

  it('keeps failed messages 14 days, encrypted with the key', () => {
    expect(onlyResource(json, 'aws_sqs_queue')).toMatchObject({
      name: 'failures',
      message_retention_seconds: 1209600,
      kms_master_key_id: 'arn:key',
    });
  });

  it('accepts a service only on behalf of the named sources, and only over TLS', () => {
    const policy = parsePolicy(onlyResource(json, 'aws_sqs_queue_policy').policy);
    expect(statement(policy, 'AllowRules')).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['sqs:SendMessage'],
      Condition: { ArnEquals: { 'aws:SourceArn': ['arn:rule-a', 'arn:rule-b'] } },
    });
    expect(statement(policy, 'DenyInsecureTransport').Effect).toBe('Deny');
  });

  it('falls back to SQS-managed SSE without a key', () => {
    expect(queueEncryption()).toEqual({ sqsManagedSseEnabled: true });
  });
});
