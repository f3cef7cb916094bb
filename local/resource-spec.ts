/**
 * What the local run must create in the emulator, read from the constructs the stacks deploy:
 * the data-plane constructs are synthesized into a throwaway scope (about 0.1 s, no bundles
 * needed) and their Terraform JSON is read back, so key schemas, indexes, stream views,
 * versioning, notification filters, queue timeouts, redrive and the routing rule's pattern
 * cannot drift from what `cdktf synth` produces.
 */
import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import {
  archiveBucketName,
  eventBusName,
  ingestBucketName,
  notificationsTopicName,
  alertsTopicName,
  processingDlqName,
  processingQueueName,
  resourceName,
  stateMachineName,
  functionName,
  type PipelineConfig,
} from '../config';
import { FUNCTION_NAMES, type FunctionName } from '../contract';
import { ArchiveBucket } from '../modules/storage/archive-bucket';
import { EventBus } from '../modules/messaging/event-bus';
import { FailureQueue } from '../modules/messaging/failure-queue';
import { IngestBucket } from '../modules/storage/ingest-bucket';
import { PipelineTable } from '../modules/storage/pipeline-table';
import { ProcessingQueue } from '../modules/messaging/processing-queue';
import { QueueConsumer } from '../modules/compute/queue-consumer';
import { StreamConsumer } from '../modules/compute/stream-consumer';
import type { FunctionHandle } from '../modules/compute/function-handle';
import {
  FILE_WORKFLOW_STEP_FUNCTIONS,
  fileWorkflowOptions,
  type FileWorkflowDefinitionOptions,
  type FileWorkflowStep,
} from '../modules/compute/file-workflow/definition';

/** Table settings as synthesized. */
export interface TableSpec {
  readonly name: string;
  readonly hashKey: string;
  readonly rangeKey: string;
  readonly attributes: readonly { readonly name: string; readonly type: 'S' | 'N' | 'B' }[];
  readonly globalSecondaryIndexes: readonly {
    readonly name: string;
    readonly hashKey: string;
    readonly rangeKey?: string;
    readonly projectionType: string;
  }[];
  readonly streamViewType: string;
  readonly ttlAttribute?: string;
}

/** One S3 → function notification filter. */
export interface NotificationFilterSpec {
  readonly id: string;
  readonly events: readonly string[];
  readonly prefix: string;
  readonly suffix: string;
}

/** Everything the emulator needs for one regional copy of the pipeline. */
export interface LocalResourceSpec {
  readonly region: string;
  readonly table: TableSpec;
  readonly ingestBucket: {
    readonly name: string;
    readonly versioned: boolean;
    readonly notifications: readonly NotificationFilterSpec[];
  };
  readonly archiveBucket: { readonly name: string; readonly versioned: boolean };
  readonly eventBus: {
    readonly name: string;
    readonly routingRule: { readonly name: string; readonly eventPattern: string };
  };
  readonly processingQueue: {
    readonly name: string;
    readonly visibilityTimeoutSeconds: number;
    readonly messageRetentionSeconds: number;
    readonly maxReceiveCount: number;
  };
  readonly deadLetterQueue: { readonly name: string; readonly messageRetentionSeconds: number };
  /** SQS → processor mapping. */
  readonly queueMapping: { readonly batchSize: number; readonly reportBatchItemFailures: boolean };
  /** Table stream → bars mapping, with the filter patterns it deploys. */
  readonly streamMapping: {
    readonly batchSize: number;
    readonly maximumRetryAttempts: number;
    readonly reportBatchItemFailures: boolean;
    readonly filterPatterns: readonly Record<string, unknown>[];
  };
  readonly notificationsTopicName: string;
  readonly alertsTopicName: string;
  readonly stateMachineName: string;
  /** Options the file-workflow construct builds its definition with (concurrency, timeouts), from the config. */
  readonly workflowOptions: FileWorkflowDefinitionOptions;
  /** Deployed name of each function (the state machine's task ARNs end with these). */
  readonly functionNames: Readonly<Record<FunctionName, string>>;
}

/** A construct needed a value the synthesized JSON did not have: the construct changed shape. */
export class ResourceSpecError extends Error {
  constructor(message: string) {
    super(`cannot read the local resource spec from the constructs: ${message}`);
    this.name = 'ResourceSpecError';
  }
}

type TerraformResources = Record<string, Record<string, Record<string, unknown>>>;

/** Stand-in for a deployed function: the data-plane constructs only need its name and ARN. */
function placeholderFunction(name: FunctionName, config: PipelineConfig): FunctionHandle {
  return {
    name,
    functionName: functionName(config, name),
    arn: `arn:aws:lambda:local:000000000000:function:${functionName(config, name)}`,
    invokeArn: `local:${name}`,
    roleName: `${functionName(config, name)}-role`,
    timeoutSeconds: config.functions[name].timeoutSeconds,
    reservedConcurrency: config.functions[name].reservedConcurrency,
    allow: () => undefined,
    setEnvironment: () => undefined,
  };
}

function only(
  resources: TerraformResources,
  type: string,
  where: (r: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown> {
  const matches = Object.values(resources[type] ?? {}).filter(where);
  if (matches.length !== 1) throw new ResourceSpecError(`expected one ${type}, found ${matches.length}`);
  return matches[0];
}

/** The Terraform id (`${aws_x.y.id}`) a versioning/notification resource refers its bucket by. */
function logicalIdOf(resources: TerraformResources, type: string, field: string, value: string): string {
  const entry = Object.entries(resources[type] ?? {}).find(([, r]) => r[field] === value);
  if (!entry) throw new ResourceSpecError(`no ${type} with ${field} = ${value}`);
  return entry[0];
}

/**
 * Synthesizes the data-plane constructs of `region` for `config` and reads back the settings
 * the emulator needs.
 */
export function pipelineResourceSpec(config: PipelineConfig, region: string): LocalResourceSpec {
  const ingest = ingestBucketName(config, region);
  const archive = archiveBucketName(config, region);
  let maxReceiveCount = 0;
  const json = Testing.synthScope((scope: Construct) => {
    new PipelineTable(scope, 'Table', {
      config,
      kmsKeyArn: 'local-kms-key',
      replica: {
        region: region === config.primaryRegion ? config.drRegion : config.primaryRegion,
        kmsKeyArn: 'local-kms-key',
      },
    });
    new IngestBucket(scope, 'Ingest', {
      bucketName: ingest,
      accountId: '000000000000',
      trigger: placeholderFunction('file-trigger', config),
    });
    new ArchiveBucket(scope, 'Archive', { bucketName: archive });
    const processingQueue = new ProcessingQueue(scope, 'Processing', {
      queueName: processingQueueName(config),
      deadLetterQueueName: processingDlqName(config),
      consumerTimeoutSeconds: config.functions.processor.timeoutSeconds,
    });
    maxReceiveCount = processingQueue.maxReceiveCount;
    new EventBus(scope, 'Events', {
      config,
      region,
      processingQueue,
      summary: placeholderFunction('summary', config),
      targetFailures: new FailureQueue(scope, 'TargetFailures', {
        queueName: resourceName(config, 'event-target-failures'),
      }),
    });
    new QueueConsumer(scope, 'ProcessorMapping', {
      queueArn: 'local-queue',
      consumer: placeholderFunction('processor', config),
    });
    new StreamConsumer(scope, 'BarsMapping', {
      region,
      streamArn: 'local-stream',
      consumer: placeholderFunction('bars', config),
      failureQueueArn: 'local-failures',
    });
  });
  const resources = (JSON.parse(json) as { resource: TerraformResources }).resource;

  const table = only(resources, 'aws_dynamodb_table');
  const versioned = (bucket: string): boolean => {
    const id = logicalIdOf(resources, 'aws_s3_bucket', 'bucket', bucket);
    const versioning = Object.values(resources.aws_s3_bucket_versioning ?? {}).find(
      (r) => r.bucket === `\${aws_s3_bucket.${id}.id}`,
    );
    return (versioning?.versioning_configuration as { status?: string } | undefined)?.status === 'Enabled';
  };
  const ingestId = logicalIdOf(resources, 'aws_s3_bucket', 'bucket', ingest);
  const notification = only(
    resources,
    'aws_s3_bucket_notification',
    (r) => r.bucket === `\${aws_s3_bucket.${ingestId}.id}`,
  );
  const queue = only(resources, 'aws_sqs_queue', (r) => r.name === processingQueueName(config));
  const dlq = only(resources, 'aws_sqs_queue', (r) => r.name === processingDlqName(config));
  const rule = only(
    resources,
    'aws_cloudwatch_event_rule',
    (r) => r.name === resourceName(config, 'route-market-records'),
  );
  const queueMapping = only(resources, 'aws_lambda_event_source_mapping', (r) => r.event_source_arn === 'local-queue');
  const streamMapping = only(
    resources,
    'aws_lambda_event_source_mapping',
    (r) => r.event_source_arn === 'local-stream',
  );
  const reportsItemFailures = (mapping: Record<string, unknown>): boolean =>
    ((mapping.function_response_types ?? []) as string[]).includes('ReportBatchItemFailures');
  const ttl = (table.ttl as { attribute_name?: string; enabled?: boolean } | undefined) ?? {};

  return {
    region,
    table: {
      name: String(table.name),
      hashKey: String(table.hash_key),
      rangeKey: String(table.range_key),
      attributes: (table.attribute as { name: string; type: 'S' | 'N' | 'B' }[]).map(({ name, type }) => ({
        name,
        type,
      })),
      globalSecondaryIndexes: (
        (table.global_secondary_index ?? []) as {
          name: string;
          hash_key: string;
          range_key?: string;
          projection_type: string;
        }[]
      ).map((index) => ({
        name: index.name,
        hashKey: index.hash_key,
        rangeKey: index.range_key,
        projectionType: index.projection_type,
      })),
      streamViewType: String(table.stream_view_type),
      ttlAttribute: ttl.enabled ? ttl.attribute_name : undefined,
    },
    ingestBucket: {
      name: ingest,
      versioned: versioned(ingest),
      notifications: (
        (notification.lambda_function ?? []) as {
          id: string;
          events: string[];
          filter_prefix?: string;
          filter_suffix?: string;
        }[]
      ).map((n) => ({
        id: n.id,
        events: n.events,
        prefix: n.filter_prefix ?? '',
        suffix: n.filter_suffix ?? '',
      })),
    },
    archiveBucket: { name: archive, versioned: versioned(archive) },
    eventBus: {
      name: eventBusName(config),
      routingRule: { name: String(rule.name), eventPattern: String(rule.event_pattern) },
    },
    processingQueue: {
      name: processingQueueName(config),
      visibilityTimeoutSeconds: Number(queue.visibility_timeout_seconds),
      messageRetentionSeconds: Number(queue.message_retention_seconds),
      // The construct's own value: the synthesized redrive policy is a jsonencode expression.
      maxReceiveCount,
    },
    deadLetterQueue: {
      name: processingDlqName(config),
      messageRetentionSeconds: Number(dlq.message_retention_seconds),
    },
    queueMapping: {
      batchSize: Number(queueMapping.batch_size),
      reportBatchItemFailures: reportsItemFailures(queueMapping),
    },
    streamMapping: {
      batchSize: Number(streamMapping.batch_size),
      maximumRetryAttempts: Number(streamMapping.maximum_retry_attempts ?? -1),
      reportBatchItemFailures: reportsItemFailures(streamMapping),
      filterPatterns: (
        (streamMapping.filter_criteria as { filter?: { pattern: string }[] } | undefined)?.filter ?? []
      ).map((f) => JSON.parse(f.pattern) as Record<string, unknown>),
    },
    notificationsTopicName: notificationsTopicName(config),
    alertsTopicName: alertsTopicName(config),
    stateMachineName: stateMachineName(config),
    workflowOptions: fileWorkflowOptions({
      storeConcurrency: config.storeConcurrency,
      fileWorkflowTimeoutMinutes: config.fileWorkflowTimeoutMinutes,
      functionTimeoutSeconds: Object.fromEntries(
        Object.entries(FILE_WORKFLOW_STEP_FUNCTIONS).map(([step, fn]) => [step, config.functions[fn].timeoutSeconds]),
      ) as Record<FileWorkflowStep, number>,
    }),
    functionNames: Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, functionName(config, fn)])) as Record<
      FunctionName,
      string
    >,
  };
}
