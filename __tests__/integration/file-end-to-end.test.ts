import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { KEY_PREFIX, WORKFLOW_STEPS } from '../../contract';
import { Testing } from 'cdktf';
import { FileWorkflow, FILE_WORKFLOW_STEP_FUNCTIONS, type FileWorkflowStep } from '../../modules/compute/file-workflow';
import type { FunctionHandle } from '../../modules/compute/function-handle';
import { functionArn } from '../../local/provision';
import { decodeJsonAttribute } from '../../security/hcl-expression';
import type { LocalPipeline } from '../../local/local-pipeline';
import {
  expectedBars,
  fileItem,
  generateTrades,
  listKeys,
  readText,
  storedRecords,
  tableBars,
  testPipeline,
  tradesCsv,
} from './harness';

describe('a file through the local pipeline, end to end', () => {
  let pipeline: LocalPipeline;
  const rows = generateTrades(60, { symbols: ['AAPL', 'NVDA', 'BRK.B'], minutes: 3, idPrefix: 'E2E' });
  const badLines = [
    'AAPL,2026-03-10T14:30:30.000Z,-1.00,100,BAD1',
    'MSFT,2026-03-10 14:31:00,415.00,100,BAD2',
    'nv da,2026-03-10T14:31:00.000Z,118.00,10,BAD3',
  ];

  beforeAll(async () => {
    pipeline = await testPipeline('e2e', { chunkSize: 25 });
    await pipeline.uploadFile('e2e trades.csv', tradesCsv(rows, badLines));
    await pipeline.drain();
  });

  it('runs the synthesized workflow to success, in the definition order', () => {
    expect(pipeline.workflows.finished).toHaveLength(1);
    const run = pipeline.workflows.finished[0];
    expect(run.status).toBe('SUCCEEDED');
    const top = run.trace.filter((e) => e.type === 'StateEntered' && !e.state.includes('/')).map((e) => e.state);
    expect(top).toEqual([
      WORKFLOW_STEPS.identifyRun,
      WORKFLOW_STEPS.validate,
      WORKFLOW_STEPS.process,
      WORKFLOW_STEPS.markCompleted,
      WORKFLOW_STEPS.notifySuccess,
      WORKFLOW_STEPS.done,
    ]);
    // 60 accepted rows in chunks of 25: three StoreChunk iterations inside the Map.
    expect(
      run.trace.filter((e) => e.type === 'StateEntered' && e.state.endsWith(`/${WORKFLOW_STEPS.storeChunk}`)),
    ).toHaveLength(3);
  });

  it('created the state machine in the emulator with the definition the stack synthesizes', async () => {
    const machine = await pipeline.clients.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: pipeline.resources.stateMachineArn }),
    );
    // The construct itself, synthesized for the same config with the emulator's function ARNs.
    const { config } = pipeline;
    const json = Testing.synthScope((scope) => {
      const steps = Object.fromEntries(
        Object.entries(FILE_WORKFLOW_STEP_FUNCTIONS).map(([step, fn]) => [
          step,
          {
            name: fn,
            functionName: pipeline.resources.spec.functionNames[fn],
            arn: functionArn('us-east-1', pipeline.resources.accountId, pipeline.resources.spec.functionNames[fn]),
            invokeArn: '',
            roleName: '',
            timeoutSeconds: config.functions[fn].timeoutSeconds,
            reservedConcurrency: config.functions[fn].reservedConcurrency,
            allow: () => undefined,
            setEnvironment: () => undefined,
          },
        ]),
      ) as unknown as Record<FileWorkflowStep, FunctionHandle>;
      new FileWorkflow(scope, 'FileWorkflow', { config, region: 'us-east-1', steps, ingestBucketArn: 'arn:ingest' });
    });
    const attribute = Object.values(
      (JSON.parse(json) as { resource: { aws_sfn_state_machine: Record<string, { definition: string }> } }).resource
        .aws_sfn_state_machine,
    )[0].definition;
    const synthesized = JSON.stringify(decodeJsonAttribute(attribute, 'FileWorkflow definition')).replace(
      /\$\{data\.aws_partition\.\w+\.partition\}/g,
      'aws',
    );
    expect(JSON.parse(machine.definition as string)).toEqual(JSON.parse(synthesized));
  });

  it('stores every accepted row as one record item', async () => {
    expect(await storedRecords(pipeline)).toBe(rows.length);
  });

  it('writes the rejects report with the line and reason of each bad row', async () => {
    const reports = await listKeys(pipeline, pipeline.resources.ingestBucket, KEY_PREFIX.rejected);
    expect(reports).toHaveLength(1);
    const lines = (await readText(pipeline, pipeline.resources.ingestBucket, reports[0]))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; reason: string });
    expect(lines.map((l) => [l.line, l.reason])).toEqual([
      [62, 'INVALID_PRICE'],
      [63, 'INVALID_TIMESTAMP'],
      [64, 'INVALID_SYMBOL'],
    ]);
  });

  it('computes exact minute bars equal to an independent computation', async () => {
    expect(await tableBars(pipeline)).toEqual(expectedBars(rows));
  });

  it('marks the file COMPLETED with its counts and archives the original', async () => {
    const run = pipeline.workflows.finished[0];
    const item = await fileItem(pipeline, run.name);
    expect(item).toMatchObject({ status: { S: 'COMPLETED' }, accepted: { N: '60' }, rejected: { N: '3' } });
    const archived = await listKeys(pipeline, pipeline.resources.archiveBucket, '');
    expect(archived.some((key) => key.startsWith('originals/') && key.includes('e2e trades.csv'))).toBe(true);
    expect(archived.some((key) => key.startsWith('lineage/'))).toBe(true);
  });

  it('ingests the shipped sample files with the rejects they are documented to carry', async () => {
    const sample = readFileSync(join(__dirname, '..', '..', 'samples', 'trades-2026-03-10.csv'));
    await pipeline.uploadFile('trades-2026-03-10.csv', sample);
    await pipeline.drain();
    const report = await pipeline.report();
    const file = report.files.find((f) => f.key === 'incoming/trades-2026-03-10.csv');
    expect(file).toEqual({
      key: 'incoming/trades-2026-03-10.csv',
      accepted: 90,
      rejected: 5,
      status: 'COMPLETED',
      reasons: { INVALID_PRICE: 1, INVALID_TIMESTAMP: 1, INVALID_SYMBOL: 1, INVALID_SIZE: 1, MISSING_FIELD: 1 },
    });
    expect(report.stored).toBe(rows.length + 90);
  });
});
