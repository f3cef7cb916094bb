/**
 * Runs an Amazon States Language definition locally: the emulator records executions but
 * cannot invoke Lambda tasks, so the local run interprets the very definition the stack
 * synthesizes. Supported: Task (Retry, Catch, TimeoutSeconds, Parameters, ResultSelector),
 * Parallel, Map (ItemsPath, ItemSelector, MaxConcurrency) inline and DISTRIBUTED (ItemReader over
 * a JSON / JSON Lines object, Label, ToleratedFailurePercentage/Count, ResultWriter with
 * WriterConfig; each item a child execution), Pass (Result, Parameters), Succeed, Fail;
 * InputPath/OutputPath/ResultPath everywhere they apply; the `$$` context object.
 *
 * Semantics follow the ASL spec and Step Functions' quotas: retriers are tried in order and count
 * attempts separately; `States.ALL` matches every error but the terminal `States.DataLimitExceeded`
 * and `States.Runtime`, `States.TaskFailed` every error but `States.Timeout`; a failing Parallel
 * branch or inline Map iteration fails the whole state with that error; a state's input, output or
 * task result over 256 KiB fails the execution with `States.DataLimitExceeded`, as in AWS.
 */
import { randomUUID } from 'node:crypto';
import { readPath, resolveTemplate, writePath } from './json-path';

/** Step Functions' quota on a state's input, output and task result: 256 KiB of UTF-8 JSON. */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** Errors `States.ALL` does not match (ASL: terminal and runtime errors cannot be caught by the wildcard). */
const UNCATCHABLE_BY_WILDCARD = new Set(['States.DataLimitExceeded', 'States.Runtime']);

/** Where a Distributed Map reads its items (ItemReader) and writes its results (ResultWriter). */
export interface ObjectStorage {
  /** The object's text. Throws when it does not exist. */
  readObject(bucket: string, key: string, versionId?: string): Promise<string>;
  writeObject(bucket: string, key: string, body: string): Promise<void>;
}

/** What a Task's resource does when invoked: resolves with the result or throws. */
export type TaskInvoker = (resource: string, input: unknown, meta: TaskMeta) => Promise<unknown>;

/** Facts about one Task invocation handed to the invoker. */
export interface TaskMeta {
  /** Name of the Task state. */
  readonly state: string;
  /** 0 for the first attempt, then 1, 2, ... */
  readonly retryCount: number;
  /** Name of the execution. */
  readonly execution: string;
}

/** An error as Step Functions sees it: `Error` is the error name, `Cause` the details. */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly cause?: string,
  ) {
    super(cause ? `${error}: ${cause}` : error);
    this.name = error;
  }
}

/** One entry of the execution trace, in the order things happened. */
export interface TraceEvent {
  readonly type: 'StateEntered' | 'StateExited' | 'TaskRetry' | 'ErrorCaught' | 'StateFailed';
  /** State name, prefixed by its enclosing states (`StoreAndArchive/StoreChunks/StoreChunk`). */
  readonly state: string;
  readonly error?: string;
  readonly attempt?: number;
}

/** How the interpreter waits and invokes. */
export interface InterpreterOptions {
  readonly invoke: TaskInvoker;
  /**
   * Multiplies every retry delay (the definition says seconds; a local run cannot wait minutes).
   * Default 0: retry immediately. 1 waits as AWS would.
   */
  readonly retryDelayScale?: number;
  /** Random source for `JitterStrategy: FULL` (tests pin it). Default Math.random. */
  readonly random?: () => number;
  /** Called after each trace event (progress logs). */
  readonly onEvent?: (event: TraceEvent) => void;
  /** S3 for Distributed Map ItemReader / ResultWriter. Without it such a Map fails with States.Runtime. */
  readonly storage?: ObjectStorage;
  /** Payload quota in bytes. Default {@link PAYLOAD_LIMIT_BYTES}. */
  readonly payloadLimitBytes?: number;
}

/** The outcome of one execution. */
export interface ExecutionResult {
  /** TIMED_OUT: the definition's `TimeoutSeconds` passed (its in-flight tasks still finish, as in AWS). */
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly trace: readonly TraceEvent[];
  /** Largest state input/output of this execution in bytes (child executions are their own). */
  readonly largestPayloadBytes: number;
}

/** Loose shape of a state: the interpreter reads fields by name and rejects what it does not know. */
interface State {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
  readonly ResultPath?: string | null;
  readonly Parameters?: unknown;
  readonly ResultSelector?: unknown;
  readonly Result?: unknown;
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
  readonly Branches?: readonly Graph[];
  readonly ItemsPath?: string;
  readonly ItemSelector?: unknown;
  readonly ItemProcessor?: Graph & { readonly ProcessorConfig?: { readonly Mode?: string } };
  readonly Iterator?: Graph;
  readonly MaxConcurrency?: number;
  readonly ItemReader?: ItemReaderConfig;
  readonly ResultWriter?: ResultWriterConfig;
  readonly Label?: string;
  readonly ToleratedFailurePercentage?: number;
  readonly ToleratedFailureCount?: number;
  readonly Error?: string;
  readonly Cause?: string;
}
interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}
interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}
/** One finished child execution of a Distributed Map. */
interface ChildOutcome {
  readonly input: unknown;
  readonly result: ExecutionResult;
  readonly name: string;
  readonly executionArn: string;
}
interface ItemReaderConfig {
  readonly Resource: string;
  readonly ReaderConfig?: { readonly InputType?: string; readonly MaxItems?: number };
  readonly Parameters?: unknown;
}
interface ResultWriterConfig {
  readonly Resource?: string;
  readonly Parameters?: unknown;
  readonly WriterConfig?: { readonly Transformation?: string; readonly OutputType?: string };
}
/** A state graph: a definition, a Parallel branch or a Map item processor. */
export interface Graph {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, unknown>>;
}

/** Context object (`$$`) of an execution. */
interface ContextObject {
  readonly Execution: {
    readonly Id: string;
    readonly Name: string;
    readonly Input: unknown;
    readonly StartTime: string;
  };
  readonly StateMachine: { readonly Id: string; readonly Name: string };
  readonly State?: { readonly Name: string; readonly EnteredTime: string; readonly RetryCount: number };
  readonly Map?: { readonly Item: { readonly Index: number; readonly Value: unknown } };
}

/** Identifies the execution being interpreted (what `$$.Execution` and `$$.StateMachine` report). */
export interface ExecutionIdentity {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
}

/** Does an error name match a retrier/catcher's ErrorEquals list? */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  return errorEquals.some(
    (candidate) =>
      candidate === error ||
      (candidate === 'States.ALL' && !UNCATCHABLE_BY_WILDCARD.has(error)) ||
      (candidate === 'States.TaskFailed' && error !== 'States.Timeout' && !UNCATCHABLE_BY_WILDCARD.has(error)),
  );
}

/**
 * One execution's bookkeeping: the payload quota (tracking the largest payload), and whether the
 * execution was stopped (timed out, or its Distributed Map parent stopped): a stopped execution
 * enters no further state, while tasks already invoked run to their end, as in AWS.
 */
class ExecutionScope {
  largest = 0;
  private stoppedBy: string | undefined;
  constructor(
    private readonly limit: number,
    private readonly parent?: ExecutionScope,
  ) {}

  /** Stops the execution: the next state it would enter fails with `error`. */
  stop(error: string): void {
    this.stoppedBy ??= error;
  }

  /** @throws StatesError when this execution (or its parent) was stopped. */
  checkRunning(): void {
    const stoppedBy = this.stoppedReason();
    if (stoppedBy) throw new StatesError(stoppedBy, 'The execution was stopped');
  }

  /** Why this execution (or its parent) was stopped; undefined while it runs. */
  stoppedReason(): string | undefined {
    return this.stoppedBy ?? this.parent?.stoppedReason();
  }

  /** The scope of a child execution, stopped when this one is. */
  child(): ExecutionScope {
    return new ExecutionScope(this.limit, this);
  }

  /** @throws StatesError States.DataLimitExceeded when `value` is over the quota. */
  check(what: string, value: unknown): void {
    if (value === undefined) return;
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > this.largest) this.largest = bytes;
    if (bytes > this.limit)
      throw new StatesError(
        'States.DataLimitExceeded',
        `The state/task '${what}' returned a result with a size exceeding the maximum number of bytes ` +
          `service limit (${bytes} > ${this.limit}).`,
      );
  }
}

/** Turns anything a handler throws into `{ Error, Cause }` as the Lambda integration reports it. */
export function toStatesError(thrown: unknown): StatesError {
  if (thrown instanceof StatesError) return thrown;
  if (thrown instanceof Error) {
    const errorType = thrown.name || 'Error';
    return new StatesError(errorType, JSON.stringify({ errorType, errorMessage: thrown.message }));
  }
  return new StatesError('Error', JSON.stringify({ errorType: 'Error', errorMessage: String(thrown) }));
}

/** Interprets one state machine definition. */
export class AslInterpreter {
  private readonly retryDelayScale: number;
  private readonly random: () => number;

  constructor(
    private readonly definition: Graph,
    private readonly options: InterpreterOptions,
  ) {
    this.retryDelayScale = options.retryDelayScale ?? 0;
    this.random = options.random ?? Math.random;
  }

  /** Runs an execution to completion; never throws for a failed run (the result says FAILED). */
  async execute(input: unknown, identity: ExecutionIdentity): Promise<ExecutionResult> {
    const trace: TraceEvent[] = [];
    const scope = new ExecutionScope(this.options.payloadLimitBytes ?? PAYLOAD_LIMIT_BYTES);
    const run = this.executeGraph(this.definition, input, identity, '', trace, scope);
    const limit = (this.definition as { TimeoutSeconds?: number }).TimeoutSeconds;
    if (!limit) return run;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<ExecutionResult>((resolve) => {
      timer = setTimeout(() => {
        scope.stop('States.Timeout');
        resolve({
          status: 'TIMED_OUT',
          error: 'States.Timeout',
          cause: `The execution ran longer than its TimeoutSeconds (${limit} s)`,
          trace,
          largestPayloadBytes: scope.largest,
        });
      }, limit * 1000);
    });
    try {
      return await Promise.race([run, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One execution (top level or a Distributed Map child) of `graph`, with its own context and payload meter. */
  private async executeGraph(
    graph: Graph,
    input: unknown,
    identity: ExecutionIdentity,
    prefix: string,
    trace: TraceEvent[],
    meter: ExecutionScope,
  ): Promise<ExecutionResult> {
    const context: ContextObject = {
      Execution: { Id: identity.executionArn, Name: identity.name, Input: input, StartTime: new Date().toISOString() },
      StateMachine: { Id: identity.stateMachineArn, Name: identity.stateMachineArn.split(':').pop() ?? '' },
    };
    try {
      meter.check('execution input', input);
      const output = await this.runGraph(graph, input, context, prefix, trace, meter);
      return { status: 'SUCCEEDED', output, trace, largestPayloadBytes: meter.largest };
    } catch (thrown) {
      const error = toStatesError(thrown);
      return { status: 'FAILED', error: error.error, cause: error.cause, trace, largestPayloadBytes: meter.largest };
    }
  }

  private record(trace: TraceEvent[], event: TraceEvent): void {
    trace.push(event);
    this.options.onEvent?.(event);
  }

  /** Runs a graph from StartAt to a terminal state; throws StatesError when it fails. */
  private async runGraph(
    graph: Graph,
    input: unknown,
    context: ContextObject,
    prefix: string,
    trace: TraceEvent[],
    meter: ExecutionScope,
  ): Promise<unknown> {
    let name = graph.StartAt;
    let document = input;
    for (;;) {
      meter.checkRunning();
      const state = graph.States[name] as State | undefined;
      if (!state) throw new StatesError('States.Runtime', `state ${JSON.stringify(name)} is not defined`);
      const qualified = `${prefix}${name}`;
      this.record(trace, { type: 'StateEntered', state: qualified });
      const stateContext: ContextObject = {
        ...context,
        State: { Name: name, EnteredTime: new Date().toISOString(), RetryCount: 0 },
      };
      let outcome: { output: unknown; next?: string };
      try {
        outcome = await this.runState(name, state, document, stateContext, `${qualified}/`, trace, meter);
        meter.check(name, outcome.output);
      } catch (thrown) {
        const error = toStatesError(thrown);
        const catcher = state.Catch?.find((c) => errorMatches(c.ErrorEquals, error.error));
        if (!catcher) {
          this.record(trace, { type: 'StateFailed', state: qualified, error: error.error });
          throw error;
        }
        this.record(trace, { type: 'ErrorCaught', state: qualified, error: error.error });
        const errorOutput = { Error: error.error, Cause: error.cause ?? '' };
        document = applyResultPath(catcher.ResultPath, document, errorOutput);
        meter.check(name, document);
        name = catcher.Next;
        continue;
      }
      this.record(trace, { type: 'StateExited', state: qualified });
      if (outcome.next === undefined) return outcome.output;
      document = outcome.output;
      name = outcome.next;
    }
  }

  /** Runs one state; returns its output and the next state (undefined when the graph ends). */
  private async runState(
    name: string,
    state: State,
    rawInput: unknown,
    context: ContextObject,
    childPrefix: string,
    trace: TraceEvent[],
    meter: ExecutionScope,
  ): Promise<{ output: unknown; next?: string }> {
    const next = state.End ? undefined : state.Next;
    if (state.Type === 'Succeed')
      return { output: filterPath(state.OutputPath, filterPath(state.InputPath, rawInput, context), context) };
    if (state.Type === 'Fail') throw new StatesError(state.Error ?? 'States.Fail', state.Cause);
    if (!state.End && state.Next === undefined)
      throw new StatesError('States.Runtime', `state ${name} has neither Next nor End`);

    const effectiveInput = filterPath(state.InputPath, rawInput, context);
    let result: unknown;
    switch (state.Type) {
      case 'Pass':
        result =
          state.Result !== undefined
            ? state.Result
            : state.Parameters !== undefined
              ? resolveTemplate(state.Parameters, effectiveInput, context)
              : effectiveInput;
        break;
      case 'Task':
        result = await this.withRetries(state, trace, childPrefix.slice(0, -1), (retryCount) =>
          this.runTask(name, state, effectiveInput, context, retryCount),
        );
        meter.check(name, result);
        break;
      case 'Parallel':
        result = await this.withRetries(state, trace, childPrefix.slice(0, -1), () =>
          this.runParallel(state, parametersOf(state, effectiveInput, context), context, childPrefix, trace, meter),
        );
        break;
      case 'Map':
        result = await this.withRetries(state, trace, childPrefix.slice(0, -1), () =>
          isDistributed(state)
            ? this.runDistributedMap(name, state, effectiveInput, context, childPrefix, trace, meter)
            : this.runMap(state, effectiveInput, context, childPrefix, trace, meter),
        );
        // The Map's whole result counts against the quota before ResultPath can drop it (as in AWS).
        meter.check(name, result);
        break;
      default:
        throw new StatesError(
          'States.Runtime',
          `state type ${state.Type} (state ${name}) is not supported by the local interpreter`,
        );
    }
    if (state.ResultSelector !== undefined) result = resolveTemplate(state.ResultSelector, result, context);
    const output = filterPath(state.OutputPath, applyResultPath(state.ResultPath, rawInput, result), context);
    return { output, next };
  }

  private async runTask(
    name: string,
    state: State,
    input: unknown,
    context: ContextObject,
    retryCount: number,
  ): Promise<unknown> {
    if (!state.Resource) throw new StatesError('States.Runtime', `Task ${name} has no Resource`);
    const taskContext: ContextObject = {
      ...context,
      State: { ...(context.State as NonNullable<ContextObject['State']>), RetryCount: retryCount },
    };
    const payload = parametersOf(state, input, taskContext);
    const call = this.options.invoke(state.Resource, payload, {
      state: name,
      retryCount,
      execution: context.Execution.Name,
    });
    if (!state.TimeoutSeconds) return call;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StatesError('States.Timeout', `Task ${name} timed out after ${state.TimeoutSeconds} s`)),
        (state.TimeoutSeconds as number) * 1000,
      );
    });
    try {
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async runParallel(
    state: State,
    input: unknown,
    context: ContextObject,
    prefix: string,
    trace: TraceEvent[],
    meter: ExecutionScope,
  ): Promise<unknown[]> {
    const branches = state.Branches ?? [];
    let firstFailure: unknown;
    // Every branch runs to its end before the state fails: AWS stops the others, but their
    // in-flight invocations still finish, and compensation must not race those writes locally.
    const settled = await Promise.all(
      branches.map((branch, index) =>
        this.runGraph(branch, input, context, `${prefix}${index}:`, trace, meter).catch((thrown: unknown) => {
          firstFailure ??= thrown;
          return undefined;
        }),
      ),
    );
    if (firstFailure !== undefined) throw toStatesError(firstFailure);
    return settled;
  }

  /** Inline Map: every iteration within this execution; the first failure fails the state. */
  private async runMap(
    state: State,
    input: unknown,
    context: ContextObject,
    prefix: string,
    trace: TraceEvent[],
    meter: ExecutionScope,
  ): Promise<unknown[]> {
    const items = readPath(state.ItemsPath ?? '$', input, context);
    if (!Array.isArray(items))
      throw new StatesError('States.Runtime', `ItemsPath ${state.ItemsPath ?? '$'} is not an array`);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (!processor) throw new StatesError('States.Runtime', 'Map state has no ItemProcessor');
    const limit = state.MaxConcurrency && state.MaxConcurrency > 0 ? state.MaxConcurrency : items.length || 1;
    const results: unknown[] = new Array(items.length);
    let nextIndex = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      // Once an iteration failed no new one starts; those in flight finish (see runParallel).
      while (failure === undefined && nextIndex < items.length) {
        const index = nextIndex++;
        const itemContext: ContextObject = { ...context, Map: { Item: { Index: index, Value: items[index] } } };
        const itemInput = selectItem(state, input, context, index, items[index]);
        try {
          results[index] = await this.runGraph(processor, itemInput, itemContext, prefix, trace, meter);
        } catch (thrown) {
          failure ??= thrown;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, Math.max(items.length, 1)) }, worker));
    if (failure !== undefined) throw toStatesError(failure);
    return results;
  }

  /**
   * Distributed Map: items from the ItemReader (or ItemsPath), each run as a child execution with
   * its own context and payload quota, at most MaxConcurrency at once. More failed items than
   * ToleratedFailureCount/Percentage allow fail the state with States.ExceedToleratedFailureThreshold
   * (no new child starts; those running finish). With a ResultWriter the child outputs go to S3 and
   * the state's result is only where they are.
   */
  private async runDistributedMap(
    name: string,
    state: State,
    input: unknown,
    context: ContextObject,
    prefix: string,
    trace: TraceEvent[],
    scope: ExecutionScope,
  ): Promise<unknown> {
    const processor = state.ItemProcessor;
    if (!processor) throw new StatesError('States.Runtime', `Map state ${name} has no ItemProcessor`);
    const items = state.ItemReader
      ? await this.readItems(name, state.ItemReader, input, context)
      : readPath(state.ItemsPath ?? '$', input, context);
    if (!Array.isArray(items))
      throw new StatesError('States.Runtime', `ItemsPath ${state.ItemsPath ?? '$'} is not an array`);

    const label = state.Label ?? name;
    const mapRunId = randomUUID();
    const smArn = context.StateMachine.Id;
    const mapRunArn = `${smArn.replace(':stateMachine:', ':mapRun:')}/${label}:${mapRunId}`;
    const limit = state.MaxConcurrency && state.MaxConcurrency > 0 ? state.MaxConcurrency : 10_000;
    const toleratedCount = state.ToleratedFailureCount;
    const toleratedPercentage = state.ToleratedFailurePercentage;
    const exceeded = (failed: number, total: number): boolean =>
      (toleratedCount !== undefined && failed > toleratedCount) ||
      (toleratedPercentage !== undefined && (failed * 100) / Math.max(total, 1) > toleratedPercentage) ||
      (toleratedCount === undefined && toleratedPercentage === undefined && failed > 0);

    const outcomes = new Array<ChildOutcome>(items.length);
    let nextIndex = 0;
    let failed = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop && !scope.stoppedReason() && nextIndex < items.length) {
        const index = nextIndex++;
        const childName = randomUUID();
        const itemInput = selectItem(state, input, context, index, items[index]);
        const executionArn = `${smArn.replace(':stateMachine:', ':execution:')}/${label}:${childName}`;
        const result = await this.executeGraph(
          processor,
          itemInput,
          { executionArn, name: childName, stateMachineArn: `${smArn}/${label}` },
          prefix,
          trace,
          scope.child(),
        );
        outcomes[index] = { input: itemInput, result, name: childName, executionArn };
        if (result.status !== 'SUCCEEDED') {
          failed++;
          // Without a count, a percentage can only be judged against every item; 0% is any failure.
          if (exceeded(failed, toleratedPercentage ? items.length : 1)) stop = true;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, Math.max(items.length, 1)) }, worker));
    scope.checkRunning();
    if (stop || exceeded(failed, items.length)) {
      throw new StatesError(
        'States.ExceedToleratedFailureThreshold',
        'The specified tolerated failure threshold was exceeded',
      );
    }
    const succeeded = outcomes.filter((o) => o?.result.status === 'SUCCEEDED');
    if (!state.ResultWriter?.Resource) return outcomes.map((o) => o.result.output);
    return this.writeResults(name, state.ResultWriter, input, context, mapRunArn, mapRunId, succeeded);
  }

  /** Items of a Distributed Map from S3 (JSON array or JSON Lines object). */
  private async readItems(
    name: string,
    reader: ItemReaderConfig,
    input: unknown,
    context: ContextObject,
  ): Promise<unknown[]> {
    if (!reader.Resource.endsWith(':states:::s3:getObject'))
      throw new StatesError('States.Runtime', `ItemReader ${reader.Resource} of ${name} is not supported locally`);
    const storage = this.options.storage;
    if (!storage) throw new StatesError('States.Runtime', `Map state ${name} has an ItemReader but no storage`);
    const { Bucket, Key, VersionId } = resolveTemplate(reader.Parameters ?? {}, input, context) as {
      Bucket: string;
      Key: string;
      VersionId?: string;
    };
    let text: string;
    try {
      text = await storage.readObject(Bucket, Key, VersionId);
    } catch (error) {
      throw new StatesError(
        'States.ItemReaderFailed',
        `Could not read s3://${Bucket}/${Key}: ${(error as Error).name}`,
      );
    }
    const inputType = reader.ReaderConfig?.InputType ?? 'JSON';
    let items: unknown[];
    try {
      if (inputType === 'JSONL')
        items = text
          .split('\n')
          .filter((line) => line.trim().length > 0)
          .map((line) => JSON.parse(line) as unknown);
      else if (inputType === 'JSON') items = JSON.parse(text) as unknown[];
      else throw new StatesError('States.Runtime', `ItemReader InputType ${inputType} is not supported locally`);
    } catch (error) {
      if (error instanceof StatesError) throw error;
      throw new StatesError('States.ItemReaderFailed', `s3://${Bucket}/${Key} is not valid ${inputType}`);
    }
    const max = reader.ReaderConfig?.MaxItems;
    return max ? items.slice(0, max) : items;
  }

  /** Writes the child outputs as Step Functions' ResultWriter does; returns the state's result. */
  private async writeResults(
    name: string,
    writer: ResultWriterConfig,
    input: unknown,
    context: ContextObject,
    mapRunArn: string,
    mapRunId: string,
    succeeded: readonly ChildOutcome[],
  ): Promise<unknown> {
    const storage = this.options.storage;
    if (!storage) throw new StatesError('States.Runtime', `Map state ${name} has a ResultWriter but no storage`);
    const { Bucket, Prefix } = resolveTemplate(writer.Parameters ?? {}, input, context) as {
      Bucket: string;
      Prefix?: string;
    };
    const transformation = writer.WriterConfig?.Transformation ?? 'NONE';
    const outputType = writer.WriterConfig?.OutputType ?? 'JSON';
    const entries = succeeded.map((o) =>
      transformation === 'NONE'
        ? {
            ExecutionArn: o.executionArn,
            Input: JSON.stringify(o.input),
            Name: o.name,
            Output: JSON.stringify(o.result.output),
            Status: 'SUCCEEDED',
          }
        : o.result.output,
    );
    const flat: unknown[] =
      transformation === 'FLATTEN'
        ? entries.flatMap((e: unknown) => (Array.isArray(e) ? (e as unknown[]) : [e]))
        : entries;
    const body =
      outputType === 'JSONL'
        ? flat.map((e) => JSON.stringify(e)).join('\n') + (flat.length ? '\n' : '')
        : JSON.stringify(flat);
    const base = `${Prefix ? `${Prefix.replace(/\/+$/, '')}/` : ''}${mapRunId}`;
    const resultsKey = `${base}/SUCCEEDED_0.${outputType === 'JSONL' ? 'jsonl' : 'json'}`;
    const manifestKey = `${base}/manifest.json`;
    try {
      await storage.writeObject(Bucket, resultsKey, body);
      await storage.writeObject(
        Bucket,
        manifestKey,
        JSON.stringify({
          DestinationBucket: Bucket,
          MapRunArn: mapRunArn,
          ResultFiles: {
            FAILED: [],
            PENDING: [],
            SUCCEEDED: [{ Key: resultsKey, Size: Buffer.byteLength(body, 'utf8') }],
          },
        }),
      );
    } catch (error) {
      throw new StatesError(
        'States.ResultWriterFailed',
        `Could not write to s3://${Bucket}/${base}: ${(error as Error).name}`,
      );
    }
    return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket, Key: manifestKey } };
  }

  /** Re-runs `attempt` per the state's Retry list (each retrier counts its own attempts). */
  private async withRetries<T>(
    state: State,
    trace: TraceEvent[],
    qualified: string,
    attempt: (retryCount: number) => Promise<T>,
  ): Promise<T> {
    const used = new Map<Retrier, number>();
    for (let retryCount = 0; ; retryCount++) {
      try {
        return await attempt(retryCount);
      } catch (thrown) {
        const error = toStatesError(thrown);
        const retrier = state.Retry?.find((r) => errorMatches(r.ErrorEquals, error.error));
        const count = retrier ? (used.get(retrier) ?? 0) : 0;
        if (!retrier || count >= (retrier.MaxAttempts ?? 3)) throw error;
        used.set(retrier, count + 1);
        this.record(trace, { type: 'TaskRetry', state: qualified, error: error.error, attempt: count + 1 });
        const delayMs = retryDelaySeconds(retrier, count, this.random) * 1000 * this.retryDelayScale;
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }
}

/**
 * Seconds before retry number `retryIndex` (0-based): IntervalSeconds × BackoffRate^index,
 * capped at MaxDelaySeconds, and with `FULL` jitter a random fraction of that.
 */
export function retryDelaySeconds(retrier: Retrier, retryIndex: number, random: () => number = Math.random): number {
  const base = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, retryIndex);
  const capped = retrier.MaxDelaySeconds !== undefined ? Math.min(base, retrier.MaxDelaySeconds) : base;
  return retrier.JitterStrategy === 'FULL' ? capped * random() : capped;
}

/** True for a Map whose items run as child executions. */
function isDistributed(state: State): boolean {
  return state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** The input of item `index`: ItemSelector (or Parameters) with `$$.Map.Item` in the context, else the item. */
function selectItem(state: State, input: unknown, context: ContextObject, index: number, value: unknown): unknown {
  const selector = state.ItemSelector ?? state.Parameters;
  if (selector === undefined) return value;
  return resolveTemplate(selector, input, { ...context, Map: { Item: { Index: index, Value: value } } });
}

function parametersOf(state: State, input: unknown, context: ContextObject): unknown {
  return state.Parameters !== undefined ? resolveTemplate(state.Parameters, input, context) : input;
}

/** InputPath/OutputPath: `null` yields `{}`, absent means `$`. */
function filterPath(path: string | null | undefined, document: unknown, context: ContextObject): unknown {
  if (path === null) return {};
  if (path === undefined || path === '$') return document;
  return readPath(path, document, context);
}

/** ResultPath: absent means `$` (result replaces input), `null` discards the result. */
function applyResultPath(path: string | null | undefined, input: unknown, result: unknown): unknown {
  if (path === null) return input;
  return writePath(path ?? '$', input, result);
}

/**
 * Every path through a definition's top-level graph that a run can take, as state names in
 * visit order, following Next, Catch and the branches of Parallel/Map (named `Parent/Child`).
 * Used to prove the local run's order equals the synthesized definition.
 */
export function stateOrder(graph: Graph, prefix = ''): string[] {
  const seen: string[] = [];
  const visit = (name: string): void => {
    if (seen.includes(`${prefix}${name}`)) return;
    seen.push(`${prefix}${name}`);
    const state = graph.States[name] as State;
    for (const [index, branch] of (state.Branches ?? []).entries())
      seen.push(...stateOrder(branch, `${prefix}${name}/${index}:`));
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) seen.push(...stateOrder(processor, `${prefix}${name}/`));
    if (state.Next) visit(state.Next);
    for (const catcher of state.Catch ?? []) visit(catcher.Next);
  };
  visit(graph.StartAt);
  return seen;
}
