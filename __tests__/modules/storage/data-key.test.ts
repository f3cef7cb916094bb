import { DataKey } from '../../../modules/storage/data-key';
import { onlyResource, parsePolicy, statement, synthJson, testConfig, testStack } from '../../stacks/fixtures';

describe('DataKey', () => {
  const stack = testStack('us-west-2');
  new DataKey(stack, 'Key', { config: testConfig(), region: 'us-west-2' });
  const json = synthJson(stack);
  const key = onlyResource(json, 'aws_kms_key');
  const policy = parsePolicy(key.policy);

  it('rotates and waits 30 days before deletion', () => {
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
  });

  it('has the deterministic alias the regional stacks look it up by', () => {
    expect(onlyResource(json, 'aws_kms_alias').name).toBe('alias/market-data-data-dev');
  });

  it('delegates to IAM in this account with listed actions (no kms:*)', () => {
    const root = statement(policy, 'AccountManagesKeyThroughIam');
    expect(root.Principal).toEqual({
      AWS: expect.stringMatching(
        /^arn:\$\{data\.aws_partition\.\w+\.partition\}:iam::\$\{data\.aws_caller_identity\.\w+\.account_id\}:root$/,
      ),
    });
    expect(root.Action).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:Decrypt', 'kms:ScheduleKeyDeletion']));
    for (const s of policy.Statement) for (const action of [s.Action].flat()) expect(action).not.toContain('*');
  });

  it('lets CloudWatch Logs of this region use it only for this account’s log groups', () => {
    const logs = statement(policy, 'CloudWatchLogsEncryptsOwnLogGroups');
    expect(logs.Principal).toEqual({ Service: 'logs.us-west-2.amazonaws.com' });
    expect(logs.Condition).toEqual({
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': expect.stringMatching(/:logs:us-west-2:.+:log-group:\*$/) },
    });
  });

  it('lets CloudWatch alarms and EventBridge deliver to encrypted topics and queues of this account', () => {
    expect(statement(policy, 'ServicesDeliverToEncryptedTargets')).toMatchObject({
      Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'aws:SourceAccount': expect.stringMatching(/account_id/) } },
    });
  });
});
