/**
 * One deployed handler: its esbuild bundle as a `TerraformAsset`, its own log group, its own
 * IAM role with only the grants added through `allow()`, and the Lambda function itself
 * (Node.js `config.lambdaRuntime` on arm64, X-Ray active, reserved concurrency, encrypted environment).
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { AssetType, Lazy, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { functionName, resourceName, type FunctionSettings, type PipelineConfig } from '../../config';
import { ENV, type FunctionName } from '../../contract';
import { destructiveActionDenials, type ProtectedResources } from '../iam/destructive-actions';
import { PolicyDocument, serviceTrustPolicy } from '../iam/policy-document';
import { VPC_INTERFACE_ACTIONS } from '../iam/unscoped-actions';
import type { FunctionHandle } from './function-handle';

/** Network placement of a function inside the optional VPC. */
export interface FunctionVpcPlacement {
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
}

/** Props of {@link PipelineFunction}. */
export interface PipelineFunctionProps {
  /** Naming, the metrics namespace (`project`), log retention and the function's default sizing. */
  readonly config: Pick<
    PipelineConfig,
    'namePrefix' | 'env' | 'project' | 'logRetentionDays' | 'functions' | 'lambdaRuntime'
  >;
  /** Region this copy runs in; set as `PIPELINE_REGION` and part of the role name. */
  readonly region: string;
  /** Logical name (one of FUNCTION_NAMES); also the handler folder. */
  readonly name: FunctionName;
  /** Deterministic zip of the built `index.js` + source map (see `bundleFunctions`). */
  readonly bundleZip: string;
  /** Environment variables besides the ones every function gets. Default none. */
  readonly environment?: Record<string, string>;
  /** Memory, timeout, reserved concurrency. Default `config.functions[name]`. */
  readonly settings?: FunctionSettings;
  /** KMS key encrypting environment variables and the log group; the role may use it. Default: AWS-managed keys. */
  readonly kmsKeyArn?: string;
  /** Subnets and security groups when the pipeline runs in a VPC. Default: no VPC. */
  readonly vpc?: FunctionVpcPlacement;
  /**
   * SQS queue receiving failed asynchronous invocations (S3 and EventBridge invoke
   * asynchronously). Default: none (synchronous or event-source-mapped functions).
   */
  readonly asyncFailureQueueArn?: string;
  /** Retries of a failed asynchronous invocation before it goes to the failure queue. Default 2. */
  readonly asyncRetryAttempts?: number;
}

/** A Lambda function with its own role, log group and bundle. Implements {@link FunctionHandle}. */
export class PipelineFunction extends Construct implements FunctionHandle {
  readonly name: FunctionName;
  readonly functionName: string;
  readonly arn: string;
  readonly invokeArn: string;
  readonly roleName: string;
  /** ARN of the function's role. */
  readonly roleArn: string;
  /** Name of the function's log group (`/aws/lambda/<functionName>`). */
  readonly logGroupName: string;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency: number;
  /** The role's policy; read by tests and the security review. */
  readonly policy: PolicyDocument;
  private readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const { config, region, name } = props;
    const settings = props.settings ?? config.functions[name];
    this.name = name;
    this.functionName = functionName(config, name);
    this.timeoutSeconds = settings.timeoutSeconds;
    this.reservedConcurrency = settings.reservedConcurrency;
    this.policy = new PolicyDocument(`function ${name}`);
    this.environment = {
      [ENV.pipelineRegion]: region,
      POWERTOOLS_SERVICE_NAME: name,
      POWERTOOLS_METRICS_NAMESPACE: config.project,
      // Stack traces point at the TypeScript sources through the external .map file.
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    };

    // A FILE asset of our own deterministic zip: hashed by content, copied (not re-zipped) per stack.
    const asset = new TerraformAsset(this, 'Bundle', { path: props.bundleZip, type: AssetType.FILE });

    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: `/aws/lambda/${this.functionName}`,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.logGroupName = logGroup.name;

    // IAM is global: the region in the name keeps the primary and DR roles apart.
    const role = new IamRole(this, 'Role', {
      name: resourceName(config, name, region),
      description: `Execution role of ${this.functionName} in ${region}`,
      assumeRolePolicy: serviceTrustPolicy(`function ${name}`, 'lambda.amazonaws.com'),
    });
    this.roleName = role.name;
    this.roleArn = role.arn;

    // Grants every function needs: its own log streams, X-Ray (no resource scoping exists).
    this.allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [`${logGroup.arn}:*`]);
    this.allow('PutTraces', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']);
    if (props.kmsKeyArn) {
      this.allow('UseDataKey', ['kms:Decrypt', 'kms:GenerateDataKey'], [props.kmsKeyArn]);
    }
    if (props.vpc) {
      this.allow('ManageVpcInterfaces', [...VPC_INTERFACE_ACTIONS], ['*']);
    }
    if (props.asyncFailureQueueArn) {
      this.allow('SendAsyncFailures', ['sqs:SendMessage'], [props.asyncFailureQueueArn]);
    }
    new IamRolePolicy(this, 'Policy', { name: 'least-privilege', role: role.id, policy: this.policy.toJson() });

    const fn = new LambdaFunction(this, 'Function', {
      functionName: this.functionName,
      description: `${name} (${config.project}, ${region})`,
      role: role.arn,
      runtime: config.lambdaRuntime,
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      memorySize: settings.memoryMb,
      timeout: settings.timeoutSeconds,
      reservedConcurrentExecutions: settings.reservedConcurrency,
      tracingConfig: { mode: 'Active' },
      kmsKeyArn: props.kmsKeyArn,
      environment: {
        variables: Lazy.anyValue({ produce: () => ({ ...this.environment }) }) as unknown as Record<string, string>,
      },
      vpcConfig: props.vpc
        ? { subnetIds: props.vpc.subnetIds, securityGroupIds: props.vpc.securityGroupIds }
        : undefined,
      // The function must not create its own unmanaged log group before ours exists.
      dependsOn: [logGroup],
    });
    this.arn = fn.arn;
    this.invokeArn = fn.invokeArn;

    if (props.asyncFailureQueueArn) {
      new LambdaFunctionEventInvokeConfig(this, 'AsyncInvoke', {
        functionName: fn.functionName,
        maximumRetryAttempts: props.asyncRetryAttempts ?? 2,
        maximumEventAgeInSeconds: 6 * 60 * 60,
        destinationConfig: { onFailure: { destination: props.asyncFailureQueueArn } },
      });
    }
  }

  /**
   * Grants the role `actions` on `resources`.
   * @throws PolicyViolationError naming the function and `sid` for a wildcard action, or `*`
   * resources with an action that supports scoping.
   */
  allow(sid: string, actions: string[], resources: string[]): void {
    this.policy.add({ Sid: sid, Effect: 'Allow', Action: actions, Resource: resources });
  }

  /**
   * Adds the explicit Deny of destructive actions (deleting or reconfiguring the table and
   * buckets) on top of whatever the function is allowed: a bug or a stolen role cannot
   * destroy data or open a bucket.
   */
  denyDestructiveActions(protectedResources: ProtectedResources): void {
    for (const statement of destructiveActionDenials(protectedResources)) this.policy.add(statement);
  }

  /** Sets (or replaces) one environment variable; resolved when the stack synthesizes. */
  setEnvironment(name: string, value: string): void {
    this.environment[name] = value;
  }
}
