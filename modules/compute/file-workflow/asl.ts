/**
 * A small typed subset of the Amazon States Language: the state types and fields the file
 * workflow uses, and nothing else, so a typo in a field name fails the type-check instead of
 * the deployment. Pure types: imported by the construct, the local run and the tests.
 *
 * @see https://states-language.net/spec.html
 */

/** Wait between retries grows by `BackoffRate`, capped at `MaxDelaySeconds`, randomised by `JitterStrategy`. */
export interface AslRetrier {
  /** Error names this retrier matches (first matching retrier in the list wins). */
  readonly ErrorEquals: readonly string[];
  /** Seconds before the first retry. */
  readonly IntervalSeconds?: number;
  /** Retries after the first attempt; 0 means "never retry" for the listed errors. */
  readonly MaxAttempts: number;
  /** Multiplier applied to the interval on every retry. */
  readonly BackoffRate?: number;
  /** Upper bound of any one wait. */
  readonly MaxDelaySeconds?: number;
  /** `FULL` picks a random wait between 0 and the computed delay, spreading retries of concurrent runs. */
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

/** Routes a matched error to `Next`, storing `{ Error, Cause }` at `ResultPath`. */
export interface AslCatcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}

/** Fields every state may carry. */
interface AslStateBase {
  readonly Comment?: string;
}

/** Fields of a state that continues: either `Next` or `End: true`. */
type AslTransition = { readonly Next: string; readonly End?: never } | { readonly End: true; readonly Next?: never };

/** Calls a resource (here a Lambda function ARN, invoked directly so input and output are the payload). */
export type AslTaskState = AslStateBase &
  AslTransition & {
    readonly Type: 'Task';
    readonly Resource: string;
    readonly Parameters?: Readonly<Record<string, unknown>>;
    readonly ResultPath?: string | null;
    readonly TimeoutSeconds?: number;
    readonly Retry?: readonly AslRetrier[];
    readonly Catch?: readonly AslCatcher[];
  };

/** Runs independent sub-workflows on the same input; output is the array of branch outputs. */
export type AslParallelState = AslStateBase &
  AslTransition & {
    readonly Type: 'Parallel';
    readonly Branches: readonly AslStateMachine[];
    readonly ResultPath?: string | null;
    readonly Retry?: readonly AslRetrier[];
    readonly Catch?: readonly AslCatcher[];
  };

/** Where a Distributed Map reads its items: an S3 object (`arn:<partition>:states:::s3:getObject`). */
export interface AslItemReader {
  readonly Resource: string;
  /** `JSONL`: one item per line; `JSON`: one array. */
  readonly ReaderConfig: { readonly InputType: 'JSON' | 'JSONL'; readonly MaxItems?: number };
  /** `Bucket`, `Key` (and `VersionId`), each literal or as a `.$` path. */
  readonly Parameters: Readonly<Record<string, string>>;
}

/**
 * Where a Distributed Map writes its child outputs (`arn:<partition>:states:::s3:putObject`) instead
 * of returning them: the state's result is then `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`,
 * `Key` naming the run's `manifest.json` (which lists the result files).
 */
export interface AslResultWriter {
  readonly Resource: string;
  /** `Bucket` and `Prefix`, each literal or as a `.$` path. */
  readonly Parameters: Readonly<Record<string, string>>;
  readonly WriterConfig?: {
    /** `COMPACT`: the child outputs only; `NONE`: with execution metadata. */
    readonly Transformation: 'NONE' | 'COMPACT' | 'FLATTEN';
    readonly OutputType: 'JSON' | 'JSONL';
  };
}

/** How a Map runs its items: inside this execution, or each as a child execution. */
export type AslProcessorConfig =
  { readonly Mode: 'INLINE' } | { readonly Mode: 'DISTRIBUTED'; readonly ExecutionType: 'STANDARD' | 'EXPRESS' };

/**
 * Runs `ItemProcessor` once per item: the elements of `ItemsPath`, or (Distributed Map) the
 * items an `ItemReader` reads from S3, each item then a child execution with its own history.
 */
export type AslMapState = AslStateBase &
  AslTransition & {
    readonly Type: 'Map';
    readonly ItemsPath?: string;
    readonly ItemReader?: AslItemReader;
    readonly ItemSelector?: Readonly<Record<string, unknown>>;
    readonly ItemProcessor: AslStateMachine & { readonly ProcessorConfig: AslProcessorConfig };
    /** Distributed Map: names the Map Run and the child executions (`<stateMachine>/<Label>:<id>`). */
    readonly Label?: string;
    /** Iterations in flight at once; 0 means unbounded. */
    readonly MaxConcurrency?: number;
    /** Distributed Map: share of failed items tolerated before the state fails (0-100). */
    readonly ToleratedFailurePercentage?: number;
    readonly ResultWriter?: AslResultWriter;
    readonly ResultPath?: string | null;
    readonly Retry?: readonly AslRetrier[];
    readonly Catch?: readonly AslCatcher[];
  };

/** Injects `Result` (or the `Parameters` template, resolved) at `ResultPath`: the run's status, its id. */
export type AslPassState = AslStateBase &
  AslTransition & {
    readonly Type: 'Pass';
    readonly Result?: unknown;
    readonly Parameters?: Readonly<Record<string, unknown>>;
    readonly ResultPath?: string | null;
  };

/** Ends the execution as failed. */
export interface AslFailState extends AslStateBase {
  readonly Type: 'Fail';
  readonly Error?: string;
  readonly Cause?: string;
}

/** Ends the execution as succeeded. */
export interface AslSucceedState extends AslStateBase {
  readonly Type: 'Succeed';
}

/** Any state of the subset. */
export type AslState = AslTaskState | AslParallelState | AslMapState | AslPassState | AslFailState | AslSucceedState;

/** A state graph: the top level of a definition, a Parallel branch or a Map item processor. */
export interface AslStateMachine {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

/** A complete state machine definition. */
export interface AslDefinition extends AslStateMachine {
  readonly Comment?: string;
  /** Longest an execution may run before it ends TIMED_OUT. */
  readonly TimeoutSeconds?: number;
}
