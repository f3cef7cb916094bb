/**
 * Creates one regional copy of the pipeline's data plane in the emulator, from the
 * {@link LocalResourceSpec} read out of the constructs: table (keys, GSIs, stream), versioned
 * ingest and archive buckets, bus with the routing rule → processing queue (+ DLQ, redrive),
 * topics, and the file-workflow state machine with the synthesized definition.
 *
 * `fresh: true` deletes what a previous local run left under the same names first, so a
 * report only ever shows this run's data.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  type EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  ListStateMachinesCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { CreateTopicCommand, DeleteTopicCommand, ListTopicsCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  FILE_WORKFLOW_STEP_FUNCTIONS,
  fileWorkflowDefinition,
  type FileWorkflowStepArns,
} from '../modules/compute/file-workflow/definition';
import type { AslDefinition } from '../modules/compute/file-workflow/asl';
import type { FunctionName } from '../contract';
import type { LocalResourceSpec } from './resource-spec';

/** The SDK clients provisioning uses (all pointed at the emulator). */
export interface ProvisionClients {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
  readonly sns: SNSClient;
  readonly sfn: SFNClient;
}

/** What exists in the emulator after provisioning: the values the handlers' environment needs. */
export interface ProvisionedPipeline {
  readonly spec: LocalResourceSpec;
  readonly accountId: string;
  readonly tableName: string;
  readonly streamArn: string;
  readonly ingestBucket: string;
  readonly archiveBucket: string;
  readonly eventBusName: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly notificationsTopicArn: string;
  readonly stateMachineArn: string;
  /** The definition the state machine was created with (what the local driver interprets). */
  readonly definition: AslDefinition;
  /** Task resource ARN → function that serves it. */
  readonly taskFunctions: Readonly<Record<string, FunctionName>>;
}

/** Provisioning options. */
export interface ProvisionOptions {
  /** Delete resources left by an earlier run under the same names first. Default false. */
  readonly fresh?: boolean;
  /** Region of the emulator backend the clients talk to. Default: the spec's region. */
  readonly emulatorRegion?: string;
}

const isMissing = (error: unknown): boolean =>
  error instanceof ResourceNotFoundException ||
  [
    'ResourceNotFoundException',
    'NoSuchBucket',
    'AWS.SimpleQueueService.NonExistentQueue',
    'QueueDoesNotExist',
    'StateMachineDoesNotExist',
    'NotFound',
  ].includes((error as Error).name);

async function ignoreMissing(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/** Lambda ARN of a deployed function name in the emulator's account and region. */
export function functionArn(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
}

/** Creates (or re-creates, with `fresh`) every data-plane resource of `spec` in the emulator. */
export async function provisionPipeline(
  spec: LocalResourceSpec,
  clients: ProvisionClients,
  options: ProvisionOptions = {},
): Promise<ProvisionedPipeline> {
  if (options.fresh) await removePipeline(spec, clients);

  // Queues first: the account id of the emulator is read from the queue ARN (no STS needed).
  const dlq = await clients.sqs.send(
    new CreateQueueCommand({
      QueueName: spec.deadLetterQueue.name,
      Attributes: { MessageRetentionPeriod: String(spec.deadLetterQueue.messageRetentionSeconds) },
    }),
  );
  const dlqArn = await queueArn(clients.sqs, dlq.QueueUrl as string);
  const queue = await clients.sqs.send(
    new CreateQueueCommand({
      QueueName: spec.processingQueue.name,
      Attributes: {
        VisibilityTimeout: String(spec.processingQueue.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(spec.processingQueue.messageRetentionSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: spec.processingQueue.maxReceiveCount,
        }),
      },
    }),
  );
  const processingArn = await queueArn(clients.sqs, queue.QueueUrl as string);
  const accountId = processingArn.split(':')[4];

  const streamArn = await createTable(spec, clients.dynamodb);
  const bucketRegion = options.emulatorRegion ?? spec.region;

  for (const bucket of [spec.ingestBucket, spec.archiveBucket]) {
    await clients.s3
      .send(
        new CreateBucketCommand({
          Bucket: bucket.name,
          ...(bucketRegion === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: bucketRegion as never } }),
        }),
      )
      .catch((error: Error) => {
        if (error.name !== 'BucketAlreadyOwnedByYou') throw error;
      });
    if (bucket.versioned)
      await clients.s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket.name, VersioningConfiguration: { Status: 'Enabled' } }),
      );
  }

  await clients.eventBridge.send(new CreateEventBusCommand({ Name: spec.eventBus.name })).catch((error: Error) => {
    if (error.name !== 'ResourceAlreadyExistsException') throw error;
  });
  await clients.eventBridge.send(
    new PutRuleCommand({
      Name: spec.eventBus.routingRule.name,
      EventBusName: spec.eventBus.name,
      EventPattern: spec.eventBus.routingRule.eventPattern,
    }),
  );
  await clients.eventBridge.send(
    new PutTargetsCommand({
      Rule: spec.eventBus.routingRule.name,
      EventBusName: spec.eventBus.name,
      Targets: [{ Id: 'processing-queue', Arn: processingArn }],
    }),
  );

  const topic = await clients.sns.send(new CreateTopicCommand({ Name: spec.notificationsTopicName }));
  await clients.sns.send(new CreateTopicCommand({ Name: spec.alertsTopicName }));

  const stepArns = Object.fromEntries(
    Object.entries(FILE_WORKFLOW_STEP_FUNCTIONS).map(([step, fn]) => [
      step,
      functionArn(spec.region, accountId, spec.functionNames[fn]),
    ]),
  ) as unknown as FileWorkflowStepArns;
  const definition = fileWorkflowDefinition(stepArns, spec.workflowOptions);
  const machine = await clients.sfn.send(
    new CreateStateMachineCommand({
      name: spec.stateMachineName,
      definition: JSON.stringify(definition),
      roleArn: `arn:aws:iam::${accountId}:role/${spec.stateMachineName}`,
      type: 'STANDARD',
    }),
  );
  const taskFunctions = Object.fromEntries(
    Object.entries(FILE_WORKFLOW_STEP_FUNCTIONS).map(([step, fn]) => [
      stepArns[step as keyof FileWorkflowStepArns],
      fn,
    ]),
  ) as Record<string, FunctionName>;

  return {
    spec,
    accountId,
    tableName: spec.table.name,
    streamArn,
    ingestBucket: spec.ingestBucket.name,
    archiveBucket: spec.archiveBucket.name,
    eventBusName: spec.eventBus.name,
    queueUrl: queue.QueueUrl as string,
    queueArn: processingArn,
    deadLetterQueueUrl: dlq.QueueUrl as string,
    notificationsTopicArn: topic.TopicArn as string,
    stateMachineArn: machine.stateMachineArn as string,
    definition,
    taskFunctions,
  };
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return attributes.Attributes?.QueueArn as string;
}

/** Creates the table as synthesized and returns its stream ARN (reuses an existing table). */
async function createTable(spec: LocalResourceSpec, dynamodb: DynamoDBClient): Promise<string> {
  const { table } = spec;
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: table.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
        KeySchema: [
          { AttributeName: table.hashKey, KeyType: 'HASH' },
          { AttributeName: table.rangeKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.hashKey, KeyType: 'HASH' as const },
            ...(index.rangeKey ? [{ AttributeName: index.rangeKey, KeyType: 'RANGE' as const }] : []),
          ],
          Projection: { ProjectionType: index.projectionType as 'ALL' },
        })),
        StreamSpecification: { StreamEnabled: true, StreamViewType: table.streamViewType as 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30, minDelay: 1 }, { TableName: table.name });
    if (table.ttlAttribute) {
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: table.name,
          TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
        }),
      );
    }
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  const described = await dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${table.name} has no stream`);
  return streamArn;
}

/** Deletes every resource of `spec` from the emulator (missing ones are fine). */
export async function removePipeline(spec: LocalResourceSpec, clients: ProvisionClients): Promise<void> {
  await ignoreMissing(async () => {
    await clients.dynamodb.send(new DeleteTableCommand({ TableName: spec.table.name }));
    await waitUntilTableNotExists(
      { client: clients.dynamodb, maxWaitTime: 30, minDelay: 1 },
      { TableName: spec.table.name },
    );
  });
  for (const bucket of [spec.ingestBucket.name, spec.archiveBucket.name]) {
    await ignoreMissing(async () => {
      await emptyBucket(clients.s3, bucket);
      await clients.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    });
  }
  for (const name of [spec.processingQueue.name, spec.deadLetterQueue.name]) {
    await ignoreMissing(async () => {
      const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      await clients.sqs.send(new DeleteQueueCommand({ QueueUrl }));
    });
  }
  await ignoreMissing(async () => {
    const rule = spec.eventBus.routingRule.name;
    const targets = await clients.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: rule, EventBusName: spec.eventBus.name }),
    );
    const ids = (targets.Targets ?? []).map((t) => t.Id as string);
    if (ids.length > 0)
      await clients.eventBridge.send(
        new RemoveTargetsCommand({ Rule: rule, EventBusName: spec.eventBus.name, Ids: ids }),
      );
    await clients.eventBridge.send(new DeleteRuleCommand({ Name: rule, EventBusName: spec.eventBus.name }));
    await clients.eventBridge.send(new DeleteEventBusCommand({ Name: spec.eventBus.name }));
  });
  let topicsToken: string | undefined;
  do {
    const page = await clients.sns.send(new ListTopicsCommand({ NextToken: topicsToken }));
    for (const topic of page.Topics ?? []) {
      const name = topic.TopicArn?.split(':').pop();
      if (name === spec.notificationsTopicName || name === spec.alertsTopicName)
        await clients.sns.send(new DeleteTopicCommand({ TopicArn: topic.TopicArn }));
    }
    topicsToken = page.NextToken;
  } while (topicsToken);
  // Deleting the state machine drops its executions, so execution names can be used again.
  const machines = await clients.sfn.send(new ListStateMachinesCommand({}));
  for (const machine of machines.stateMachines ?? []) {
    if (machine.name === spec.stateMachineName) {
      await ignoreMissing(() =>
        clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: machine.stateMachineArn })),
      );
    }
  }
}

async function emptyBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key as string,
      VersionId: v.VersionId,
    }));
    if (objects.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
  }
}
