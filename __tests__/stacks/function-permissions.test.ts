import { FUNCTION_NAMES } from '../../contract';
import {
  FUNCTION_ENVIRONMENT,
  functionEnvironment,
  functionGrants,
  type GrantTargets,
} from '../../stacks/function-permissions';
import { isUnscopedAction } from '../../modules/iam/unscoped-actions';

const targets: GrantTargets = {
  tableArn: 'arn:table',
  streamArn: 'arn:stream',
  ingestBucketArn: 'arn:ingest',
  archiveBucketArn: 'arn:archive',
  stateMachineArn: 'arn:sm',
  executionsArn: 'arn:sm-executions:*',
  notificationsTopicArn: 'arn:notifications',
  eventBusArn: 'arn:bus',
  processingQueueArn: 'arn:queue',
  barsFailureQueueArn: 'arn:bars-failures',
};
const grants = functionGrants(targets);
const actionsOf = (name: keyof typeof grants): string[] => grants[name].flatMap((g) => g.actions).sort();

describe('function permissions', () => {
  it('lists grants for every deployed function', () => {
    expect(Object.keys(grants).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it('no wildcard actions, and "*" resources only where IAM has no resource type', () => {
    for (const list of Object.values(grants)) {
      for (const grant of list) {
        for (const action of grant.actions) expect(action).not.toContain('*');
        if (grant.resources.includes('*'))
          for (const action of grant.actions) expect(isUnscopedAction(action)).toBe(true);
      }
    }
  });

  it('scopes S3 access to the key prefixes each step uses', () => {
    expect(grants['validate-file']).toContainEqual({
      sid: 'ReadIncomingFiles',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: ['arn:ingest/incoming/*'],
    });
    expect(grants['validate-file']).toContainEqual({
      sid: 'WriteStagedAndRejects',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: ['arn:ingest/staged/*', 'arn:ingest/rejected/*'],
    });
    expect(grants['notify-file']).toContainEqual({
      sid: 'ReadConflictsAndRejects',
      actions: ['s3:GetObject'],
      resources: ['arn:ingest/staged/*', 'arn:ingest/rejected/*'],
    });
    expect(grants['notify-file']).toContainEqual({
      sid: 'CompleteRejectsReport',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: ['arn:ingest/rejected/*'],
    });
    expect(grants['compensate-file']).toContainEqual({
      sid: 'QuarantineFiles',
      actions: ['s3:PutObject', 's3:PutObjectTagging'],
      resources: ['arn:ingest/quarantine/*'],
    });
    expect(grants['archive-file'].find((g) => g.sid === 'WriteArchive')?.resources).toEqual([
      'arn:archive/originals/*',
      'arn:archive/lineage/*',
    ]);
  });

  it('gives each function only the table actions its code calls', () => {
    expect(actionsOf('store-chunk')).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      's3:GetObject',
      's3:PutObject',
    ]);
    expect(actionsOf('processor')).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'events:PutEvents',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    expect(actionsOf('validate-file')).toEqual([
      'dynamodb:PutItem',
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:GetObjectVersion',
      's3:PutObject',
    ]);
    expect(actionsOf('file-trigger')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'states:DescribeExecution',
      'states:StartExecution',
    ]);
    expect(grants['file-trigger'].find((g) => g.sid === 'ReadFileRuns')?.resources).toEqual(['arn:sm-executions:*']);
    // Partial bars by time, bar changes by the status index, publications by their partition.
    expect(grants.summary.find((g) => g.sid === 'QueryMinuteBars')?.resources).toEqual([
      'arn:table/index/timeseries-index',
      'arn:table/index/status-index',
      'arn:table',
    ]);
  });

  it('lets bars read only its own region stream and send failures to its queue', () => {
    expect(grants.bars).toContainEqual({
      sid: 'ReadTableStream',
      actions: ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream'],
      resources: ['arn:stream'],
    });
    expect(grants.bars).toContainEqual({
      sid: 'SendStreamFailures',
      actions: ['sqs:SendMessage'],
      resources: ['arn:bars-failures'],
    });
  });

  it('sets only the environment variables each function reads', () => {
    const values = {
      tableName: 't',
      eventBusName: 'b',
      ingestBucket: 'i',
      archiveBucket: 'a',
      stateMachineArn: 's',
      notificationsTopicArn: 'n',
      pipelineRegion: 'r',
      pipelineRegions: 'r,q',
      maxBodyBytes: '1024',
      maxRecordsPerRequest: '50',
      chunkSize: '500',
      fileWorkflowTimeoutMinutes: '180',
    };
    expect(functionEnvironment('processor', values)).toEqual({ TABLE_NAME: 't', EVENT_BUS_NAME: 'b' });
    expect(functionEnvironment('api-ingest', values)).toEqual({
      EVENT_BUS_NAME: 'b',
      INGEST_BUCKET: 'i',
      STATE_MACHINE_ARN: 's',
      MAX_BODY_BYTES: '1024',
      MAX_RECORDS_PER_REQUEST: '50',
      TABLE_NAME: 't',
    });
    expect(functionEnvironment('validate-file', values)).toEqual({ TABLE_NAME: 't', CHUNK_SIZE: '500' });
    expect(functionEnvironment('bars', values)).toEqual({
      TABLE_NAME: 't',
      EVENT_BUS_NAME: 'b',
      PIPELINE_REGIONS: 'r,q',
    });
    expect(functionEnvironment('file-watchdog', values)).toEqual({
      TABLE_NAME: 't',
      STATE_MACHINE_ARN: 's',
      NOTIFICATIONS_TOPIC_ARN: 'n',
      EVENT_BUS_NAME: 'b',
      FILE_WORKFLOW_TIMEOUT_MINUTES: '180',
    });
    expect(Object.keys(FUNCTION_ENVIRONMENT).sort()).toEqual([...FUNCTION_NAMES].sort());
  });
});
