import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Testing, TerraformOutput, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { loadConfig, type PipelineConfig } from '../../../../config';
import { NON_RETRYABLE_ERRORS, WORKFLOW_STEPS } from '../../../../contract';
import {
  FILE_WORKFLOW_STEP_FUNCTIONS,
  FileWorkflow,
  LOG_DELIVERY_ACTIONS,
  TRACING_ACTIONS,
  type AslDefinition,
  type AslTaskState,
  type FileWorkflowStep,
} from '../../../../modules/compute/file-workflow';
import type { FunctionHandle } from '../../../../modules/compute/function-handle';
import { decodeJsonAttribute } from '../../../../security/hcl-expression';

/** A JSON-valued attribute as synthesized (`${jsonencode(...)}`), decoded; references stay `${...}` text. */
const decode = (value: string): unknown => decodeJsonAttribute(value, 'test');
type Statements = { Statement: Record<string, unknown>[] };

const STEPS: FileWorkflowStep[] = ['validate', 'storeChunk', 'archive', 'compensate', 'notify'];

/**
 * A FunctionHandle whose ARN is a Terraform variable, so synth shows it as `${var.<step>_arn}`,
 * sized like the step's function in `config`.
 */
function fakeHandle(scope: Construct, step: FileWorkflowStep, config: PipelineConfig): FunctionHandle {
  const arn = new TerraformVariable(scope, `${step}_arn`, { type: 'string' }).stringValue;
  const settings = config.functions[FILE_WORKFLOW_STEP_FUNCTIONS[step]];
  return {
    timeoutSeconds: settings.timeoutSeconds,
    reservedConcurrency: settings.reservedConcurrency,
    name: step,
    functionName: `fn-${step}`,
    arn,
    invokeArn: `invoke-${step}`,
    roleName: `role-${step}`,
    allow: jest.fn(),
    setEnvironment: jest.fn(),
  };
}

interface Synthesized {
  json: string;
  parsed: {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    data: Record<string, Record<string, unknown>>;
    output: Record<string, { value: string }>;
  };
}

function synth(
  config: PipelineConfig = loadConfig('dev', {}, {}),
  kmsKeyArn?: string,
  objectKeyArn?: string,
): Synthesized {
  const json = Testing.synthScope((scope) => {
    const steps = Object.fromEntries(STEPS.map((s) => [s, fakeHandle(scope, s, config)])) as Record<
      FileWorkflowStep,
      FunctionHandle
    >;
    const workflow = new FileWorkflow(scope, 'FileWorkflow', {
      config,
      region: 'us-east-1',
      steps,
      kmsKeyArn,
      ingestBucketArn: 'arn:aws:s3:::ingest',
      objectKeyArn,
    });
    new TerraformOutput(scope, 'arn', { value: workflow.stateMachineArn });
    new TerraformOutput(scope, 'name', { value: workflow.stateMachineName });
    new TerraformOutput(scope, 'log_group', { value: workflow.logGroupName });
  });
  return { json, parsed: JSON.parse(json) as Synthesized['parsed'] };
}

function only<T>(parsed: Synthesized['parsed'], type: string): T {
  const all = Object.values(parsed.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0] as T;
}

/** The definition exactly as Terraform will receive it (interpolations left as text). */
function definitionOf(s: Synthesized): AslDefinition {
  return decode(only<{ definition: string }>(s.parsed, SfnStateMachine.tfResourceType).definition) as AslDefinition;
}

const dev = synth();

describe('FileWorkflow', () => {
  it('is a STANDARD state machine named after the environment', () => {
    expect(dev.json).toHaveResourceWithProperties(SfnStateMachine, {
      name: 'market-data-file-workflow-dev',
      type: 'STANDARD',
    });
  });

  it('invokes the real function ARNs (Terraform interpolations in the definition)', () => {
    const definition = definitionOf(dev);
    expect(definition.StartAt).toBe(WORKFLOW_STEPS.identifyRun);
    expect((definition.States[WORKFLOW_STEPS.validate] as AslTaskState).Resource).toBe('${var.validate_arn}');
    expect((definition.States[WORKFLOW_STEPS.compensate] as AslTaskState).Resource).toBe('${var.compensate_arn}');
    expect((definition.States[WORKFLOW_STEPS.notifySuccess] as AslTaskState).Resource).toBe('${var.notify_arn}');
    expect((definition.States[WORKFLOW_STEPS.notifyFailure] as AslTaskState).Resource).toBe('${var.notify_arn}');
    const raw = only<{ definition: string }>(dev.parsed, SfnStateMachine.tfResourceType).definition;
    // A reference, not text inside a JSON string: `cdktf synth --hcl` renders it as valid HCL.
    expect(raw).toMatch(/^\$\{jsonencode\(/);
    for (const step of STEPS) expect(raw).toContain(`"Resource": "\${var.${step}_arn}",`);
    expect(raw).not.toMatch(/TfToken/);
  });

  it('workflow validates, then stores chunks in parallel with archiving, then notifies', () => {
    const definition = definitionOf(dev);
    expect(definition.States[WORKFLOW_STEPS.validate]).toMatchObject({ Next: WORKFLOW_STEPS.process });
    expect(definition.States[WORKFLOW_STEPS.process]).toMatchObject({
      Type: 'Parallel',
      Next: WORKFLOW_STEPS.markCompleted,
    });
    expect(definition.States[WORKFLOW_STEPS.markCompleted]).toMatchObject({ Next: WORKFLOW_STEPS.notifySuccess });
  });

  it('every failure path compensates and notifies failure', () => {
    const definition = definitionOf(dev);
    for (const name of [WORKFLOW_STEPS.validate, WORKFLOW_STEPS.process]) {
      expect((definition.States[name] as AslTaskState).Catch?.at(-1)).toMatchObject({
        ErrorEquals: ['States.ALL'],
        Next: WORKFLOW_STEPS.compensate,
      });
    }
    expect(definition.States[WORKFLOW_STEPS.compensate]).toMatchObject({ Next: WORKFLOW_STEPS.markFailed });
    expect(definition.States[WORKFLOW_STEPS.markFailed]).toMatchObject({ Next: WORKFLOW_STEPS.notifyFailure });
    expect(definition.States[WORKFLOW_STEPS.notifyFailure]).toMatchObject({ Next: WORKFLOW_STEPS.failed });
  });

  it('retries use exponential backoff with full jitter, never for permanent errors', () => {
    const validate = definitionOf(dev).States[WORKFLOW_STEPS.validate] as AslTaskState;
    expect(validate.Retry).toEqual(
      expect.arrayContaining([
        { ErrorEquals: [...NON_RETRYABLE_ERRORS], MaxAttempts: 0 },
        expect.objectContaining({
          ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException']),
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        }),
      ]),
    );
  });

  it('bounds each step by its function timeout plus a margin, and chunk concurrency by store-chunk', () => {
    const config = loadConfig(
      'dev',
      { functions: { 'validate-file': { timeoutSeconds: 200 }, 'store-chunk': { reservedConcurrency: 3 } } },
      {},
    );
    const definition = definitionOf(synth(config));
    expect((definition.States[WORKFLOW_STEPS.validate] as AslTaskState).TimeoutSeconds).toBe(260);
    expect((definition.States[WORKFLOW_STEPS.notifySuccess] as AslTaskState).TimeoutSeconds).toBe(
      config.functions['notify-file'].timeoutSeconds + 60,
    );
    expect(JSON.stringify(definition)).toContain('"MaxConcurrency":3');
    // Defaults: store-chunk may run 20 at once, the Map asks for 10.
    expect(JSON.stringify(definitionOf(dev))).toContain('"MaxConcurrency":10');
    const wide = loadConfig('dev', { storeConcurrency: 16 }, {});
    expect(JSON.stringify(definitionOf(synth(wide)))).toContain('"MaxConcurrency":16');
  });

  it('ends a run that outlives fileWorkflowTimeoutMinutes as TIMED_OUT (the definition TimeoutSeconds)', () => {
    expect(definitionOf(dev).TimeoutSeconds).toBe(180 * 60);
    expect(definitionOf(synth(loadConfig('dev', { fileWorkflowTimeoutMinutes: 30 }, {}))).TimeoutSeconds).toBe(1800);
  });

  it('execution data never logged', () => {
    expect(dev.json).toHaveResourceWithProperties(SfnStateMachine, {
      logging_configuration: expect.objectContaining({ include_execution_data: false, level: 'ALL' }),
    });
    const machine = only<{ logging_configuration: { log_destination: string } }>(
      dev.parsed,
      SfnStateMachine.tfResourceType,
    );
    expect(machine.logging_configuration.log_destination).toMatch(/^\$\{aws_cloudwatch_log_group\.[\w]+\.arn\}:\*$/);
  });

  it('keeps its log group under /aws/vendedlogs/states for the configured retention', () => {
    expect(dev.json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/vendedlogs/states/market-data-file-workflow-dev',
      retention_in_days: 365,
    });
    const short = synth(loadConfig('dev', { logRetentionDays: 14 }, {}));
    expect(short.json).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 14 });
    expect(only<Record<string, unknown>>(short.parsed, CloudwatchLogGroup.tfResourceType)).not.toHaveProperty(
      'kms_key_id',
    );
  });

  it('tracing on', () => {
    expect(dev.json).toHaveResourceWithProperties(SfnStateMachine, {
      tracing_configuration: expect.objectContaining({ enabled: true }),
    });
  });

  it('state machine role can invoke only the five step functions', () => {
    const policy = decode(only<{ policy: string }>(dev.parsed, IamRolePolicy.tfResourceType).policy) as {
      Statement: { Sid: string; Action: string[]; Resource: string[] }[];
    };
    const invoke = policy.Statement.filter((s) => s.Action.some((a) => a.startsWith('lambda:')));
    expect(invoke).toHaveLength(1);
    expect(invoke[0].Action).toEqual(['lambda:InvokeFunction']);
    expect([...invoke[0].Resource].sort()).toEqual(
      STEPS.flatMap((s) => [`\${var.${s}_arn}`, `\${var.${s}_arn}:*`]).sort(),
    );
  });

  it('lets StoreChunks start and manage only its own child executions, and touch only staged/ objects', () => {
    const policy = decode(only<{ policy: string }>(dev.parsed, IamRolePolicy.tfResourceType).policy) as {
      Statement: { Sid: string; Action: string[]; Resource: string[]; Condition?: unknown }[];
    };
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.StartStoreChunksChildren).toMatchObject({
      Action: ['states:StartExecution'],
      Resource: [expect.stringMatching(/:states:us-east-1:\$\{[^}]+\}:stateMachine:market-data-file-workflow-dev$/)],
    });
    expect(bySid.ManageStoreChunksChildren).toMatchObject({
      Action: ['states:DescribeExecution', 'states:StopExecution'],
      Resource: [expect.stringMatching(/:execution:market-data-file-workflow-dev\/StoreChunks:\*$/)],
    });
    expect(bySid.ReadChunkManifests).toMatchObject({
      Action: ['s3:GetObject'],
      Resource: ['arn:aws:s3:::ingest/staged/*'],
    });
    expect(bySid.WriteStoreChunksResults).toMatchObject({
      Action: ['s3:PutObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
      Resource: ['arn:aws:s3:::ingest/staged/*'],
    });
    expect(bySid.UseObjectKeyThroughS3).toBeUndefined();
    const kms = synth(loadConfig('dev', {}, {}), undefined, 'arn:aws:kms:us-east-1:1:key/objects');
    const kmsPolicy = decode(only<{ policy: string }>(kms.parsed, IamRolePolicy.tfResourceType).policy) as {
      Statement: { Sid: string }[];
    };
    expect(kmsPolicy.Statement.find((s) => s.Sid === 'UseObjectKeyThroughS3')).toEqual({
      Sid: 'UseObjectKeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: ['arn:aws:kms:us-east-1:1:key/objects'],
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
  });

  it('reads the chunk manifests with the partition of the deployment', () => {
    const map = JSON.stringify(definitionOf(dev));
    expect(map).toMatch(/"Resource":"arn:\$\{data\.aws_partition\.\w+\.partition\}:states:::s3:getObject"/);
  });

  it('uses "*" only for X-Ray and log delivery, which have no resource-level permissions', () => {
    const policy = decode(only<{ policy: string }>(dev.parsed, IamRolePolicy.tfResourceType).policy) as {
      Statement: { Sid: string; Action: string[]; Resource: string[] }[];
    };
    const wildcard = policy.Statement.filter((s) => s.Resource.includes('*'));
    expect(wildcard.flatMap((s) => s.Action).sort()).toEqual([...TRACING_ACTIONS, ...LOG_DELIVERY_ACTIONS].sort());
    for (const statement of policy.Statement) for (const action of statement.Action) expect(action).not.toContain('*');
  });

  it('lets only Step Functions of this account and state machine assume the role', () => {
    const role = only<{ name: string; assume_role_policy: string }>(dev.parsed, IamRole.tfResourceType);
    expect(role.name).toBe('market-data-file-workflow-dev-us-east-1');
    const trust = decode(role.assume_role_policy) as Statements;
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'states.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: {
          StringEquals: {
            'aws:SourceAccount': expect.stringMatching(/^\$\{data\.aws_caller_identity\.\w+\.account_id\}$/),
          },
          ArnLike: {
            'aws:SourceArn': [
              expect.stringMatching(
                /:states:us-east-1:\$\{data\.aws_caller_identity\.\w+\.account_id\}:stateMachine:market-data-file-workflow-dev$/,
              ),
              expect.stringMatching(/:stateMachine:market-data-file-workflow-dev:\*$/),
            ],
          },
        },
      }),
    ]);
  });

  it('uses an AWS-owned key by default', () => {
    expect(dev.json).toHaveResourceWithProperties(SfnStateMachine, {
      encryption_configuration: expect.objectContaining({ type: 'AWS_OWNED_KEY' }),
    });
  });

  it('encrypts the state machine and its logs with the KMS key when given, and lets the role use it', () => {
    const key = 'arn:aws:kms:us-east-1:key/example';
    const kms = synth(loadConfig('dev', {}, {}), key);
    expect(kms.json).toHaveResourceWithProperties(SfnStateMachine, {
      encryption_configuration: expect.objectContaining({
        type: 'CUSTOMER_MANAGED_KMS_KEY',
        kms_key_id: key,
        kms_data_key_reuse_period_seconds: 300,
      }),
    });
    expect(kms.json).toHaveResourceWithProperties(CloudwatchLogGroup, { kms_key_id: key });
    const policy = decode(only<{ policy: string }>(kms.parsed, IamRolePolicy.tfResourceType).policy) as Statements;
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [key],
        Condition: {
          StringEquals: {
            'kms:EncryptionContext:aws:states:stateMachineArn': expect.stringContaining(
              ':stateMachine:market-data-file-workflow-dev',
            ),
          },
        },
      }),
    );
  });

  it('creates the state machine only after its role policy', () => {
    const machine = only<{ depends_on: string[] }>(dev.parsed, SfnStateMachine.tfResourceType);
    expect(machine.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\./)]);
  });

  it('exposes the ARN, name and log group name', () => {
    expect(dev.parsed.output.arn.value).toMatch(/^\$\{aws_sfn_state_machine\.\w+\.arn\}$/);
    expect(dev.parsed.output.name.value).toMatch(/^\$\{aws_sfn_state_machine\.\w+\.name\}$/);
    expect(dev.parsed.output.log_group.value).toMatch(/^\$\{aws_cloudwatch_log_group\.\w+\.name\}$/);
  });
});
