/**
 * The pipeline in one region. The primary and the DR region instantiate this same tree.
 *
 * Independence from the primary region: the stack reads nothing from another stack's state.
 * It finds the table replica and the data key of ITS OWN region by their deterministic names
 * (data sources), and the DR stack keeps its state in a bucket in the DR region, so it plans
 * and applies while the primary region is down.
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsDynamodbTable } from '@cdktf/provider-aws/lib/data-aws-dynamodb-table';
import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import {
  archiveBucketName,
  dataKeyAlias,
  ingestBucketName,
  processingDlqName,
  processingQueueName,
  resourceName,
  tableName,
  type PipelineConfig,
} from '../config';
import { FUNCTION_NAMES, type FunctionName } from '../contract';
import { AccessLogBucket } from '../modules/storage/access-log-bucket';
import { Alerts } from '../modules/operations/alerts';
import { NotificationsTopic } from '../modules/messaging/notifications-topic';
import { ArchiveBucket } from '../modules/storage/archive-bucket';
import { Dashboard } from '../modules/operations/dashboard';
import { DestructiveActionGuard } from '../modules/iam/destructive-actions';
import { EventBus } from '../modules/messaging/event-bus';
import { FailureQueue } from '../modules/messaging/failure-queue';
import { FileWorkflow } from '../modules/compute/file-workflow';
import { FileRunWatchdog } from '../modules/operations/file-run-watchdog';
import { requireBundle, type FunctionBundles } from '../build/function-bundles';
import { IngestApi } from '../modules/compute/ingest-api';
import { IngestBucket } from '../modules/storage/ingest-bucket';
import { Network } from '../modules/network/network';
import { PipelineFunction } from '../modules/compute/pipeline-function';
import { ProcessingQueue } from '../modules/messaging/processing-queue';
import { QueueConsumer } from '../modules/compute/queue-consumer';
import { StreamConsumer } from '../modules/compute/stream-consumer';
import { awsProvider, declareTerraformRequirements, useS3Backend, type StateLocation } from './foundation';
import { functionEnvironment, functionGrants } from './function-permissions';

/** Props of {@link RegionalStack}. */
export interface RegionalStackProps {
  readonly config: PipelineConfig;
  /** `config.primaryRegion` or `config.drRegion`. */
  readonly region: string;
  /** Built handlers (see `bundleFunctions`); every FUNCTION_NAMES entry must be present. */
  readonly bundles: FunctionBundles;
}

/** Functions invoked asynchronously (S3 notifications, EventBridge schedule): they get an on-failure queue. */
const ASYNC_FUNCTIONS: readonly FunctionName[] = ['file-trigger', 'summary', 'file-watchdog'];

/**
 * Where the regional stack of `region` keeps its state: the primary stack in the main state
 * bucket, the DR stack in the DR-region bucket (never depends on the primary region).
 */
export function regionalStateLocation(config: PipelineConfig, region: string): StateLocation {
  const key = `${config.env}/regional-${region}.tfstate`;
  if (region === config.primaryRegion) return { bucket: config.stateBucket, region: config.stateRegion, key };
  if (region === config.drRegion) return { bucket: config.drStateBucket, region: config.drStateRegion, key };
  throw new Error(
    `Region ${region} is neither primaryRegion (${config.primaryRegion}) nor drRegion (${config.drRegion})`,
  );
}

/** Every resource of the pipeline in one region. */
export class RegionalStack extends TerraformStack {
  readonly region: string;
  readonly functions: Readonly<Record<FunctionName, PipelineFunction>>;

  constructor(scope: Construct, id: string, props: RegionalStackProps) {
    super(scope, id);
    const { config, region } = props;
    this.region = region;
    declareTerraformRequirements(this);
    useS3Backend(this, regionalStateLocation(config, region));
    awsProvider(this, 'aws', config, region);

    // --- What the global stack created, found in this region by name ---------------------------
    const account = new DataAwsCallerIdentity(this, 'Account');
    const table = new DataAwsDynamodbTable(this, 'Table', { name: tableName(config) });
    const dataKey = new DataAwsKmsAlias(this, 'DataKey', { name: dataKeyAlias(config) });
    const keyArn = dataKey.targetKeyArn;
    const bucketKeyArn = config.s3Encryption === 'kms' ? keyArn : undefined;

    // --- Network (optional) ---------------------------------------------------------------------
    const network = config.vpc ? new Network(this, 'Network', { config, region, kmsKeyArn: keyArn }) : undefined;
    const vpc = network
      ? { subnetIds: network.subnetIds, securityGroupIds: [network.functionSecurityGroupId] }
      : undefined;

    // --- Queues -----------------------------------------------------------------------------------
    const barsFailures = new FailureQueue(this, 'BarsFailureQueue', {
      queueName: resourceName(config, 'bars-failures'),
      kmsKeyArn: keyArn,
    });
    const asyncFailures = new FailureQueue(this, 'AsyncFailureQueue', {
      queueName: resourceName(config, 'async-failures'),
      kmsKeyArn: keyArn,
    });
    const eventFailures = new FailureQueue(this, 'EventTargetFailureQueue', {
      queueName: resourceName(config, 'event-target-failures'),
      kmsKeyArn: keyArn,
    });

    // --- Functions ----------------------------------------------------------------------------------
    const functions = {} as Record<FunctionName, PipelineFunction>;
    for (const name of FUNCTION_NAMES) {
      functions[name] = new PipelineFunction(this, `Function-${name}`, {
        config,
        region,
        name,
        bundleZip: requireBundle(props.bundles, name).zipPath,
        kmsKeyArn: keyArn,
        vpc,
        asyncFailureQueueArn: ASYNC_FUNCTIONS.includes(name) ? asyncFailures.queueArn : undefined,
      });
    }
    this.functions = functions;
    const processingQueue = new ProcessingQueue(this, 'ProcessingQueue', {
      queueName: processingQueueName(config),
      deadLetterQueueName: processingDlqName(config),
      consumerTimeoutSeconds: functions.processor.timeoutSeconds,
      kmsKeyArn: keyArn,
    });

    // --- Storage ------------------------------------------------------------------------------------
    const accessLogs = new AccessLogBucket(this, 'AccessLogBucket', {
      bucketName: resourceName(config, 'access-logs', region),
      accountId: account.accountId,
      retentionDays: config.logRetentionDays,
    });
    const ingest = new IngestBucket(this, 'IngestBucket', {
      bucketName: ingestBucketName(config, region),
      accountId: account.accountId,
      trigger: functions['file-trigger'],
      kmsKeyArn: bucketKeyArn,
      accessLogs: { bucketName: accessLogs.bucketName, prefix: 'ingest/' },
    });
    const archive = new ArchiveBucket(this, 'ArchiveBucket', {
      bucketName: archiveBucketName(config, region),
      kmsKeyArn: bucketKeyArn,
      accessLogs: { bucketName: accessLogs.bucketName, prefix: 'archive/' },
    });
    accessLogs.acceptLogsFrom('IngestBucketAccessLogs', ingest.bucketArn, 'ingest/');
    accessLogs.acceptLogsFrom('ArchiveBucketAccessLogs', archive.bucketArn, 'archive/');

    // --- Events, queues and streams into functions ------------------------------------------------------
    const bus = new EventBus(this, 'EventBus', {
      config,
      region,
      processingQueue,
      summary: functions.summary,
      targetFailures: eventFailures,
      kmsKeyArn: keyArn,
    });
    new QueueConsumer(this, 'ProcessorMapping', {
      queueArn: processingQueue.queueArn,
      consumer: functions.processor,
    });
    new StreamConsumer(this, 'BarsMapping', {
      region,
      streamArn: table.streamArn,
      consumer: functions.bars,
      failureQueueArn: barsFailures.queueArn,
    });

    // --- Operations ---------------------------------------------------------------------------------
    const alerts = new Alerts(this, 'Alerts', { config, accountId: account.accountId, kmsKeyArn: keyArn });
    const notifications = new NotificationsTopic(this, 'Notifications', {
      config,
      kmsKeyArn: keyArn,
      // Created inside Alerts before it was split: the deployed topic keeps its address. (A `moved`
      // block would say the same, but checkov 3.3 cannot parse Terraform JSON that contains one.)
      logicalIds: { topic: 'Alerts_NotificationsTopic_D516CC8C', policy: 'Alerts_NotificationsTopicPolicy_586B1B89' },
    });

    // --- File workflow and API -----------------------------------------------------------------------
    const workflow = new FileWorkflow(this, 'FileWorkflow', {
      config,
      region,
      kmsKeyArn: keyArn,
      ingestBucketArn: ingest.bucketArn,
      objectKeyArn: bucketKeyArn,
      steps: {
        validate: functions['validate-file'],
        storeChunk: functions['store-chunk'],
        archive: functions['archive-file'],
        compensate: functions['compensate-file'],
        notify: functions['notify-file'],
      },
    });
    new FileRunWatchdog(this, 'FileRunWatchdog', {
      config,
      stateMachineArn: workflow.stateMachineArn,
      watchdog: functions['file-watchdog'],
      targetFailures: eventFailures,
    });
    const api = new IngestApi(this, 'IngestApi', {
      config,
      region,
      handler: functions['api-ingest'],
      kmsKeyArn: keyArn,
    });

    // --- Grants and environment (stacks/function-permissions.ts) -------------------------------------
    const grants = functionGrants({
      tableArn: table.arn,
      streamArn: table.streamArn,
      ingestBucketArn: ingest.bucketArn,
      archiveBucketArn: archive.bucketArn,
      stateMachineArn: workflow.stateMachineArn,
      executionsArn: workflow.executionsArn,
      notificationsTopicArn: notifications.topicArn,
      eventBusArn: bus.busArn,
      processingQueueArn: processingQueue.queueArn,
      barsFailureQueueArn: barsFailures.queueArn,
    });
    const environment = {
      tableName: table.name,
      eventBusName: bus.busName,
      ingestBucket: ingest.bucketName,
      archiveBucket: archive.bucketName,
      stateMachineArn: workflow.stateMachineArn,
      notificationsTopicArn: notifications.topicArn,
      pipelineRegion: region,
      pipelineRegions: [config.primaryRegion, config.drRegion].join(','),
      maxBodyBytes: String(config.apiMaxBodyBytes),
      maxRecordsPerRequest: String(config.apiMaxRecords),
      chunkSize: String(config.chunkSize),
      fileWorkflowTimeoutMinutes: String(config.fileWorkflowTimeoutMinutes),
    };
    const protectedResources = {
      tableArns: [table.arn],
      bucketArns: [ingest.bucketArn, archive.bucketArn, accessLogs.bucketArn],
    };
    for (const name of FUNCTION_NAMES) {
      const fn = functions[name];
      for (const grant of grants[name]) fn.allow(grant.sid, grant.actions, grant.resources);
      fn.denyDestructiveActions(protectedResources);
      for (const [variable, value] of Object.entries(functionEnvironment(name, environment)))
        fn.setEnvironment(variable, value);
    }

    // Every other role of the stack (state machine, flow logs, ...) gets the same explicit Deny.
    for (const role of this.node.findAll().filter((c): c is IamRole => c instanceof IamRole)) {
      if (role.node.scope instanceof PipelineFunction) continue;
      new DestructiveActionGuard(this, `DenyDestructive-${role.friendlyUniqueId}`, {
        roleName: role.id,
        ...protectedResources,
      });
    }

    // --- Alarms and dashboard ---------------------------------------------------------------------
    for (const name of FUNCTION_NAMES) alerts.watchFunction(functions[name]);
    alerts.watchQueueDepth('processing-dlq', processingQueue.deadLetterQueue.queueName);
    alerts.watchQueueDepth('bars-failures', barsFailures.queueName);
    alerts.watchQueueDepth('async-failures', asyncFailures.queueName);
    alerts.watchQueueDepth('event-target-failures', eventFailures.queueName);
    alerts.watchStateMachine(workflow.stateMachineArn);
    alerts.watchStuckFiles(functions['file-watchdog'], config.project);
    alerts.watchApi(api.apiId, api.stageName);
    new Dashboard(this, 'Dashboard', {
      config,
      region,
      functionNames: FUNCTION_NAMES.map((name) => functions[name].functionName),
      tableName: tableName(config),
      queueNames: [
        processingQueue.queueName,
        processingQueue.deadLetterQueue.queueName,
        barsFailures.queueName,
        asyncFailures.queueName,
        eventFailures.queueName,
      ],
      api: { apiId: api.apiId, stage: api.stageName },
      stateMachineArn: workflow.stateMachineArn,
    });

    // --- Outputs ------------------------------------------------------------------------------------
    const output = (id: string, value: string, description: string): void => {
      new TerraformOutput(this, id, { value, description: `${description} (${region})` });
    };
    output('api_url', api.url, 'Base URL of the ingest API stage: POST <url>/ingest');
    output('ingest_bucket_name', ingest.bucketName, 'Bucket receiving files under incoming/');
    output('archive_bucket_name', archive.bucketName, 'Bucket keeping originals and lineage');
    output('access_log_bucket_name', accessLogs.bucketName, 'Bucket receiving S3 server access logs');
    output('table_name', table.name, 'Pipeline table (global table replica in this region)');
    output('table_arn', table.arn, 'ARN of the table in this region');
    output('event_bus_name', bus.busName, 'Custom event bus');
    output('alerts_topic_arn', alerts.alertsTopicArn, 'SNS topic receiving alarms');
    output('notifications_topic_arn', notifications.topicArn, 'SNS topic receiving file and summary notifications');
    output('state_machine_arn', workflow.stateMachineArn, 'File workflow state machine');
    output('processing_queue_url', processingQueue.queueUrl, 'Queue between the bus and the processor');
    output('dlq_url', processingQueue.deadLetterQueue.queueUrl, 'Dead-letter queue of the processing queue');
    output('bars_failure_queue_url', barsFailures.queueUrl, 'On-failure destination of the bars stream mapping');
    output('async_failure_queue_url', asyncFailures.queueUrl, 'On-failure destination of asynchronous invocations');
    output('event_target_failure_queue_url', eventFailures.queueUrl, 'Dead-letter queue of EventBridge targets');
  }
}
