/**
 * Every grant and every environment variable of every function, in one place for review.
 * Each entry is what that handler's code calls (functions/<name>/index.ts and the
 * functions/lib modules it uses) and nothing more. Grants every function gets (its own log
 * group, X-Ray, the regional data key, its async failure queue) are added by PipelineFunction.
 */
import { ARCHIVE_PREFIX, ENV, KEY_PREFIX, TABLE, type FunctionName } from '../contract';

/** The resources the grants point at (Terraform references in one region). */
export interface GrantTargets {
  readonly tableArn: string;
  /** Stream of the table (replica) in this region. */
  readonly streamArn: string;
  readonly ingestBucketArn: string;
  readonly archiveBucketArn: string;
  readonly stateMachineArn: string;
  /** ARN pattern of the state machine's executions. */
  readonly executionsArn: string;
  readonly notificationsTopicArn: string;
  readonly eventBusArn: string;
  readonly processingQueueArn: string;
  /** On-failure destination of the bars stream mapping. */
  readonly barsFailureQueueArn: string;
}

/** One Allow statement of a function's role. */
export interface Grant {
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
}

/** The grants of every function. */
export function functionGrants(t: GrantTargets): Record<FunctionName, Grant[]> {
  const incoming = `${t.ingestBucketArn}/${KEY_PREFIX.incoming}*`;
  const staged = `${t.ingestBucketArn}/${KEY_PREFIX.staged}*`;
  const rejected = `${t.ingestBucketArn}/${KEY_PREFIX.rejected}*`;
  const quarantine = `${t.ingestBucketArn}/${KEY_PREFIX.quarantine}*`;
  const putEvents: Grant = { sid: 'PutPipelineEvents', actions: ['events:PutEvents'], resources: [t.eventBusArn] };
  const publishNotifications: Grant = {
    sid: 'PublishNotifications',
    actions: ['sns:Publish'],
    resources: [t.notificationsTopicArn],
  };
  // One run per object version: a starter reads and claims the file item, and reads the status
  // of the run holding it, before it starts a run.
  const startFileRuns: Grant[] = [
    { sid: 'StartFileWorkflow', actions: ['states:StartExecution'], resources: [t.stateMachineArn] },
    { sid: 'ReadFileRuns', actions: ['states:DescribeExecution'], resources: [t.executionsArn] },
    { sid: 'ClaimFileVersions', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [t.tableArn] },
  ];
  // Records are claimed (UpdateItem), taken over from a later line of the same run (PutItem), and
  // a row that lost its trade identity undoes its own write (DeleteItem, UpdateItem).
  const storeRecords: Grant = {
    sid: 'StoreRecords',
    actions: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    resources: [t.tableArn],
  };
  return {
    'file-trigger': startFileRuns,
    'validate-file': [
      { sid: 'ReadIncomingFiles', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [incoming] },
      // Chunks, the chunk manifest and the rejects report; the last two are multipart uploads,
      // aborted when the run fails.
      {
        sid: 'WriteStagedAndRejects',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [staged, rejected],
      },
      { sid: 'TrackFileItem', actions: ['dynamodb:PutItem'], resources: [t.tableArn] },
    ],
    'store-chunk': [
      { sid: 'ReadStagedChunks', actions: ['s3:GetObject'], resources: [staged] },
      { sid: 'StageConflicts', actions: ['s3:PutObject'], resources: [staged] },
      storeRecords,
      // A chunk whose run was compensated while it wrote reads the file item and releases its records.
      { sid: 'ReadFileHolder', actions: ['dynamodb:GetItem'], resources: [t.tableArn] },
    ],
    'archive-file': [
      {
        sid: 'ReadIncomingFiles',
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
        resources: [incoming],
      },
      {
        sid: 'WriteArchive',
        actions: ['s3:PutObject', 's3:PutObjectTagging'],
        resources: [
          `${t.archiveBucketArn}/${ARCHIVE_PREFIX.originals}*`,
          `${t.archiveBucketArn}/${ARCHIVE_PREFIX.lineage}*`,
        ],
      },
    ],
    'compensate-file': [
      { sid: 'ReadStagedChunks', actions: ['s3:GetObject'], resources: [staged] },
      // Quarantine is a CopyObject of the original version, which copies its tags too.
      {
        sid: 'ReadIncomingFiles',
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
        resources: [incoming],
      },
      { sid: 'QuarantineFiles', actions: ['s3:PutObject', 's3:PutObjectTagging'], resources: [quarantine] },
      { sid: 'RemoveFileRecords', actions: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'], resources: [t.tableArn] },
    ],
    'notify-file': [
      // GetItem: whether this run's failure was announced already.
      { sid: 'CloseFileItem', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [t.tableArn] },
      // The StoreChunks results (Distributed Map ResultWriter) and the staged conflicts; store-time
      // conflicts are appended to the version's rejects report.
      { sid: 'ReadConflictsAndRejects', actions: ['s3:GetObject'], resources: [staged, rejected] },
      {
        sid: 'CompleteRejectsReport',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [rejected],
      },
      publishNotifications,
      putEvents,
    ],
    // Compensates and announces runs that ended outside their own Catch path (what compensate-file
    // and notify-file do), and sweeps the status index for files stuck PROCESSING.
    'file-watchdog': [
      {
        sid: 'DescribeFileRuns',
        actions: ['states:DescribeExecution'],
        resources: [t.executionsArn],
      },
      {
        sid: 'FindStuckFiles',
        actions: ['dynamodb:Query'],
        resources: [`${t.tableArn}/index/${TABLE.statusIndex.name}`],
      },
      {
        sid: 'CompensateFileRuns',
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [t.tableArn],
      },
      { sid: 'ReadStagedChunks', actions: ['s3:GetObject'], resources: [staged] },
      {
        sid: 'ReadIncomingFiles',
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
        resources: [incoming],
      },
      { sid: 'QuarantineFiles', actions: ['s3:PutObject', 's3:PutObjectTagging'], resources: [quarantine] },
      publishNotifications,
      putEvents,
    ],
    'api-ingest': [
      putEvents,
      // HeadObject of the file named in a file-processing request.
      { sid: 'CheckIncomingFiles', actions: ['s3:GetObject'], resources: [incoming] },
      // Binding an Idempotency-Key to its body (PutItem), and the file runs (GetItem, PutItem).
      ...startFileRuns,
    ],
    processor: [
      storeRecords,
      // MarketRecordRejected: a record that conflicts with a stored one.
      putEvents,
      {
        sid: 'ConsumeProcessingQueue',
        // What the Lambda SQS poller calls with the function's role (the code itself calls no SQS API).
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [t.processingQueueArn],
      },
    ],
    bars: [
      {
        sid: 'ReadTableStream',
        actions: ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream'],
        resources: [t.streamArn],
      },
      // ListStreams has no resource type in IAM: '*' is the only possible resource.
      { sid: 'ListTableStreams', actions: ['dynamodb:ListStreams'], resources: ['*'] },
      {
        sid: 'MaintainMinuteBars',
        actions: ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
        resources: [t.tableArn],
      },
      putEvents,
      { sid: 'SendStreamFailures', actions: ['sqs:SendMessage'], resources: [t.barsFailureQueueArn] },
    ],
    summary: [
      {
        sid: 'QueryMinuteBars',
        actions: ['dynamodb:Query'],
        resources: [
          `${t.tableArn}/index/${TABLE.timeSeriesIndex.name}`,
          `${t.tableArn}/index/${TABLE.statusIndex.name}`,
          t.tableArn,
        ],
      },
      {
        sid: 'TrackPublishedSummaries',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [t.tableArn],
      },
      publishNotifications,
      putEvents,
    ],
  };
}

/** Values of the environment variables in `ENV` (Terraform references or literals). */
export type EnvironmentValues = Readonly<Record<keyof typeof ENV, string>>;

/** Which variables of `ENV` each function reads (PIPELINE_REGION is set on every function). */
export const FUNCTION_ENVIRONMENT: Readonly<Record<FunctionName, readonly (keyof typeof ENV)[]>> = {
  'file-trigger': ['stateMachineArn', 'tableName'],
  // The workflow steps get the bucket in their input; only what is not in the input is set here.
  'validate-file': ['tableName', 'chunkSize'],
  'store-chunk': ['tableName'],
  'archive-file': ['archiveBucket'],
  'compensate-file': ['tableName'],
  'notify-file': ['tableName', 'notificationsTopicArn', 'eventBusName'],
  'file-watchdog': [
    'tableName',
    'stateMachineArn',
    'notificationsTopicArn',
    'eventBusName',
    'fileWorkflowTimeoutMinutes',
  ],
  'api-ingest': [
    'eventBusName',
    'ingestBucket',
    'stateMachineArn',
    'maxBodyBytes',
    'maxRecordsPerRequest',
    'tableName',
  ],
  processor: ['tableName', 'eventBusName'],
  bars: ['tableName', 'eventBusName', 'pipelineRegions'],
  summary: ['tableName', 'notificationsTopicArn', 'eventBusName'],
};

/** The environment variables of `name`: `{ TABLE_NAME: ..., ... }`. */
export function functionEnvironment(name: FunctionName, values: EnvironmentValues): Record<string, string> {
  return Object.fromEntries(FUNCTION_ENVIRONMENT[name].map((key) => [ENV[key], values[key]]));
}
