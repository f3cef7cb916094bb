/**
 * The file workflow as data: a pure function from the five step-function ARNs to an Amazon
 * States Language definition. No cdktf here on purpose: the construct serialises it with
 * Terraform tokens for the ARNs, and the local run (scripts/) drives the very same graph with
 * local handlers, so the order of steps cannot drift between the two.
 */
import { DEFAULT_STORE_CONCURRENCY } from '../../../config';
import {
  FILE_WORKFLOW_FAILED_ERROR,
  NON_RETRYABLE_ERRORS,
  RETRYABLE_STEP_ERRORS,
  RUN_IN_PROGRESS_ERROR,
  WORKFLOW_STEPS,
  type FunctionName,
} from '../../../contract';
import type { AslCatcher, AslDefinition, AslRetrier, AslTaskState } from './asl';

/** The five Lambda functions the workflow calls, by step. */
export interface FileWorkflowStepArns {
  /** `validate-file`: parses, validates, writes the rejects report, stages chunks. */
  readonly validate: string;
  /** `store-chunk`: writes one staged chunk to the table (one Map iteration). */
  readonly storeChunk: string;
  /** `archive-file`: copies the original and its lineage to the archive bucket. */
  readonly archive: string;
  /** `compensate-file`: removes what this file wrote and quarantines it. */
  readonly compensate: string;
  /** `notify-file`: publishes COMPLETED / FAILED. */
  readonly notify: string;
}

/** A step of the workflow that calls a function. */
export type FileWorkflowStep = keyof FileWorkflowStepArns;

/** Which deployed function serves each step (the construct reads timeouts through it). */
export const FILE_WORKFLOW_STEP_FUNCTIONS: Readonly<Record<FileWorkflowStep, FunctionName>> = {
  validate: 'validate-file',
  storeChunk: 'store-chunk',
  archive: 'archive-file',
  compensate: 'compensate-file',
  notify: 'notify-file',
};

/** Tuning of the definition. */
export interface FileWorkflowDefinitionOptions {
  /** Chunks stored at once by the StoreChunks Distributed Map. Default: the config default (`storeConcurrency`). */
  readonly maxConcurrency?: number;
  /**
   * `TimeoutSeconds` per step, a backstop should an invocation hang beyond the function's own
   * timeout. Default: none (Step Functions waits for the function to return or time out).
   */
  readonly timeoutSeconds?: Partial<Record<FileWorkflowStep, number>>;
  /** Longest a whole run may take before it ends TIMED_OUT. Default: none. */
  readonly executionTimeoutSeconds?: number;
  /** AWS partition of the S3 integration ARNs (`aws`, `aws-cn`, ...). Default `aws`. */
  readonly partition?: string;
}

/** Seconds added to a function's timeout for its Task's `TimeoutSeconds` backstop. */
export const TASK_TIMEOUT_MARGIN_SECONDS = 60;

/** The sizes the definition takes from configuration. */
export interface FileWorkflowSizing {
  /** Config `storeConcurrency`. */
  readonly storeConcurrency: number;
  /** Config `fileWorkflowTimeoutMinutes`. */
  readonly fileWorkflowTimeoutMinutes: number;
  /** Timeout of each step's function. */
  readonly functionTimeoutSeconds: Readonly<Record<FileWorkflowStep, number>>;
  readonly partition?: string;
}

/**
 * The definition options of a configuration: the construct and the local run both build the
 * definition with these, so the state machine they run is the same.
 */
export function fileWorkflowOptions(sizing: FileWorkflowSizing): FileWorkflowDefinitionOptions {
  const timeoutSeconds = Object.fromEntries(
    Object.entries(sizing.functionTimeoutSeconds).map(([step, seconds]) => [
      step,
      seconds + TASK_TIMEOUT_MARGIN_SECONDS,
    ]),
  ) as Record<FileWorkflowStep, number>;
  return {
    maxConcurrency: sizing.storeConcurrency,
    timeoutSeconds,
    executionTimeoutSeconds: Math.round(sizing.fileWorkflowTimeoutMinutes * 60),
    partition: sizing.partition,
  };
}

/**
 * Label of the StoreChunks Distributed Map: its child executions are
 * `<state machine>/StoreChunks:<id>`, which is how IAM (DescribeExecution/StopExecution of the
 * children) and the status-change rule (children are not the parent) tell them apart.
 */
export const STORE_CHUNKS_LABEL = 'StoreChunks';

/** Errors the Lambda service raises when the invocation itself failed, not the handler. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/** Exponential backoff shared by every transient retrier: 2, 4, 8, 16, 32 s (capped at 60 s), each randomised. */
const BACKOFF = {
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 5,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
} as const;

/**
 * Retry policy of every Task. Order matters (the first retrier whose ErrorEquals matches wins):
 * 1. the handlers' permanent errors are pinned to zero retries, so a broader retrier added
 *    later can never start retrying a missing or unsupported file;
 * 2. Lambda service faults and throttling (the function never ran or could not answer);
 * 3. transient errors the handlers surface by name (throttled table, partial batch writes, S3 503s).
 *
 * Timeouts (`States.Timeout`, `Sandbox.Timedout`) are deliberately not retried: a step that ran
 * out of time on a file will do so again, so the run goes straight to compensation. Steps are
 * idempotent (deterministic record ids and object keys), which is what makes retrying safe.
 */
export const STEP_RETRY_POLICY: readonly AslRetrier[] = [
  { ErrorEquals: [...NON_RETRYABLE_ERRORS], MaxAttempts: 0 },
  { ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS], ...BACKOFF },
  { ErrorEquals: [...RETRYABLE_STEP_ERRORS], ...BACKOFF },
];

/** Any error left after retries sends the run to compensation, with `{ Error, Cause }` kept at `$.error`. */
const TO_COMPENSATION: readonly AslCatcher[] = [
  { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: WORKFLOW_STEPS.compensate },
];

/**
 * Builds the file workflow:
 *
 * IdentifyRun → Validate → StoreAndArchive( StoreChunks (Distributed Map over the chunk manifest
 * → StoreChunk) ‖ Archive ) → MarkCompleted → NotifySuccess → Done; any error in Validate or
 * StoreAndArchive → Compensate → MarkFailed → NotifyFailure → Failed. A failing Compensate still
 * reaches MarkFailed and NotifyFailure, so every failed run is announced. When Validate finds
 * another run of the same object version in progress, the run ends at DuplicateRun having touched
 * nothing.
 *
 * IdentifyRun puts the run id (the execution name, from the context object) at `$.run.runId`,
 * where every step finds it.
 *
 * @example
 * const asl = fileWorkflowDefinition({ validate: 'v', storeChunk: 's', archive: 'a', compensate: 'c', notify: 'n' });
 * asl.StartAt; // 'Validate'
 */
export function fileWorkflowDefinition(
  arns: FileWorkflowStepArns,
  options: FileWorkflowDefinitionOptions = {},
): AslDefinition {
  const maxConcurrency = options.maxConcurrency ?? DEFAULT_STORE_CONCURRENCY;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 0) {
    throw new RangeError(`maxConcurrency must be an integer >= 0 (0 = unbounded), got ${maxConcurrency}`);
  }
  const executionTimeout = options.executionTimeoutSeconds;
  if (executionTimeout !== undefined && (!Number.isInteger(executionTimeout) || executionTimeout < 1)) {
    throw new RangeError(`executionTimeoutSeconds must be a positive integer, got ${executionTimeout}`);
  }
  const s3Integration = (action: 'getObject' | 'putObject'): string =>
    `arn:${options.partition ?? 'aws'}:states:::s3:${action}`;
  for (const [step, seconds] of Object.entries(options.timeoutSeconds ?? {})) {
    if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 1)) {
      throw new RangeError(`timeoutSeconds.${step} must be a positive integer, got ${seconds}`);
    }
  }

  /** A Lambda task with the shared retry policy and, when configured, a timeout. */
  const task = (
    step: FileWorkflowStep,
    comment: string,
  ): Pick<AslTaskState, 'Type' | 'Resource' | 'Comment' | 'Retry' | 'TimeoutSeconds'> => {
    const timeout = options.timeoutSeconds?.[step];
    return {
      Type: 'Task',
      Comment: comment,
      Resource: arns[step],
      ...(timeout !== undefined ? { TimeoutSeconds: timeout } : {}),
      Retry: STEP_RETRY_POLICY,
    };
  };

  return {
    Comment:
      'Market-data file: validate, then store chunks in parallel with archiving, then notify; ' +
      'compensate and notify on any failure.',
    ...(executionTimeout !== undefined ? { TimeoutSeconds: executionTimeout } : {}),
    StartAt: WORKFLOW_STEPS.identifyRun,
    States: {
      [WORKFLOW_STEPS.identifyRun]: {
        Type: 'Pass',
        Comment: 'The run id is the execution name: what the run stages and stores carries it.',
        Parameters: { 'runId.$': '$$.Execution.Name' },
        ResultPath: '$.run',
        Next: WORKFLOW_STEPS.validate,
      },
      [WORKFLOW_STEPS.validate]: {
        ...task('validate', 'Parse and validate the file, write the rejects report, stage normalised chunks.'),
        ResultPath: '$.validation',
        Catch: [
          { ErrorEquals: [RUN_IN_PROGRESS_ERROR], ResultPath: '$.error', Next: WORKFLOW_STEPS.duplicateRun },
          ...TO_COMPENSATION,
        ],
        Next: WORKFLOW_STEPS.process,
      },
      [WORKFLOW_STEPS.duplicateRun]: {
        Type: 'Succeed',
        Comment: 'Another run of this object version is in progress: this one staged and stored nothing.',
      },
      [WORKFLOW_STEPS.process]: {
        Type: 'Parallel',
        Comment: 'Store every staged chunk while the original and its lineage are archived.',
        Branches: [
          {
            StartAt: WORKFLOW_STEPS.storeChunks,
            States: {
              // Distributed: the chunk list is read from the manifest in S3 and every chunk is a
              // child execution, so neither the state nor the history grows with the file; the
              // results go to S3 too (a Distributed Map's result array counts against the 256 KiB
              // quota even with ResultPath null).
              [WORKFLOW_STEPS.storeChunks]: {
                Type: 'Map',
                Label: STORE_CHUNKS_LABEL,
                ItemReader: {
                  Resource: s3Integration('getObject'),
                  ReaderConfig: { InputType: 'JSONL' },
                  Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.validation.manifestKey' },
                },
                ItemSelector: {
                  'bucket.$': '$.bucket',
                  'fileId.$': '$.validation.fileId',
                  'runId.$': '$.run.runId',
                  'chunk.$': '$$.Map.Item.Value',
                },
                MaxConcurrency: maxConcurrency,
                // One chunk that cannot be stored fails the file (and so compensates it).
                ToleratedFailurePercentage: 0,
                ItemProcessor: {
                  ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
                  StartAt: WORKFLOW_STEPS.storeChunk,
                  States: {
                    [WORKFLOW_STEPS.storeChunk]: {
                      ...task('storeChunk', 'Write one staged chunk to the table.'),
                      End: true,
                    },
                  },
                },
                ResultWriter: {
                  Resource: s3Integration('putObject'),
                  Parameters: { 'Bucket.$': '$.bucket', 'Prefix.$': '$.validation.resultsPrefix' },
                  WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSONL' },
                },
                End: true,
              },
            },
          },
          {
            StartAt: WORKFLOW_STEPS.archive,
            States: {
              [WORKFLOW_STEPS.archive]: {
                ...task('archive', 'Copy the original and its lineage to the archive bucket.'),
                End: true,
              },
            },
          },
        ],
        ResultPath: '$.results',
        Catch: TO_COMPENSATION,
        Next: WORKFLOW_STEPS.markCompleted,
      },
      [WORKFLOW_STEPS.markCompleted]: {
        Type: 'Pass',
        Result: 'COMPLETED',
        ResultPath: '$.status',
        Next: WORKFLOW_STEPS.notifySuccess,
      },
      // No Catch: the data is stored, so a notification that fails after retries must not
      // trigger compensation (which would delete good data); the failed execution alarms instead.
      [WORKFLOW_STEPS.notifySuccess]: {
        ...task('notify', 'Publish the COMPLETED notification.'),
        ResultPath: null,
        Next: WORKFLOW_STEPS.done,
      },
      [WORKFLOW_STEPS.done]: { Type: 'Succeed' },
      [WORKFLOW_STEPS.compensate]: {
        ...task('compensate', 'Remove what this file wrote and quarantine it.'),
        ResultPath: '$.compensation',
        // Even when compensation itself fails, the failure must still be announced.
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.compensationError', Next: WORKFLOW_STEPS.markFailed }],
        Next: WORKFLOW_STEPS.markFailed,
      },
      [WORKFLOW_STEPS.markFailed]: {
        Type: 'Pass',
        Result: 'FAILED',
        ResultPath: '$.status',
        Next: WORKFLOW_STEPS.notifyFailure,
      },
      [WORKFLOW_STEPS.notifyFailure]: {
        ...task('notify', 'Publish the FAILED notification.'),
        ResultPath: null,
        Next: WORKFLOW_STEPS.failed,
      },
      [WORKFLOW_STEPS.failed]: {
        Type: 'Fail',
        Error: FILE_WORKFLOW_FAILED_ERROR,
        Cause:
          'The file could not be processed; it was compensated and quarantined (see $.error in the execution history).',
      },
    },
  };
}
