/**
 * Drives file-workflow executions: the emulator records each StartExecution (and dedupes
 * names, as Step Functions does), and this runner interprets the state machine's definition for
 * every RUNNING execution, invoking the real step handlers. A finished execution is closed in
 * the emulator with StopExecution (moto's only way to close one), so a later StartExecution of
 * the same name fails with ExecutionAlreadyExists exactly as it would in AWS.
 */
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  type SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { AslInterpreter, type ExecutionResult, type TraceEvent } from './asl-interpreter';
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
  readonly functions: LocalFunctions;
  /** Executions interpreted at once. Default 4. */
  readonly concurrency?: number;
  /** Scales the definition's retry delays (0 = immediate). Default 0. */
  readonly retryDelayScale?: number;
  readonly log?: (message: string) => void;
  readonly onEvent?: (execution: string, event: TraceEvent) => void;
}

/** Interprets pending executions of the file workflow. */
export class WorkflowRunner {
  /** Every execution this runner finished, in completion order. */
  readonly finished: FinishedExecution[] = [];
  private readonly interpreter: AslInterpreter;
  private readonly handled = new Set<string>();

  constructor(private readonly options: WorkflowRunnerOptions) {
    const { pipeline, functions } = options;
    this.interpreter = new AslInterpreter(pipeline.definition, {
      retryDelayScale: options.retryDelayScale ?? 0,
      invoke: async (resource, input) => {
        const fn = pipeline.taskFunctions[resource];
        if (!fn) throw new Error(`no local function serves task resource ${resource}`);
        return functions.invoke(fn, input);
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

  private async runOne(executionArn: string): Promise<void> {
    const { sfn, pipeline, log } = this.options;
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const name = described.name ?? executionArn.split(':').pop() ?? executionArn;
    const input = JSON.parse(described.input ?? '{}') as unknown;
    const key = (input as { key?: string }).key ?? name;
    log?.(`workflow ${key}: started (${name})`);
    const result = await this.interpreter.execute(input, {
      executionArn,
      name,
      stateMachineArn: pipeline.stateMachineArn,
    });
    for (const event of result.trace) this.options.onEvent?.(name, event);
    await sfn.send(new StopExecutionCommand({ executionArn, cause: `local run finished: ${result.status}` }));
    this.finished.push({ ...result, name, executionArn, input });
    log?.(`workflow ${key}: ${result.status}${result.error ? ` (${result.error})` : ''}`);
  }
}
