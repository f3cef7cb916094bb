import { Testing } from 'cdktf';
import type { RawContext } from '../../config';
import { ENV, FUNCTION_NAMES, streamFilterPatterns } from '../../contract';
import { isUnscopedAction } from '../../modules/iam/unscoped-actions';
import { GlobalStack } from '../../stacks/global-stack';
import { FUNCTION_ENVIRONMENT } from '../../stacks/function-permissions';
import { RegionalStack, regionalStateLocation } from '../../stacks/regional-stack';
import {
  allPolicies,
  decodeJson,
  fakeFunctionBundles,
  parsePolicy,
  resourcesOf,
  synthJson,
  testConfig,
  type TerraformJson,
} from './fixtures';

const config = testConfig();

const built = new Map<string, { primary: TerraformJson; dr: TerraformJson }>();
/** Global + both regional stacks in one app, prepared as `cdktf synth` prepares them (memoized per context). */
function buildEnvironment(context: RawContext = {}): { primary: TerraformJson; dr: TerraformJson } {
  const key = JSON.stringify(context);
  const cached = built.get(key);
  if (cached) return cached;
  const result = synthEnvironment(context);
  built.set(key, result);
  return result;
}

function synthEnvironment(context: RawContext): { primary: TerraformJson; dr: TerraformJson } {
  const cfg = testConfig(context);
  const app = Testing.app();
  const global = new GlobalStack(app, 'global-dev', { config: cfg });
  const [primary, dr] = [cfg.primaryRegion, cfg.drRegion].map((region) => {
    const stack = new RegionalStack(app, `regional-dev-${region}`, {
      config: cfg,
      region,
      bundles: fakeFunctionBundles(),
    });
    stack.addDependency(global);
    return stack;
  });
  for (const stack of [global, primary, dr]) stack.prepareStack();
  return { primary: synthJson(primary), dr: synthJson(dr) };
}

const { primary, dr } = buildEnvironment();
const lambdas = (json: TerraformJson): Record<string, unknown>[] => resourcesOf(json, 'aws_lambda_function');
const lambda = (json: TerraformJson, name: string): Record<string, unknown> =>
  lambdas(json).find((f) => f.function_name === `market-data-${name}-dev`) as Record<string, unknown>;
const rolePolicyOf = (json: TerraformJson, name: string): ReturnType<typeof parsePolicy> => {
  const fn = lambda(json, name);
  const roleRef = String(fn.role).replace(/^\$\{aws_iam_role\.([\w-]+)\.arn\}$/, '$1');
  const policy = resourcesOf(json, 'aws_iam_role_policy').find((p) => p.role === `\${aws_iam_role.${roleRef}.id}`);
  return parsePolicy(policy?.policy);
};

describe('RegionalStack', () => {
  it(
    'keeps primary state in the state bucket and DR state in the ' +
      'DR-region bucket, each with its own key and locking',
    () => {
      expect(primary.terraform?.backend?.s3).toEqual({
        bucket: 'market-data-terraform-state',
        region: 'us-east-1',
        key: 'dev/regional-us-east-1.tfstate',
        encrypt: true,
        use_lockfile: true,
      });
      expect(dr.terraform?.backend?.s3).toEqual({
        bucket: 'market-data-terraform-state-us-west-2',
        region: 'us-west-2',
        key: 'dev/regional-us-west-2.tfstate',
        encrypt: true,
        use_lockfile: true,
      });
      expect(() => regionalStateLocation(config, 'eu-west-1')).toThrow(/neither primaryRegion/);
    },
  );

  it('DR stack never reads primary state', () => {
    for (const json of [primary, dr]) {
      expect(json.data?.terraform_remote_state).toBeUndefined();
      expect(JSON.stringify(json)).not.toContain('terraform_remote_state');
    }
    // Nothing in the DR stack points at the primary region: provider, names, ARNs, filters. The
    // one mention is the list of the pipeline's regions the bars function merges partial bars
    // of (a name from the configuration, not state of the primary region).
    expect(JSON.stringify(dr).replaceAll('"PIPELINE_REGIONS":"us-east-1,us-west-2"', '')).not.toContain('us-east-1');
    expect(dr.provider?.aws).toEqual([expect.objectContaining({ region: 'us-west-2' })]);
  });

  it('finds the table replica and data key of its own region by name', () => {
    for (const json of [primary, dr]) {
      expect(Object.values(json.data?.aws_dynamodb_table ?? {})).toEqual([
        expect.objectContaining({ name: 'market-data-pipeline-dev' }),
      ]);
      expect(Object.values(json.data?.aws_kms_alias ?? {})).toEqual([
        expect.objectContaining({ name: 'alias/market-data-data-dev' }),
      ]);
    }
  });

  it('deploys every function: Node.js 22, arm64, X-Ray, reserved concurrency, encrypted environment', () => {
    for (const json of [primary, dr]) {
      expect(
        lambdas(json)
          .map((f) => f.function_name)
          .sort(),
      ).toEqual(FUNCTION_NAMES.map((n) => `market-data-${n}-dev`).sort());
      for (const fn of lambdas(json)) {
        expect(fn).toMatchObject({
          runtime: 'nodejs22.x',
          architectures: ['arm64'],
          tracing_config: { mode: 'Active' },
          kms_key_arn: expect.stringMatching(/aws_kms_alias/),
        });
        expect(fn.reserved_concurrent_executions).toEqual(expect.any(Number));
      }
    }
    expect(lambda(primary, 'validate-file').timeout).toBe(300);
  });

  it('each function has its own role and log group', () => {
    const roles = new Set(lambdas(primary).map((f) => f.role));
    expect(roles.size).toBe(FUNCTION_NAMES.length);
    const groups = resourcesOf(primary, 'aws_cloudwatch_log_group').map((g) => g.name);
    for (const name of FUNCTION_NAMES) expect(groups).toContain(`/aws/lambda/market-data-${name}-dev`);
    const roleNames = resourcesOf(dr, 'aws_iam_role').map((r) => r.name);
    for (const name of FUNCTION_NAMES) expect(roleNames).toContain(`market-data-${name}-dev-us-west-2`);
  });

  it('builds every policy with PolicyDocument (Sids), references only inside jsonencode (valid HCL too)', () => {
    for (const json of [primary, buildEnvironment({ vpc: true }).dr]) {
      const policies = allPolicies(json);
      // Roles (functions, state machine, flow logs), trust policies, buckets, queues, topics, the audit log.
      expect(policies.map((p) => p.address.split('.')[0])).toEqual(
        expect.arrayContaining([
          'aws_iam_role',
          'aws_iam_role_policy',
          'aws_s3_bucket_policy',
          'aws_sqs_queue_policy',
          'aws_sns_topic_policy',
          'aws_cloudwatch_log_resource_policy',
        ]),
      );
      for (const { address, raw, policy } of policies) {
        // A reference inside a plain JSON string is what breaks `cdktf synth --hcl`.
        const form = raw.startsWith('${jsonencode(') ? 'jsonencode' : raw.includes('${') ? 'reference in JSON' : 'JSON';
        expect(`${address}: ${form}`).toMatch(/: (jsonencode|JSON)$/);
        for (const s of policy.Statement) expect(`${address}: ${s.Sid}`).toMatch(/: [A-Za-z0-9]+$/);
      }
    }
  });

  it('no wildcard actions in any policy, and "*" resources only for unscopable actions', () => {
    const policies = allPolicies(primary);
    expect(policies.length).toBeGreaterThan(20);
    for (const { address, policy } of policies) {
      for (const s of policy.Statement.filter((st) => st.Effect === 'Allow')) {
        const actions = [s.Action].flat();
        for (const action of actions) expect(`${address}: ${action}`).not.toMatch(/\*/);
        if ([s.Resource].flat().includes('*')) {
          for (const action of actions) expect(`${address}: ${action} ${isUnscopedAction(action)}`).toMatch(/ true$/);
        }
      }
    }
  });

  it('denies every function destructive actions on the table and buckets', () => {
    for (const name of FUNCTION_NAMES) {
      const denies = rolePolicyOf(primary, name).Statement.filter((s) => s.Effect === 'Deny');
      expect(denies.map((s) => s.Sid).sort()).toEqual(['DenyDestructiveBucketActions', 'DenyDestructiveTableActions']);
      expect(JSON.stringify(denies)).toContain('dynamodb:DeleteTable');
      expect(JSON.stringify(denies)).toContain('s3:DeleteBucket');
    }
  });

  it('denies destructive actions to every other role of the stack too (state machine, flow logs)', () => {
    for (const json of [primary, buildEnvironment({ vpc: true }).dr]) {
      const guarded = resourcesOf(json, 'aws_iam_role_policy')
        .filter((p) => p.name === 'deny-destructive-actions')
        .map((p) => p.role);
      const functionRoles = new Set(lambdas(json).map((f) => String(f.role).replace('.arn}', '.id}')));
      const others = Object.keys(json.resource?.aws_iam_role ?? {})
        .map((name) => `\${aws_iam_role.${name}.id}`)
        .filter((ref) => !functionRoles.has(ref));
      expect(others.length).toBeGreaterThan(0);
      expect(guarded.sort()).toEqual(others.sort());
    }
  });

  it('grants the functions what function-permissions.ts lists, on this stack’s resources', () => {
    const validate = rolePolicyOf(primary, 'validate-file');
    expect(validate.Statement.find((s) => s.Sid === 'ReadIncomingFiles')?.Resource).toEqual([
      expect.stringMatching(/^\$\{aws_s3_bucket\.IngestBucket\w+\.arn\}\/incoming\/\*$/),
    ]);
    const trigger = rolePolicyOf(primary, 'file-trigger');
    expect(trigger.Statement.find((s) => s.Sid === 'StartFileWorkflow')?.Resource).toEqual([
      expect.stringMatching(/aws_sfn_state_machine/),
    ]);
    const bars = rolePolicyOf(dr, 'bars');
    expect(bars.Statement.find((s) => s.Sid === 'ReadTableStream')?.Resource).toEqual([
      '${data.aws_dynamodb_table.Table.stream_arn}',
    ]);
  });

  it('sets only the environment variables each function reads, plus the standard ones', () => {
    for (const name of FUNCTION_NAMES) {
      const variables = (lambda(primary, name).environment as { variables: Record<string, string> }).variables;
      const expected = [
        ...FUNCTION_ENVIRONMENT[name].map((k) => ENV[k]),
        ENV.pipelineRegion,
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_METRICS_NAMESPACE',
        'NODE_OPTIONS',
      ];
      expect(Object.keys(variables).sort()).toEqual([...new Set(expected)].sort());
      expect(variables[ENV.pipelineRegion]).toBe('us-east-1');
    }
    const apiVariables = (lambda(dr, 'api-ingest').environment as { variables: Record<string, string> }).variables;
    expect(apiVariables.MAX_BODY_BYTES).toBe(String(config.apiMaxBodyBytes));
    expect(apiVariables.MAX_RECORDS_PER_REQUEST).toBe(String(config.apiMaxRecords));
    const small = buildEnvironment({ apiMaxBodyBytes: 65536, apiMaxRecords: 50 }).primary;
    const smallVariables = (lambda(small, 'api-ingest').environment as { variables: Record<string, string> }).variables;
    expect([smallVariables.MAX_BODY_BYTES, smallVariables.MAX_RECORDS_PER_REQUEST]).toEqual(['65536', '50']);
  });

  it('gives the asynchronously invoked functions an on-failure queue', () => {
    const configs = resourcesOf(primary, 'aws_lambda_function_event_invoke_config');
    expect(configs.map((c) => c.function_name).sort()).toEqual([
      expect.stringMatching(/file-trigger/),
      expect.stringMatching(/file-watchdog/),
      expect.stringMatching(/summary/),
    ]);
  });

  it('sends the file workflow runs that end FAILED, TIMED_OUT or ABORTED to the watchdog, in both regions', () => {
    for (const json of [primary, dr]) {
      const rules = resourcesOf(json, 'aws_cloudwatch_event_rule');
      const ended = rules.find((r) => String(r.name).endsWith('file-run-ended-dev'))!;
      expect(ended.event_bus_name).toBeUndefined();
      expect(decodeJson(ended.event_pattern)).toEqual({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [expect.stringMatching(/^\$\{aws_sfn_state_machine\.\w+\.arn\}$/)],
        },
      });
      const sweep = rules.find((r) => String(r.name).endsWith('stuck-file-sweep-dev'))!;
      expect(sweep).toMatchObject({ schedule_expression: 'rate(15 minutes)' });
      expect(sweep.state).toBeUndefined();
      const targets = resourcesOf(json, 'aws_cloudwatch_event_target').filter((t) => t.target_id === 'file-watchdog');
      expect(targets).toHaveLength(2);
      for (const target of targets) {
        expect(target.arn).toMatch(/^\$\{aws_lambda_function\.Function-file-watchdog_\w+\.arn\}$/);
        expect(target.dead_letter_config).toEqual({ arn: expect.stringMatching(/aws_sqs_queue/) });
      }
      const alarms = resourcesOf(json, 'aws_cloudwatch_metric_alarm').filter((a) =>
        String(a.alarm_name).includes('stuck-files'),
      );
      expect(alarms).toEqual([
        expect.objectContaining({
          metric_name: 'FilesStuckProcessing',
          namespace: 'market-data-pipeline',
          dimensions: { service: 'file-watchdog' },
          statistic: 'Maximum',
          threshold: 0,
          alarm_actions: [expect.stringMatching(/aws_sns_topic/)],
        }),
      ]);
    }
  });

  it('schedule enabled in the active region and disabled in the other', () => {
    const schedule = (json: TerraformJson): unknown =>
      resourcesOf(json, 'aws_cloudwatch_event_rule').find((r) => String(r.name).includes('summary-schedule'))?.state;
    expect(schedule(primary)).toBe('ENABLED');
    expect(schedule(dr)).toBe('DISABLED');
    const flipped = buildEnvironment({ activeRegion: 'us-west-2' });
    expect(schedule(flipped.primary)).toBe('DISABLED');
    expect(schedule(flipped.dr)).toBe('ENABLED');
  });

  it('stream mapping keeps only own-region records', () => {
    for (const [json, region] of [
      [primary, 'us-east-1'],
      [dr, 'us-west-2'],
    ] as const) {
      const mapping = resourcesOf(json, 'aws_lambda_event_source_mapping').find((m) => m.starting_position);
      const patterns = (mapping?.filter_criteria as { filter: { pattern: string }[] }).filter.map((f): unknown =>
        JSON.parse(f.pattern),
      );
      expect(patterns).toEqual(streamFilterPatterns(region));
      expect(mapping?.event_source_arn).toBe('${data.aws_dynamodb_table.Table.stream_arn}');
    }
  });

  it(
    'lets the processing queue drive at most the processor’s reserved ' +
      'concurrency, in batches with partial failures',
    () => {
      const mapping = resourcesOf(primary, 'aws_lambda_event_source_mapping').find((m) => !m.starting_position);
      expect(mapping).toMatchObject({
        batch_size: 10,
        function_response_types: ['ReportBatchItemFailures'],
        scaling_config: { maximum_concurrency: config.functions.processor.reservedConcurrency },
      });
    },
  );

  it('outputs what operators need', () => {
    for (const json of [primary, dr]) {
      expect(Object.keys(json.output ?? {})).toEqual(
        expect.arrayContaining([
          'api_url',
          'ingest_bucket_name',
          'archive_bucket_name',
          'table_name',
          'table_arn',
          'event_bus_name',
          'alerts_topic_arn',
          'notifications_topic_arn',
          'state_machine_arn',
          'processing_queue_url',
          'dlq_url',
        ]),
      );
      for (const output of Object.values(json.output ?? {})) expect(output.description).toEqual(expect.any(String));
    }
  });

  it('uses SSE-S3 for the buckets by default and the regional data key with s3Encryption=kms', () => {
    const algorithms = (json: TerraformJson): string[] =>
      resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration').map((c) => JSON.stringify(c.rule));
    expect(algorithms(primary).every((rule) => rule.includes('AES256'))).toBe(true);
    const kms = algorithms(buildEnvironment({ s3Encryption: 'kms' }).primary);
    // Ingest and archive use the key; the access-log bucket cannot (S3 logging requires SSE-S3).
    expect(kms.filter((rule) => rule.includes('aws:kms') && rule.includes('aws_kms_alias'))).toHaveLength(2);
    expect(kms.filter((rule) => rule.includes('AES256'))).toHaveLength(1);
  });

  it('is not in a VPC by default; with vpc=true every function runs in the isolated subnets', () => {
    expect(resourcesOf(primary, 'aws_vpc')).toHaveLength(0);
    const inVpc = buildEnvironment({ vpc: true }).dr;
    expect(resourcesOf(inVpc, 'aws_vpc')).toHaveLength(1);
    for (const fn of lambdas(inVpc)) {
      expect(fn.vpc_config).toEqual({
        subnet_ids: [expect.stringMatching(/aws_subnet/), expect.stringMatching(/aws_subnet/)],
        security_group_ids: [expect.stringMatching(/FunctionSecurityGroup/)],
      });
    }
  });

  it('alarms on every function, every failure queue, the workflow and the API', () => {
    const alarms = resourcesOf(primary, 'aws_cloudwatch_metric_alarm').map((a) => a.alarm_name as string);
    for (const name of FUNCTION_NAMES) {
      for (const kind of ['errors', 'duration', 'throttles', 'error-logs'])
        expect(alarms).toContain(`market-data-${name}-${kind}-dev`);
    }
    for (const queue of ['processing-dlq', 'bars-failures', 'async-failures', 'event-target-failures'])
      expect(alarms).toContain(`market-data-${queue}-depth-dev`);
    expect(alarms).toContain('market-data-file-workflow-failed-dev');
    expect(alarms).toContain('market-data-api-5xx-dev');
  });
});
