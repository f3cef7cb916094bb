import '../../support/env';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { CountingDynamoClient } from '../../../../bench/counting-client';
import type { FileWorkflowInput } from '../../../../contract';
import { CLAIM_GRACE_MS, startFileRun } from '../../../../functions/lib/aws/workflow-starter';
import { fileIdFor } from '../../../../functions/lib/store/file-ids';
import { claimFileRun } from '../../../../functions/lib/store/file-store';
import { fileKey } from '../../../../functions/lib/store/items';
import { tableBehind } from '../../support/table';

const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBClient);
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:file-workflow-test';
const target = { stateMachineArn: MACHINE, tableName: 'pipeline-test', region: 'us-east-1' };
const NOW = Date.parse('2024-03-01T15:00:00.000Z');
const input: FileWorkflowInput = {
  bucket: 'ingest-test',
  key: 'incoming/a.csv',
  versionId: 'v1',
  processingType: 'priority',
  requestedAt: new Date(NOW).toISOString(),
};
const fileId = fileIdFor('ingest-test', 'incoming/a.csv', 'v1');
const RUN = `${fileId}-priority`;
let table: CountingDynamoClient;

/** Execution `name` has `status` (no entry: it does not exist). */
function executions(statuses: Record<string, string>): void {
  sfn.on(DescribeExecutionCommand).callsFake((request: { executionArn: string }) => {
    const name = request.executionArn.split(':').pop() as string;
    if (!statuses[name]) throw Object.assign(new Error('no such execution'), { name: 'ExecutionDoesNotExist' });
    return { status: statuses[name] };
  });
}

async function heldBy(runId: string, requestedAt = new Date(NOW - 60_000).toISOString()): Promise<void> {
  await claimFileRun('pipeline-test', { ...input, fileId, runId, requestedAt }, 'us-east-1');
}

beforeEach(() => {
  table = tableBehind(ddb);
  sfn.reset();
  sfn
    .on(StartExecutionCommand)
    .callsFake((request: { name: string }) => ({ executionArn: `${MACHINE}:${request.name}` }));
  executions({});
});

const start = () => startFileRun({ ...target, now: () => NOW }, RUN, input);

describe('starting one run per object version at a time', () => {
  it('claims a version nobody holds for the run, then starts it', async () => {
    await expect(start()).resolves.toMatchObject({ kind: 'started' });
    expect(table.get(fileKey(fileId) as never)).toMatchObject({ runId: { S: RUN }, status: { S: 'PROCESSING' } });
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!)).toEqual(input);
  });

  it('recognises a run that exists already as a duplicate and claims nothing', async () => {
    executions({ [RUN]: 'SUCCEEDED' });
    await expect(start()).resolves.toEqual({
      kind: 'duplicate',
      executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:${RUN}`,
    });
    expect(table.get(fileKey(fileId) as never)).toBeUndefined();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('refuses while another run of the version is running, naming it', async () => {
    await heldBy(fileId);
    executions({ [fileId]: 'RUNNING' });
    await expect(start()).resolves.toMatchObject({ kind: 'inProgress', runId: fileId });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(table.get(fileKey(fileId) as never)).toMatchObject({ runId: { S: fileId } });
  });

  it('refuses while another run was claimed moments ago and has not started yet', async () => {
    await heldBy(fileId, new Date(NOW - CLAIM_GRACE_MS + 1000).toISOString());
    await expect(start()).resolves.toMatchObject({ kind: 'inProgress', runId: fileId });
  });

  it('replaces a holder that is no longer running, and lets Validate take the version over from it', async () => {
    await heldBy(fileId);
    executions({ [fileId]: 'ABORTED' });
    await expect(start()).resolves.toMatchObject({ kind: 'started' });
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!)).toEqual({
      ...input,
      supersedes: fileId,
    });
    expect(table.get(fileKey(fileId) as never)).toMatchObject({ runId: { S: RUN } });
  });

  it('replaces a claim whose run never started within the grace period', async () => {
    await heldBy(fileId, new Date(NOW - CLAIM_GRACE_MS - 1000).toISOString());
    await expect(start()).resolves.toMatchObject({ kind: 'started' });
  });

  it('starts a new run after the version finished', async () => {
    await heldBy(fileId);
    await table.send(
      new UpdateItemCommand({
        TableName: 'pipeline-test',
        Key: { ...fileKey(fileId) },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'COMPLETED' } },
      }),
    );
    executions({ [fileId]: 'SUCCEEDED' });
    await expect(start()).resolves.toMatchObject({ kind: 'started' });
  });
});
