/**
 * The file workflow: a STANDARD Step Functions state machine running
 * {@link fileWorkflowDefinition} with the real function ARNs, its own least-privilege role,
 * logging without execution data (market data never reaches CloudWatch Logs), X-Ray tracing
 * and, when a key is given, encryption with the customer-managed KMS key.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Construct } from 'constructs';
import { resourceName, stateMachineName, type PipelineConfig } from '../../../config';
import { KEY_PREFIX } from '../../../contract';
import type { FunctionHandle } from '../function-handle';
import { PolicyDocument, serviceTrustPolicy } from '../../iam/policy-document';
import { LOG_DELIVERY_ACTIONS, TRACING_ACTIONS } from '../../iam/unscoped-actions';
import { jsonAttribute } from '../../json-attribute';
import { fileWorkflowDefinition, fileWorkflowOptions, STORE_CHUNKS_LABEL, type FileWorkflowStep } from './definition';

export * from './asl';
export * from './definition';

/** Props of {@link FileWorkflow}. */
export interface FileWorkflowProps {
  /** Naming, log retention, and the StoreChunks concurrency and run timeout. */
  readonly config: Pick<
    PipelineConfig,
    'namePrefix' | 'env' | 'logRetentionDays' | 'storeConcurrency' | 'fileWorkflowTimeoutMinutes'
  >;
  /** Region this copy of the workflow runs in (part of the role name: IAM is global). */
  readonly region: string;
  /** The five functions the workflow calls, one per step (their timeouts and concurrency shape the steps). */
  readonly steps: Readonly<Record<FileWorkflowStep, FunctionHandle>>;
  /**
   * ARN of the ingest bucket: StoreChunks reads the chunk manifests and writes its results under
   * its `staged/` prefix.
   */
  readonly ingestBucketArn: string;
  /** KMS key encrypting the ingest bucket's objects (`s3Encryption: kms`). Default: SSE-S3. */
  readonly objectKeyArn?: string;
  /**
   * KMS key ARN encrypting the state machine's data and its log group. Its key policy must let
   * CloudWatch Logs (`logs.<region>.amazonaws.com`) use it. Default: AWS-owned keys.
   */
  readonly kmsKeyArn?: string;
}

/**
 * `ALL` records every state transition (handy to see where a file stopped); with execution
 * data excluded the events carry state names and errors only, and one execution per file keeps
 * the volume small.
 */
export const FILE_WORKFLOW_LOG_LEVEL = 'ALL';

// The state machine's '*' grants are exactly these two lists (see unscoped-actions.ts for why).
export { LOG_DELIVERY_ACTIONS, TRACING_ACTIONS };

/** The file workflow state machine with its role and log group. */
export class FileWorkflow extends Construct {
  /** ARN of the state machine (the trigger function starts executions on it). */
  readonly stateMachineArn: string;
  /** Name of the state machine. */
  readonly stateMachineName: string;
  /**
   * ARN pattern of its executions, `...:execution:<name>:*` (starters read a run's status before
   * refusing a second run; the watchdog reads an ended run's input); not its Distributed Map's children.
   */
  readonly executionsArn: string;
  /** Name of the log group receiving execution events (`/aws/vendedlogs/states/<name>`). */
  readonly logGroupName: string;
  /** ARN of the state machine's role. */
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: FileWorkflowProps) {
    super(scope, id);
    const { config, region, steps, kmsKeyArn, objectKeyArn } = props;
    const name = stateMachineName(config);

    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      // The /aws/vendedlogs/ prefix keeps the log delivery resource policy small (AWS advice).
      name: `/aws/vendedlogs/states/${name}`,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: kmsKeyArn,
    });

    // The ARN is built rather than read from the state machine: the role must exist first.
    const identity = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    const ownArn = `arn:${partition.partition}:states:${region}:${identity.accountId}:stateMachine:${name}`;
    this.executionsArn = `arn:${partition.partition}:states:${region}:${identity.accountId}:execution:${name}:*`;

    const role = new IamRole(this, 'Role', {
      // IAM is global: the region in the name keeps the primary and DR roles apart.
      name: resourceName(config, 'file-workflow', region),
      description: `Execution role of the ${name} state machine in ${region}`,
      // Confused-deputy guard: only this account's state machine of this name (or one of its
      // versions/aliases, `<arn>:<qualifier>`) may assume it.
      assumeRolePolicy: serviceTrustPolicy(`state machine ${name}`, 'states.amazonaws.com', {
        StringEquals: { 'aws:SourceAccount': identity.accountId },
        ArnLike: { 'aws:SourceArn': [ownArn, `${ownArn}:*`] },
      }),
    });
    this.roleArn = role.arn;

    const functionArns = Object.values(steps).map((step) => step.arn);
    const staged = `${props.ingestBucketArn}/${KEY_PREFIX.staged}*`;
    const rolePolicy = new PolicyDocument(`state machine ${name}`)
      .add({
        Sid: 'InvokeStepFunctions',
        Action: ['lambda:InvokeFunction'],
        // Qualified ARNs too, so pointing a step at a version or alias needs no policy change.
        Resource: functionArns.flatMap((arn) => [arn, `${arn}:*`]),
      })
      // StoreChunks is a Distributed Map: each chunk is a child execution of this state machine.
      .add({ Sid: 'StartStoreChunksChildren', Action: ['states:StartExecution'], Resource: [ownArn] })
      .add({
        Sid: 'ManageStoreChunksChildren',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: [
          `arn:${partition.partition}:states:${region}:${identity.accountId}:execution:${name}/${STORE_CHUNKS_LABEL}:*`,
        ],
      })
      .add({ Sid: 'ReadChunkManifests', Action: ['s3:GetObject'], Resource: [staged] })
      .add({
        Sid: 'WriteStoreChunksResults',
        Action: ['s3:PutObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        Resource: [staged],
      })
      .add({ Sid: 'PutTraces', Action: [...TRACING_ACTIONS], Resource: ['*'] })
      .add({ Sid: 'DeliverLogs', Action: [...LOG_DELIVERY_ACTIONS], Resource: ['*'] });
    if (kmsKeyArn) {
      rolePolicy.add({
        Sid: 'UseStateMachineKey',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [kmsKeyArn],
        Condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': ownArn } },
      });
    }
    if (objectKeyArn) {
      // The manifests and results are objects of a KMS-encrypted bucket; only through S3.
      rolePolicy.add({
        Sid: 'UseObjectKeyThroughS3',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [objectKeyArn],
        Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      });
    }
    const policy = new IamRolePolicy(this, 'Policy', {
      name: 'least-privilege',
      role: role.id,
      policy: rolePolicy.toJson(),
    });

    const definition = fileWorkflowDefinition(
      {
        validate: steps.validate.arn,
        storeChunk: steps.storeChunk.arn,
        archive: steps.archive.arn,
        compensate: steps.compensate.arn,
        notify: steps.notify.arn,
      },
      fileWorkflowOptions({
        storeConcurrency: config.storeConcurrency,
        fileWorkflowTimeoutMinutes: config.fileWorkflowTimeoutMinutes,
        functionTimeoutSeconds: mapSteps(steps, (fn) => fn.timeoutSeconds),
        partition: partition.partition,
      }),
    );

    const machine = new SfnStateMachine(this, 'StateMachine', {
      name,
      type: 'STANDARD',
      roleArn: role.arn,
      // jsonencode keeps the function ARNs as Terraform references (valid JSON and HCL synth).
      definition: jsonAttribute(definition),
      loggingConfiguration: {
        logDestination: `${logGroup.arn}:*`,
        level: FILE_WORKFLOW_LOG_LEVEL,
        includeExecutionData: false,
      },
      tracingConfiguration: { enabled: true },
      encryptionConfiguration: kmsKeyArn
        ? { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 }
        : { type: 'AWS_OWNED_KEY' },
      // Creating the machine validates its logging and invoke permissions against the role.
      dependsOn: [policy],
    });

    this.stateMachineArn = machine.arn;
    this.stateMachineName = machine.name;
    this.logGroupName = logGroup.name;
  }
}

/** `fn` of each step's function. */
function mapSteps<T>(
  steps: Readonly<Record<FileWorkflowStep, FunctionHandle>>,
  fn: (handle: FunctionHandle) => T,
): Record<FileWorkflowStep, T> {
  return Object.fromEntries(Object.entries(steps).map(([step, handle]) => [step, fn(handle)])) as Record<
    FileWorkflowStep,
    T
  >;
}
