import {
  PolicyDocument,
  PolicyViolationError,
  assertLeastPrivilege,
  denyInsecureTransport,
} from '../../../modules/iam/policy-document';

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
});
