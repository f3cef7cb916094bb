import './support/env';
import { type AttributeValue, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CopyObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { CountingDynamoClient } from '../../bench/counting-client';
import { FILE_WORKFLOW_FAILED_ERROR, type FileWorkflowInput } from '../../contract';
import { handler, type WatchdogEvent } from '../../functions/file-watchdog';
import type { ExecutionStatusDetail } from '../../functions/file-watchdog/ended-run';
import { handler as notify } from '../../functions/notify-file';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import { claimFileRun, markFileCompleted, markFileFailed } from '../../functions/lib/store/file-store';
import { fileKey, recordKey } from '../../functions/lib/store/items';
import { storeRecords } from '../../functions/lib/store/record-store';
import { metrics } from '../../functions/lib/runtime/observability';
import { context, trade } from './support/records';
import { noSuchKey, s3Body } from './support/s3';
import { tableBehind } from './support/table';

const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const eb = mockClient(EventBridgeClient);
const sfn = mockClient(SFNClient);

const STATE_MACHINE = process.env.STATE_MACHINE_ARN!;
const TABLE = 'pipeline-test';
const RUN = 'day-csv-run';
const input: FileWorkflowInput = {
  bucket: 'ingest-test',
  key: 'incoming/day.csv',
  versionId: 'v1',
  processingType: 'standard',
  requestedAt: '2024-03-01T14:30:00.000Z',
};
const fileId = fileIdFor(input.bucket, input.key, input.versionId);
const source = { kind: 's3' as const, uri: 's3://ingest-test/incoming/day.csv', versionId: 'v1' };
const records = [
  trade({ recordId: 'r1', tradeId: 'r1', source: { ...source, line: 2 } }),
  trade({ recordId: 'r2', tradeId: 'r2', source: { ...source, line: 3 } }),
];
const fileRun = (runId: string) => ({ ...input, fileId, runId });
let table: CountingDynamoClient;

const statusChange = (detail: Partial<ExecutionStatusDetail>): WatchdogEvent => ({
  version: '0',
  id: 'e1',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '000000000000',
  time: '2024-03-01T18:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${RUN}`,
    stateMachineArn: STATE_MACHINE,
    name: RUN,
    status: 'TIMED_OUT',
    input: JSON.stringify(input),
    error: null,
    cause: null,
    ...detail,
  },
});
const fileItem = () => table.get(fileKey(fileId) as never);
const storedRecords = () => records.filter((r) => table.get(recordKey(r) as never) !== undefined).length;

beforeEach(async () => {
  for (const mock of [s3, sns, eb, sfn]) mock.reset();
  table = tableBehind(ddb);
  // The run claimed the file and stored its one chunk before it ended.
  await claimFileRun(TABLE, fileRun(RUN), 'us-east-1');
  await storeRecords(
    TABLE,
    records.map((record) => ({ record, runId: RUN })),
  );
  s3.on(GetObjectCommand).rejects(noSuchKey());
  s3.on(GetObjectCommand, { Key: `staged/${RUN}/manifest.jsonl` }).resolves({
    Body: s3Body(`${JSON.stringify({ key: `staged/${RUN}/00000.ndjson`, records: 2 })}\n`),
  });
  s3.on(GetObjectCommand, { Key: `staged/${RUN}/00000.ndjson` }).resolves({
    Body: s3Body(records.map((r) => JSON.stringify(r)).join('\n')),
  });
  s3.on(CopyObjectCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
});

describe('file-watchdog: runs that ended outside their own Catch path', () => {
  it('compensates a timed-out run through its manifest, quarantines it, marks it FAILED, announces once', async () => {
    const outcome = await handler(statusChange({ status: 'TIMED_OUT' }), context);
    expect(outcome).toMatchObject({
      action: 'recovered',
      fileId,
      compensation: {
        runId: RUN,
        deleted: 2,
        errorName: 'ExecutionTimedOut',
        quarantineKey: `quarantine/incoming/day.csv/${fileId}.csv`,
      },
      published: true,
    });
    expect(storedRecords()).toBe(0);
    expect(fileItem()).toMatchObject({ status: { S: 'FAILED' }, failureAnnouncedBy: { S: RUN } });
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!) as Record<string, unknown>;
    expect(message).toMatchObject({
      status: 'FAILED',
      error: { name: 'ExecutionTimedOut', message: 'The execution ended TIMED_OUT' },
    });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('names the error of a payload over the quota, which no Catch can see', async () => {
    const outcome = await handler(
      statusChange({
        status: 'FAILED',
        error: 'States.DataLimitExceeded',
        cause: "The state/task 'Validate' returned a result with a size exceeding the maximum number of bytes",
      }),
      context,
    );
    expect(outcome).toMatchObject({ action: 'recovered', compensation: { errorName: 'States.DataLimitExceeded' } });
    expect(fileItem()).toMatchObject({ status: { S: 'FAILED' }, errorName: { S: 'States.DataLimitExceeded' } });
  });

  it('reads the run input from Step Functions when the event could not carry it', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ input: JSON.stringify(input) });
    await expect(handler(statusChange({ status: 'ABORTED', input: null }), context)).resolves.toMatchObject({
      action: 'recovered',
      compensation: { errorName: 'ExecutionAborted' },
    });
  });

  it('leaves a run that failed through its own Catch path to the workflow (FileWorkflowFailed)', async () => {
    await expect(
      handler(statusChange({ status: 'FAILED', error: FILE_WORKFLOW_FAILED_ERROR }), context),
    ).resolves.toEqual({ action: 'handled-by-workflow' });
    expect(storedRecords()).toBe(2);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("ignores Distributed Map children and other machines' runs: a failed chunk fails its parent once", async () => {
    const child = statusChange({
      status: 'FAILED',
      executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}/StoreChunks:0f3c`,
      stateMachineArn: `${STATE_MACHINE}/StoreChunks`,
    });
    await expect(handler(child, context)).resolves.toEqual({ action: 'ignored', reason: 'child execution' });
    const other = statusChange({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:other' });
    await expect(handler(other, context)).resolves.toMatchObject({ action: 'ignored' });
    expect(storedRecords()).toBe(2);
  });

  it('never compensates a file this run had completed (only its success notification failed)', async () => {
    await markFileCompleted(TABLE, fileId, RUN, {}, 'us-east-1');
    await expect(handler(statusChange({ status: 'FAILED', error: 'EventPublishError' }), context)).resolves.toEqual({
      action: 'left-completed',
      fileId,
    });
    expect(storedRecords()).toBe(2);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('lets go of what it stored but leaves the file to another run that holds it now, announcing nothing', async () => {
    await markFileFailed(TABLE, fileId, RUN, 'States.Timeout', 'us-east-1');
    await claimFileRun(TABLE, fileRun('next-run'), 'us-east-1');
    await expect(handler(statusChange({ status: 'ABORTED' }), context)).resolves.toMatchObject({
      action: 'not-holder',
      compensation: { deleted: 2 },
    });
    expect(storedRecords()).toBe(0);
    expect(fileItem()).toMatchObject({ status: { S: 'PROCESSING' }, runId: { S: 'next-run' } });
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('file-watchdog and the workflow Notify step, in either order', () => {
  const failedRun = {
    ...input,
    run: { runId: RUN },
    status: 'FAILED' as const,
    error: { Error: 'InjectedStoreFailure' },
  };
  const afterNotifyFailure = statusChange({ status: 'ABORTED' });

  it.each([
    ['the workflow first, then the watchdog', ['workflow', 'watchdog']],
    ['the watchdog first, then the workflow', ['watchdog', 'workflow']],
  ])('%s: one FAILED mark and one notification', async (_order, order) => {
    for (const path of order) {
      if (path === 'workflow') await notify(failedRun, context);
      else await handler(afterNotifyFailure, context);
    }
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(fileItem()).toMatchObject({ status: { S: 'FAILED' }, failureAnnouncedBy: { S: RUN } });
  });

  it('announces a second run of the same file again (the guard is per run)', async () => {
    await notify(failedRun, context);
    await notify({ ...failedRun, run: { runId: 'day-csv-run-priority' } }, context);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });
});

describe('file-watchdog: the stuck-file sweep', () => {
  const sweep = (time: string): WatchdogEvent => ({
    version: '0',
    id: 's1',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time,
    region: 'us-east-1',
    resources: [],
    detail: {},
  });
  const item = (runId: string, requestedAt: string): Record<string, AttributeValue> => ({
    fileId: { S: fileId },
    status: { S: 'PROCESSING' },
    bucket: { S: input.bucket },
    key: { S: input.key },
    versionId: { S: input.versionId },
    processingType: { S: 'standard' },
    requestedAt: { S: requestedAt },
    runId: { S: runId },
  });

  beforeEach(() => {
    process.env.FILE_WORKFLOW_TIMEOUT_MINUTES = '180';
  });
  afterAll(() => delete process.env.FILE_WORKFLOW_TIMEOUT_MINUTES);

  it('counts files PROCESSING past the run timeout (plus a sweep) and recovers those whose run has ended', async () => {
    const added = jest.spyOn(metrics, 'addMetric');
    ddb.on(QueryCommand).resolves({
      Items: [item(RUN, '2024-03-01T10:00:00.000Z'), item('still-running', '2024-03-01T10:05:00.000Z')],
    });
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'RUNNING' })
      .on(DescribeExecutionCommand, {
        executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${RUN}`,
      })
      .resolves({ status: 'FAILED', input: JSON.stringify(input), error: 'States.Runtime', cause: 'lost event' });
    const report = await handler(sweep('2024-03-01T14:00:00Z'), context);
    expect(report).toEqual({ stuck: 2, recovered: 1 });
    const query = ddb.commandCalls(QueryCommand)[0].args[0].input;
    expect(query).toMatchObject({
      IndexName: 'status-index',
      ExpressionAttributeValues: {
        ':processing': { S: 'FILESTATUS#PROCESSING' },
        // 14:00 minus 180 minutes of run timeout minus a 15-minute sweep interval.
        ':before': { S: '2024-03-01T10:45:00.000Z' },
      },
    });
    expect(fileItem()).toMatchObject({ status: { S: 'FAILED' } });
    expect(added).toHaveBeenCalledWith('FilesStuckProcessing', 'Count', 2);
  });

  it('reports 0 when nothing is stuck, so the alarm sees data', async () => {
    const added = jest.spyOn(metrics, 'addMetric');
    ddb.on(QueryCommand).resolves({ Items: [] });
    await expect(handler(sweep('2024-03-01T14:00:00Z'), context)).resolves.toEqual({ stuck: 0, recovered: 0 });
    expect(added).toHaveBeenCalledWith('FilesStuckProcessing', 'Count', 0);
  });
});
