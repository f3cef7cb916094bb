/**
 * Drives file-workflow executions: the emulator records each StartExecution (and dedupes
 * names, as Step Functions does), and this runner interprets the state machine's definition for
 * every RUNNING execution, invoking the real step handlers. A finished execution is closed in
 * the emulator with StopExecution (moto's only way to close one), so a later StartExecution of
 * the same name fails with ExecutionAlreadyExists exactly as it would in AWS.
 *
 * An execution that ends unsuccessfully then produces Step Functions' status-change event, which
 * goes to the file-watchdog function when it matches the rule the stack deploys
 * (`endedRunPattern`), as EventBridge would deliver it.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  type SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { AslInterpreter, type ExecutionResult, type ObjectStorage, type TraceEvent } from './asl-interpreter';
import { EXECUTION_STATUS_CHANGE, type StoreChunkOutput, type ValidationOutput } from '../contract';
import { endedRunPattern } from '../modules/operations/file-run-watchdog';
import { matchesPattern } from './filter-pattern';
import type { LocalFunctions } from './lambda-runtime';
import type { ProvisionedPipeline } from './provision';

/** One finished execution. */
export interface FinishedExecution extends ExecutionResult {
  readonly name: string;
  readonly executionArn: string;
  readonly input: unknown;
}

/** Options of {@link WorkflowRunner}. */
export interface WorkflowRunnerOptions {
  readonly pipeline: ProvisionedPipeline;
  readonly sfn: SFNClient;
  /** The emulator's S3: where Distributed Map states read their items and write their results. */
  readonly s3: S3Client;
  readonly functions: LocalFunctions;
  /** Executions interpreted at once. Default 4. */
  readonly concurrency?: number;
  /** Scales the definition's retry delays (0 = immediate). Default 0. */
  readonly retryDelayScale?: number;
  readonly log?: (message: string) => void;
  readonly onEvent?: (execution: string, event: TraceEvent) => void;
}

/** What the runner has done so far (the local run prints it as progress). */
export interface WorkflowProgress {
  started: number;
  finished: number;
  /** Rows Validate read (accepted + rejected). */
  rowsRead: number;
  /** Chunks Validate staged, and how many of them StoreChunk stored (and how many records). */
  chunksStaged: number;
  chunksStored: number;
  recordsStored: number;
}

/** Interprets pending executions of the file workflow. */
export class WorkflowRunner {
  readonly progress: WorkflowProgress = {
    started: 0,
    finished: 0,
    rowsRead: 0,
    chunksStaged: 0,
    chunksStored: 0,
    recordsStored: 0,
  };
  /** Every execution this runner finished, in completion order. */
  readonly finished: FinishedExecution[] = [];
  /** What the watchdog did with each unsuccessful execution (tests read it). */
  readonly watchdogOutcomes: ({ readonly name: string; readonly action: string } & Record<string, unknown>)[] = [];
  private readonly interpreter: AslInterpreter;
  private readonly handled = new Set<string>();

  constructor(private readonly options: WorkflowRunnerOptions) {
    const { pipeline, functions } = options;
    this.interpreter = new AslInterpreter(pipeline.definition, {
      retryDelayScale: options.retryDelayScale ?? 0,
      storage: emulatorStorage(options.s3),
      invoke: async (resource, input) => {
        const fn = pipeline.taskFunctions[resource];
        if (!fn) throw new Error(`no local function serves task resource ${resource}`);
        const result = await functions.invoke(fn, input);
        this.count(fn, result);
        return result;
      },
    });
  }

  /** Runs every RUNNING execution not yet handled; resolves with how many ran. */
  async runPending(): Promise<number> {
    const { sfn, pipeline } = this.options;
    const pending: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: pipeline.stateMachineArn, statusFilter: 'RUNNING', nextToken }),
      );
      for (const execution of page.executions ?? []) {
        if (execution.executionArn && !this.handled.has(execution.executionArn)) pending.push(execution.executionArn);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    for (const arn of pending) this.handled.add(arn);

    const limit = this.options.concurrency ?? 4;
    let index = 0;
    const worker = async (): Promise<void> => {
      while (index < pending.length) await this.runOne(pending[index++]);
    };
    await Promise.all(Array.from({ length: Math.min(limit, pending.length) }, worker));
    return pending.length;
  }

  private count(fn: string, result: unknown): void {
    if (fn === 'validate-file') {
      const validation = result as ValidationOutput;
      this.progress.rowsRead += validation.accepted + validation.rejected;
      this.progress.chunksStaged += validation.chunks;
    } else if (fn === 'store-chunk') {
      this.progress.chunksStored++;
      this.progress.recordsStored += (result as StoreChunkOutput).stored;
    }
  }

  private async runOne(executionArn: string): Promise<void> {
    const { sfn, pipeline, log } = this.options;
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const name = described.name ?? executionArn.split(':').pop() ?? executionArn;
    const input = JSON.parse(described.input ?? '{}') as unknown;
    const key = (input as { key?: string }).key ?? name;
    log?.(`workflow ${key}: started (${name})`);
    this.progress.started++;
    const result = await this.interpreter.execute(input, {
      executionArn,
      name,
      stateMachineArn: pipeline.stateMachineArn,
    });
    for (const event of result.trace) this.options.onEvent?.(name, event);
    await sfn.send(new StopExecutionCommand({ executionArn, cause: `local run finished: ${result.status}` }));
    this.finished.push({ ...result, name, executionArn, input });
    this.progress.finished++;
    log?.(`workflow ${key}: ${result.status}${result.error ? ` (${result.error})` : ''}`);
    await this.deliverStatusChange(executionArn, name, described.input ?? '{}', result);
  }

  /** The status-change event of an ended execution, to the watchdog when the deployed rule matches it. */
  private async deliverStatusChange(
    executionArn: string,
    name: string,
    input: string,
    result: ExecutionResult,
  ): Promise<void> {
    const { pipeline, functions, log } = this.options;
    const event = {
      version: '0',
      id: `local-${name}`,
      'detail-type': EXECUTION_STATUS_CHANGE.detailType,
      source: EXECUTION_STATUS_CHANGE.source,
      account: pipeline.accountId,
      time: new Date().toISOString(),
      region: pipeline.spec.region,
      resources: [executionArn],
      detail: {
        executionArn,
        stateMachineArn: pipeline.stateMachineArn,
        name,
        status: result.status,
        input,
        error: result.error ?? null,
        cause: result.cause ?? null,
      },
    };
    if (!matchesPattern(endedRunPattern(pipeline.stateMachineArn), event)) return;
    const outcome = await functions.invoke<{ action: string }>('file-watchdog', event);
    log?.(`watchdog ${name}: ${outcome.action}`);
    this.watchdogOutcomes.push({ ...outcome, name });
  }
}

/** S3 of the emulator as the interpreter's ItemReader / ResultWriter storage. */
export function emulatorStorage(s3: S3Client): ObjectStorage {
  return {
    readObject: async (bucket, key, versionId) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      return (await object.Body?.transformToString('utf8')) ?? '';
    },
    writeObject: async (bucket, key, body) => {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          ContentLength: Buffer.byteLength(body, 'utf8'),
        }),
      );
    },
  };
}
