import {
  DENIED_BUCKET_ACTIONS,
  DENIED_TABLE_ACTIONS,
  DestructiveActionGuard,
  destructiveActionDenials,
} from '../../../modules/iam/destructive-actions';
import { onlyResource, parsePolicy, synthJson, testStack } from '../../stacks/fixtures';

describe('destructive actions', () => {
  it('denies deleting or reconfiguring the table and erasing or opening buckets', () => {
    expect(DENIED_TABLE_ACTIONS).toEqual(expect.arrayContaining(['dynamodb:DeleteTable', 'dynamodb:DeleteBackup']));
    expect(DENIED_BUCKET_ACTIONS).toEqual(
      expect.arrayContaining([
        's3:DeleteBucket',
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
        's3:PutBucketPublicAccessBlock',
        's3:DeleteObjectVersion',
      ]),
    );
  });

  it('covers each resource and everything under it (indexes, streams, objects)', () => {
    expect(destructiveActionDenials({ tableArns: ['arn:t'], bucketArns: ['arn:b1', 'arn:b2'] })).toEqual([
      {
        Sid: 'DenyDestructiveTableActions',
        Effect: 'Deny',
        Action: DENIED_TABLE_ACTIONS,
        Resource: ['arn:t', 'arn:t/*'],
      },
      {
        Sid: 'DenyDestructiveBucketActions',
        Effect: 'Deny',
        Action: DENIED_BUCKET_ACTIONS,
        Resource: ['arn:b1', 'arn:b1/*', 'arn:b2', 'arn:b2/*'],
      },
    ]);
    expect(destructiveActionDenials({ tableArns: [], bucketArns: [] })).toEqual([]);
  });

  it('guards a role built elsewhere with an inline policy of Deny statements only', () => {
    const stack = testStack();
    new DestructiveActionGuard(stack, 'Guard', { roleName: 'some-role', tableArns: ['arn:t'], bucketArns: ['arn:b'] });
    const policy = onlyResource(synthJson(stack), 'aws_iam_role_policy');
    expect(policy).toMatchObject({ name: 'deny-destructive-actions', role: 'some-role' });
    expect(parsePolicy(policy.policy).Statement.map((s) => s.Effect)).toEqual(['Deny', 'Deny']);
    expect(
      () => new DestructiveActionGuard(testStack(), 'Empty', { roleName: 'r', tableArns: [], bucketArns: [] }),
    ).toThrow(/at least one/);
  });
});
