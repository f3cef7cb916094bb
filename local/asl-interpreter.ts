/**
 * Runs an Amazon States Language definition locally: the emulator records executions but
 * cannot invoke Lambda tasks, so the local run interprets the very definition the stack
 * synthesizes. Supported: Task (Retry, Catch, TimeoutSeconds, Parameters, ResultSelector),
 * Parallel, Map (ItemsPath, ItemSelector, MaxConcurrency), Pass (Result, Parameters), Succeed,
 * Fail; InputPath/OutputPath/ResultPath everywhere they apply; the `$$` context object.
 *
 * Semantics follow the ASL spec: retriers are tried in order and count attempts separately;
 * `States.ALL` matches every error, `States.TaskFailed` every error but `States.Timeout`;
 * a failing Parallel branch or Map iteration fails the whole state with that error.
 */
import { readPath, resolveTemplate, writePath } from './json-path';

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
}

/** The outcome of one execution. */
export interface ExecutionResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly trace: readonly TraceEvent[];
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
  readonly ItemProcessor?: Graph;
  readonly Iterator?: Graph;
  readonly MaxConcurrency?: number;
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
      candidate === 'States.ALL' ||
      (candidate === 'States.TaskFailed' && error !== 'States.Timeout'),
  );
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
    const context: ContextObject = {
      Execution: { Id: identity.executionArn, Name: identity.name, Input: input, StartTime: new Date().toISOString() },
      StateMachine: { Id: identity.stateMachineArn, Name: identity.stateMachineArn.split(':').pop() ?? '' },
    };
    try {
      const output = await this.runGraph(this.definition, input, context, '', trace);
      return { status: 'SUCCEEDED', output, trace };
    } catch (thrown) {
      const error = toStatesError(thrown);
      return { status: 'FAILED', error: error.error, cause: error.cause, trace };
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
  ): Promise<unknown> {
    let name = graph.StartAt;
    let document = input;
    for (;;) {
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
        outcome = await this.runState(name, state, document, stateContext, `${qualified}/`, trace);
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
        break;
      case 'Parallel':
        result = await this.withRetries(state, trace, childPrefix.slice(0, -1), () =>
          this.runParallel(state, parametersOf(state, effectiveInput, context), context, childPrefix, trace),
        );
        break;
      case 'Map':
        result = await this.withRetries(state, trace, childPrefix.slice(0, -1), () =>
          this.runMap(state, effectiveInput, context, childPrefix, trace),
        );
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
  ): Promise<unknown[]> {
    const branches = state.Branches ?? [];
    let firstFailure: unknown;
    // Every branch runs to its end before the state fails: AWS stops the others, but their
    // in-flight invocations still finish, and compensation must not race those writes locally.
    const settled = await Promise.all(
      branches.map((branch, index) =>
        this.runGraph(branch, input, context, `${prefix}${index}:`, trace).catch((thrown: unknown) => {
          firstFailure ??= thrown;
          return undefined;
        }),
      ),
    );
    if (firstFailure !== undefined) throw toStatesError(firstFailure);
    return settled;
  }

  private async runMap(
    state: State,
    input: unknown,
    context: ContextObject,
    prefix: string,
    trace: TraceEvent[],
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
        const selector = state.ItemSelector ?? state.Parameters;
        const itemInput: unknown =
          selector !== undefined ? resolveTemplate(selector, input, itemContext) : items[index];
        try {
          results[index] = await this.runGraph(processor, itemInput, itemContext, prefix, trace);
        } catch (thrown) {
          failure ??= thrown;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, Math.max(items.length, 1)) }, worker));
    if (failure !== undefined) throw toStatesError(failure);
    return results;
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
