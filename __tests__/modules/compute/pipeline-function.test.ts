import { PipelineFunction } from '../../../modules/compute/pipeline-function';
import {
  fakeFunctionBundles,
  onlyResource,
  parsePolicy,
  resourcesOf,
  statement,
  synthJson,
  testConfig,
  testStack,
  type TerraformJson,
} from '../../stacks/fixtures';

const config = testConfig({ functions: { bars: { memoryMb: 1024, timeoutSeconds: 90, reservedConcurrency: 7 } } });

function build(extra: Partial<ConstructorParameters<typeof PipelineFunction>[2]> = {}): {
  fn: PipelineFunction;
  json: () => TerraformJson;
} {
  const stack = testStack('us-west-2');
  const fn = new PipelineFunction(stack, 'Bars', {
    config,
    region: 'us-west-2',
    name: 'bars',
    bundleZip: fakeFunctionBundles().bars.zipPath,
    ...extra,
  });
  return { fn, json: () => synthJson(stack) };
}

describe('PipelineFunction', () => {
  const { fn, json: synth } = build({ kmsKeyArn: 'arn:key', environment: { TABLE_NAME: 'table' } });
  fn.allow('ReadTable', ['dynamodb:Query'], ['arn:table']);
  fn.setEnvironment('EVENT_BUS_NAME', 'bus');
  fn.denyDestructiveActions({ tableArns: ['arn:table'], bucketArns: ['arn:bucket'] });
  const json = synth();
  const lambda = onlyResource(json, 'aws_lambda_function');
  const policy = parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy);

  it('runs Node.js 22 on arm64 with X-Ray active and the configured sizing', () => {
    expect(lambda).toMatchObject({
      function_name: 'market-data-bars-dev',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      memory_size: 1024,
      timeout: 90,
      reserved_concurrent_executions: 7,
      tracing_config: { mode: 'Active' },
      kms_key_arn: 'arn:key',
    });
    expect(fn.timeoutSeconds).toBe(90);
  });

  it('runs on nodejs24.x when lambdaRuntime says so', () => {
    const stack = testStack('us-west-2');
    new PipelineFunction(stack, 'Bars', {
      config: testConfig({ lambdaRuntime: 'nodejs24.x' }),
      region: 'us-west-2',
      name: 'bars',
      bundleZip: fakeFunctionBundles().bars.zipPath,
    });
    expect(onlyResource(synthJson(stack), 'aws_lambda_function').runtime).toBe('nodejs24.x');
  });

  it('ships the bundle zip with a content hash as the code hash', () => {
    expect(lambda.filename).toMatch(/^assets\/.+\/bars\.zip$/);
    expect(lambda.source_code_hash).toMatch(/^[0-9A-F]{32}$/);
  });

  it('sets only the variables it was given plus region, Powertools and source maps', () => {
    expect((lambda.environment as { variables: Record<string, string> }).variables).toEqual({
      TABLE_NAME: 'table',
      EVENT_BUS_NAME: 'bus',
      PIPELINE_REGION: 'us-west-2',
      POWERTOOLS_SERVICE_NAME: 'bars',
      POWERTOOLS_METRICS_NAMESPACE: 'market-data-pipeline',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('has its own log group with the configured retention, created before the function', () => {
    const group = onlyResource(json, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({
      name: '/aws/lambda/market-data-bars-dev',
      retention_in_days: 365,
      kms_key_id: 'arn:key',
    });
    expect(lambda.depends_on).toEqual([expect.stringMatching(/^aws_cloudwatch_log_group\./)]);
  });

  it('has its own role, named with the region because IAM is global, assumable only by Lambda', () => {
    const role = onlyResource(json, 'aws_iam_role');
    expect(role.name).toBe('market-data-bars-dev-us-west-2');
    expect(parsePolicy(role.assume_role_policy).Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['sts:AssumeRole'],
      }),
    ]);
  });

  it('writes only to its own log group, traces to X-Ray, uses the data key', () => {
    expect(statement(policy, 'WriteOwnLogs')).toMatchObject({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.\w+\.arn\}:\*$/)],
    });
    expect(statement(policy, 'PutTraces').Resource).toEqual(['*']);
    expect(statement(policy, 'UseDataKey')).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: ['arn:key'],
    });
    expect(statement(policy, 'ReadTable')).toMatchObject({
      Effect: 'Allow',
      Action: ['dynamodb:Query'],
      Resource: ['arn:table'],
    });
  });

  it('explicitly denies destroying or reconfiguring the table and buckets', () => {
    expect(statement(policy, 'DenyDestructiveTableActions')).toMatchObject({
      Effect: 'Deny',
      Action: expect.arrayContaining(['dynamodb:DeleteTable']),
      Resource: ['arn:table', 'arn:table/*'],
    });
    expect(statement(policy, 'DenyDestructiveBucketActions')).toMatchObject({
      Effect: 'Deny',
      Action: expect.arrayContaining(['s3:DeleteBucket', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy']),
      Resource: ['arn:bucket', 'arn:bucket/*'],
    });
  });

  it('rejects a wildcard grant at synth time, naming the function and the statement', () => {
    expect(() => fn.allow('Everything', ['dynamodb:*'], ['arn:table'])).toThrow(
      /function bars: statement "Everything"/,
    );
    expect(() => fn.allow('AnyTable', ['dynamodb:PutItem'], ['*'])).toThrow(/function bars: statement "AnyTable"/);
  });

  it('gets no VPC config, network-interface grants or async destination unless asked', () => {
    expect(lambda.vpc_config).toBeUndefined();
    expect(policy.Statement.map((s) => s.Sid)).not.toContain('ManageVpcInterfaces');
    expect(resourcesOf(json, 'aws_lambda_function_event_invoke_config')).toHaveLength(0);
  });

  it('in a VPC, gets subnets, security groups and the network-interface grants', () => {
    const vpcJson = build({ vpc: { subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] } }).json();
    expect(onlyResource(vpcJson, 'aws_lambda_function').vpc_config).toEqual({
      subnet_ids: ['subnet-a', 'subnet-b'],
      security_group_ids: ['sg-1'],
    });
    const vpcPolicy = parsePolicy(onlyResource(vpcJson, 'aws_iam_role_policy').policy);
    expect(statement(vpcPolicy, 'ManageVpcInterfaces').Action).toEqual(
      expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
    );
  });

  it('sends failed asynchronous invocations to the failure queue after bounded retries', () => {
    const asyncJson = build({ asyncFailureQueueArn: 'arn:failures' }).json();
    expect(onlyResource(asyncJson, 'aws_lambda_function_event_invoke_config')).toMatchObject({
      maximum_retry_attempts: 2,
      destination_config: { on_failure: { destination: 'arn:failures' } },
    });
    const asyncPolicy = parsePolicy(onlyResource(asyncJson, 'aws_iam_role_policy').policy);
    expect(statement(asyncPolicy, 'SendAsyncFailures')).toMatchObject({
      Action: ['sqs:SendMessage'],
      Resource: ['arn:failures'],
    });
  });
});
