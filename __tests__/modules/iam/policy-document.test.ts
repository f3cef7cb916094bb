import {
  PolicyDocument,
  PolicyViolationError,
  assertLeastPrivilege,
  denyInsecureTransport,
  serviceTrustPolicy,
} from '../../../modules/iam/policy-document';
import { decodeJsonAttribute } from '../../../security/hcl-expression';
import { onlyResource, synthJson, testStack } from '../../stacks/fixtures';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';

describe('PolicyDocument', () => {
  it('rejects a wildcard action and names the owner and the statement', () => {
    const doc = new PolicyDocument('function bars');
    expect(() => doc.add({ Sid: 'TooBroad', Action: ['dynamodb:*'], Resource: ['arn:table'] })).toThrow(
      PolicyViolationError,
    );
    expect(() => doc.add({ Sid: 'TooBroad', Action: ['*'], Resource: ['arn:table'] })).toThrow(
      /function bars: statement "TooBroad" allows the wildcard action "\*"/,
    );
    expect(() => doc.add({ Sid: 'Prefix', Action: ['s3:Get*'], Resource: ['arn:bucket/*'] })).toThrow(/s3:Get\*/);
  });

  it('rejects "*" resources for actions that support resource scoping', () => {
    expect(() =>
      assertLeastPrivilege('fn', { Sid: 'AllTables', Action: ['dynamodb:PutItem'], Resource: ['*'] }),
    ).toThrow(/allows "dynamodb:PutItem" on "\*" but that action supports resource scoping/);
  });

  it('allows "*" only for actions IAM cannot scope (X-Ray, ListStreams, VPC interfaces)', () => {
    expect(() =>
      assertLeastPrivilege('fn', {
        Sid: 'Traces',
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        Resource: ['*'],
      }),
    ).not.toThrow();
    expect(() =>
      assertLeastPrivilege('fn', { Sid: 'Streams', Action: ['dynamodb:ListStreams'], Resource: ['*'] }),
    ).not.toThrow();
    expect(() =>
      assertLeastPrivilege('fn', { Sid: 'Mixed', Action: ['dynamodb:ListStreams', 'dynamodb:Query'], Resource: ['*'] }),
    ).toThrow(/dynamodb:Query/);
  });

  it('lets a KMS key policy use "*" (meaning this key) but still no wildcard actions', () => {
    const doc = new PolicyDocument('key', { starMeansThisResource: true });
    expect(() => doc.add({ Sid: 'Use', Action: ['kms:Decrypt'], Resource: ['*'] })).not.toThrow();
    expect(() => doc.add({ Sid: 'All', Action: ['kms:*'], Resource: ['*'] })).toThrow(/kms:\*/);
  });

  it('lets Deny statements use wildcards: they only take permissions away', () => {
    const doc = new PolicyDocument('bucket');
    expect(() => doc.add(denyInsecureTransport('s3:*', ['arn:bucket', 'arn:bucket/*']))).not.toThrow();
  });

  it('refuses duplicate, empty or non-alphanumeric statements', () => {
    const doc = new PolicyDocument('fn').add({ Sid: 'One', Action: ['sqs:SendMessage'], Resource: ['arn:q'] });
    expect(() => doc.add({ Sid: 'One', Action: ['sqs:SendMessage'], Resource: ['arn:q2'] })).toThrow(/defined twice/);
    expect(() => doc.add({ Sid: 'NoActions', Action: [], Resource: ['arn:q'] })).toThrow(/no actions/);
    expect(() => doc.add({ Sid: 'NoResources', Action: ['sqs:SendMessage'], Resource: [] })).toThrow(/no resources/);
    expect(() => doc.add({ Sid: 'has-dash', Action: ['sqs:SendMessage'], Resource: ['arn:q'] })).toThrow(
      /not alphanumeric/,
    );
  });

  it('denyInsecureTransport refuses every request without TLS', () => {
    expect(denyInsecureTransport('sqs:*', ['arn:q'])).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: ['sqs:*'],
      Resource: ['arn:q'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('defaults statements to Allow and keeps them in order', () => {
    const doc = new PolicyDocument('fn')
      .add({ Sid: 'A', Action: ['sqs:SendMessage'], Resource: ['arn:a'] })
      .add({ Sid: 'B', Effect: 'Deny', Action: ['s3:DeleteBucket'], Resource: ['arn:b'] });
    expect(doc.all.map((s) => [s.Sid, s.Effect])).toEqual([
      ['A', 'Allow'],
      ['B', 'Deny'],
    ]);
  });

  it('refuses an Allow to any principal without a condition (a public resource policy)', () => {
    const doc = new PolicyDocument('queue q');
    expect(() => doc.add({ Sid: 'Public', Principal: '*', Action: ['sqs:SendMessage'], Resource: ['arn:q'] })).toThrow(
      /queue q: statement "Public" allows any principal \("\*"\) without a condition/,
    );
    expect(() =>
      doc.add({ Sid: 'PublicAws', Principal: { AWS: '*' }, Action: ['sqs:SendMessage'], Resource: ['arn:q'] }),
    ).toThrow(/any principal/);
    expect(() =>
      doc.add({
        Sid: 'FromOneRule',
        Principal: '*',
        Action: ['sqs:SendMessage'],
        Resource: ['arn:q'],
        Condition: { ArnEquals: { 'aws:SourceArn': 'arn:rule' } },
      }),
    ).not.toThrow();
  });
});

describe('trust policies', () => {
  const trust = (statement: Parameters<PolicyDocument['add']>[0]) => () =>
    new PolicyDocument('role r', { trust: true }).add(statement);

  it('let exactly one AWS service assume the role, with no resources', () => {
    expect(
      trust({ Sid: 'Lambda', Principal: { Service: 'lambda.amazonaws.com' }, Action: ['sts:AssumeRole'] }),
    ).not.toThrow();
    expect(trust({ Sid: 'Anyone', Principal: { AWS: '*' }, Action: ['sts:AssumeRole'] })).toThrow(
      /role r: statement "Anyone" trusts a principal other than an AWS service/,
    );
    expect(trust({ Sid: 'Star', Principal: '*', Action: ['sts:AssumeRole'] })).toThrow(
      /trusts a principal other than an AWS service/,
    );
    expect(
      trust({ Sid: 'Tags', Principal: { Service: 's.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }),
    ).toThrow(/allows more than sts:AssumeRole/);
    expect(
      trust({ Sid: 'Res', Principal: { Service: 's.amazonaws.com' }, Action: ['sts:AssumeRole'], Resource: ['*'] }),
    ).toThrow(/names resources in a trust policy/);
  });

  it('serviceTrustPolicy synthesizes the trust document with its confused-deputy condition', () => {
    const stack = testStack();
    new IamRole(stack, 'Role', {
      name: 'r',
      assumeRolePolicy: serviceTrustPolicy('role r', 'states.amazonaws.com', {
        StringEquals: { 'aws:SourceAccount': '123' },
      }),
    });
    const role = onlyResource(synthJson(stack), 'aws_iam_role');
    expect(decodeJsonAttribute(role.assume_role_policy as string, 'test')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ServiceAssumesRole',
          Effect: 'Allow',
          Principal: { Service: 'states.amazonaws.com' },
          Action: ['sts:AssumeRole'],
          Condition: { StringEquals: { 'aws:SourceAccount': '123' } },
        },
      ],
    });
  });
});
