import { NotificationsTopic } from '../../../modules/messaging/notifications-topic';
import { onlyResource, parsePolicy, statement, synthJson, testConfig, testStack } from '../../stacks/fixtures';

describe('NotificationsTopic', () => {
  const stack = testStack();
  new NotificationsTopic(stack, 'Notifications', { config: testConfig(), kmsKeyArn: 'arn:key' });
  const json = synthJson(stack);

  it('is one KMS-encrypted topic named after the environment', () => {
    expect(onlyResource(json, 'aws_sns_topic')).toMatchObject({
      name: 'market-data-notifications-dev',
      kms_master_key_id: 'arn:key',
    });
  });

  it('denies publishing without TLS and grants nobody anything through the topic policy', () => {
    const policy = parsePolicy(onlyResource(json, 'aws_sns_topic_policy').policy);
    expect(statement(policy, 'DenyInsecureTransport').Effect).toBe('Deny');
    expect(policy.Statement.filter((s) => s.Effect !== 'Deny')).toEqual([]);
  });
});
