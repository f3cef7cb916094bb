import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_STORE_CONCURRENCY } from '../../../../config';
import {
  NON_RETRYABLE_ERRORS,
  RETRYABLE_STEP_ERRORS,
  RUN_IN_PROGRESS_ERROR,
  WORKFLOW_STEPS,
} from '../../../../contract';
import type {
  AslDefinition,
  AslRetrier,
  AslState,
  AslStateMachine,
  AslTaskState,
} from '../../../../modules/compute/file-workflow/asl';
import {
  LAMBDA_TRANSIENT_ERRORS,
  STORE_CHUNKS_LABEL,
  fileWorkflowDefinition,
  type FileWorkflowStepArns,
} from '../../../../modules/compute/file-workflow/definition';

const ARNS: FileWorkflowStepArns = {
  validate: 'fn:validate',
  storeChunk: 'fn:store-chunk',
  archive: 'fn:archive',
  compensate: 'fn:compensate',
  notify: 'fn:notify',
};
const asl = fileWorkflowDefinition(ARNS);
const top = asl.States;

/** Outgoing edges of a state within its own graph: Next and every Catch target. */
function edges(state: AslState): string[] {
  const out: string[] = [];
  if ('Next' in state && state.Next) out.push(state.Next);
  if ('Catch' in state && state.Catch) out.push(...state.Catch.map((c) => c.Next));
  return out;
}

/** Nested graphs of a state (Parallel branches, Map item processor). */
function children(state: AslState): AslStateMachine[] {
  if (state.Type === 'Parallel') return [...state.Branches];
  if (state.Type === 'Map') return [state.ItemProcessor];
  return [];
}

/** Names reachable from StartAt within one graph (not descending into nested graphs). */
function reachable(graph: AslStateMachine): Set<string> {
  const seen = new Set<string>();
  const queue = [graph.StartAt];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    const state = graph.States[name];
    if (!state) throw new Error(`${name} is a transition target but not a state`);
    seen.add(name);
    queue.push(...edges(state));
  }
  return seen;
}

/** Every graph of the definition: the top level, then each nested graph, depth first. */
function graphs(graph: AslStateMachine): AslStateMachine[] {
  return [graph, ...Object.values(graph.States).flatMap(children).flatMap(graphs)];
}

/** Every Task anywhere in the definition, by name. */
function tasks(graph: AslStateMachine): [string, AslTaskState][] {
  return graphs(graph).flatMap((g) =>
    Object.entries(g.States).filter((entry): entry is [string, AslTaskState] => entry[1].Type === 'Task'),
  );
}

/** All maximal paths from StartAt through the top-level graph (Next and Catch edges). */
function paths(graph: AslStateMachine, from = graph.StartAt, prefix: string[] = []): string[][] {
  if (prefix.includes(from)) throw new Error(`cycle through ${from}`);
  const path = [...prefix, from];
  const next = edges(graph.States[from]);
  return next.length === 0 ? [path] : next.flatMap((n) => paths(graph, n, path));
}

/** Following Next only: the path a run takes when nothing fails. */
function happyPath(graph: AslStateMachine): string[] {
  const out: string[] = [];
  let name: string | undefined = graph.StartAt;
  while (name) {
    out.push(name);
    const state: AslState = graph.States[name];
    name = 'Next' in state ? state.Next : undefined;
  }
  return out;
}

/** The retrier Step Functions would apply to `error` (the first whose ErrorEquals matches). */
function retrierFor(task: AslTaskState, error: string): AslRetrier | undefined {
  return task.Retry?.find((r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'));
}

describe('fileWorkflowDefinition', () => {
  it('workflow identifies its run, validates, then stores chunks in parallel with archiving, then notifies', () => {
    expect(asl.StartAt).toBe(WORKFLOW_STEPS.identifyRun);
    expect(happyPath(asl)).toEqual([
      WORKFLOW_STEPS.identifyRun,
      WORKFLOW_STEPS.validate,
      WORKFLOW_STEPS.process,
      WORKFLOW_STEPS.markCompleted,
      WORKFLOW_STEPS.notifySuccess,
      WORKFLOW_STEPS.done,
    ]);
    const parallel = top[WORKFLOW_STEPS.process];
    if (parallel.Type !== 'Parallel') throw new Error('StoreAndArchive is not a Parallel state');
    expect(parallel.Branches.map((b) => b.StartAt)).toEqual([WORKFLOW_STEPS.storeChunks, WORKFLOW_STEPS.archive]);
    expect(parallel.ResultPath).toBe('$.results');
    expect(top[WORKFLOW_STEPS.validate]).toMatchObject({
      Type: 'Task',
      Resource: ARNS.validate,
      ResultPath: '$.validation',
    });
    expect(top[WORKFLOW_STEPS.markCompleted]).toMatchObject({
      Type: 'Pass',
      Result: 'COMPLETED',
      ResultPath: '$.status',
    });
    expect(top[WORKFLOW_STEPS.notifySuccess]).toMatchObject({ Type: 'Task', Resource: ARNS.notify });
    expect(top[WORKFLOW_STEPS.done]).toEqual({ Type: 'Succeed' });
  });

  it('puts the run id (the execution name) at $.run.runId before any step runs', () => {
    expect(top[WORKFLOW_STEPS.identifyRun]).toEqual({
      Type: 'Pass',
      Comment: expect.any(String),
      Parameters: { 'runId.$': '$$.Execution.Name' },
      ResultPath: '$.run',
      Next: WORKFLOW_STEPS.validate,
    });
  });

  it('ends a run whose version another run holds at DuplicateRun, without compensating or retrying', () => {
    const validate = top[WORKFLOW_STEPS.validate];
    if (validate.Type !== 'Task') throw new Error('Validate is not a Task');
    expect(validate.Catch?.[0]).toEqual({
      ErrorEquals: [RUN_IN_PROGRESS_ERROR],
      ResultPath: '$.error',
      Next: WORKFLOW_STEPS.duplicateRun,
    });
    expect(top[WORKFLOW_STEPS.duplicateRun]).toMatchObject({ Type: 'Succeed' });
    expect(retrierFor(validate, RUN_IN_PROGRESS_ERROR)?.MaxAttempts).toBe(0);
  });

  it('stores the chunks listed in the manifest with a Distributed Map: items read from S3, one child each', () => {
    const parallel = top[WORKFLOW_STEPS.process];
    if (parallel.Type !== 'Parallel') throw new Error('StoreAndArchive is not a Parallel state');
    const map = parallel.Branches[0].States[WORKFLOW_STEPS.storeChunks];
    if (map.Type !== 'Map') throw new Error('StoreChunks is not a Map state');
    expect(map.ItemsPath).toBeUndefined();
    expect(map.ItemReader).toEqual({
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSONL' },
      Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.validation.manifestKey' },
    });
    expect(map.ItemSelector).toEqual({
      'bucket.$': '$.bucket',
      'fileId.$': '$.validation.fileId',
      'runId.$': '$.run.runId',
      'chunk.$': '$$.Map.Item.Value',
    });
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.Label).toBe(STORE_CHUNKS_LABEL);
    expect(map.ItemProcessor.States[WORKFLOW_STEPS.storeChunk]).toMatchObject({
      Type: 'Task',
      Resource: ARNS.storeChunk,
      End: true,
    });
    expect(map.MaxConcurrency).toBe(DEFAULT_STORE_CONCURRENCY);
    expect(map.ToleratedFailurePercentage).toBe(0);
    expect(parallel.Branches[1].States[WORKFLOW_STEPS.archive]).toMatchObject({
      Type: 'Task',
      Resource: ARNS.archive,
      End: true,
    });
  });

  it('writes the StoreChunks results to S3, so the state holds only where they are whatever the chunk count', () => {
    const parallel = top[WORKFLOW_STEPS.process];
    if (parallel.Type !== 'Parallel') throw new Error('StoreAndArchive is not a Parallel state');
    const map = parallel.Branches[0].States[WORKFLOW_STEPS.storeChunks];
    if (map.Type !== 'Map') throw new Error('StoreChunks is not a Map state');
    expect(map.ResultWriter).toEqual({
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: { 'Bucket.$': '$.bucket', 'Prefix.$': '$.validation.resultsPrefix' },
      WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSONL' },
    });
    const china = fileWorkflowDefinition(ARNS, { partition: 'aws-cn' });
    expect(JSON.stringify(china)).toContain('"Resource":"arn:aws-cn:states:::s3:getObject"');
    expect(JSON.stringify(china)).toContain('"Resource":"arn:aws-cn:states:::s3:putObject"');
  });

  it('bounds the whole run with the execution timeout when one is given', () => {
    expect(asl.TimeoutSeconds).toBeUndefined();
    expect(fileWorkflowDefinition(ARNS, { executionTimeoutSeconds: 7200 }).TimeoutSeconds).toBe(7200);
    expect(() => fileWorkflowDefinition(ARNS, { executionTimeoutSeconds: 0 })).toThrow(/executionTimeoutSeconds/);
  });

  it('every failure path compensates and notifies failure', () => {
    const failurePath = [
      WORKFLOW_STEPS.compensate,
      WORKFLOW_STEPS.markFailed,
      WORKFLOW_STEPS.notifyFailure,
      WORKFLOW_STEPS.failed,
    ];
    for (const name of [WORKFLOW_STEPS.validate, WORKFLOW_STEPS.process]) {
      const state = top[name];
      if (!('Catch' in state) || !state.Catch) throw new Error(`${name} has no Catch`);
      expect(state.Catch.at(-1)).toEqual({
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: WORKFLOW_STEPS.compensate,
      });
    }
    expect(happyPath({ StartAt: WORKFLOW_STEPS.compensate, States: top })).toEqual(failurePath);
    expect(top[WORKFLOW_STEPS.markFailed]).toMatchObject({ Type: 'Pass', Result: 'FAILED', ResultPath: '$.status' });
    expect(top[WORKFLOW_STEPS.notifyFailure]).toMatchObject({ Type: 'Task', Resource: ARNS.notify });
    expect(top[WORKFLOW_STEPS.failed]).toMatchObject({ Type: 'Fail', Error: 'FileWorkflowFailed' });

    // Every path that leaves the happy path goes through compensation and the failure notice.
    const all = paths(asl);
    const failing = all.filter((p) => p.at(-1) === WORKFLOW_STEPS.failed);
    expect(failing.length).toBeGreaterThanOrEqual(3); // Validate, StoreAndArchive, Compensate's own catch
    for (const path of failing) {
      expect(path).toEqual(expect.arrayContaining(failurePath));
      expect(path.slice(-3)).toEqual(failurePath.slice(1));
    }
  });

  it('announces the failure even when compensation itself fails', () => {
    const compensate = top[WORKFLOW_STEPS.compensate];
    if (compensate.Type !== 'Task') throw new Error('Compensate is not a Task');
    expect(compensate.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.compensationError', Next: WORKFLOW_STEPS.markFailed },
    ]);
  });

  it('every path ends in Succeed or Fail and no state is unreachable', () => {
    for (const path of paths(asl)) {
      expect(['Succeed', 'Fail']).toContain(top[path.at(-1)!].Type);
    }
    for (const graph of graphs(asl)) {
      expect([...reachable(graph)].sort()).toEqual(Object.keys(graph.States).sort());
      for (const [name, state] of Object.entries(graph.States)) {
        if (state.Type === 'Succeed' || state.Type === 'Fail') continue;
        // A continuing state has exactly one of Next / End; End only inside nested graphs.
        const hasNext = 'Next' in state && state.Next !== undefined;
        const hasEnd = 'End' in state && state.End === true;
        expect({ name, exclusive: hasNext !== hasEnd }).toEqual({ name, exclusive: true });
        if (graph === asl) expect({ name, hasEnd }).toEqual({ name, hasEnd: false });
      }
    }
  });

  it('uses every workflow step name of the contract exactly once', () => {
    const names = graphs(asl).flatMap((g) => Object.keys(g.States));
    expect(names.sort()).toEqual(Object.values(WORKFLOW_STEPS).sort());
  });

  it('every Task retries transient Lambda and handler errors', () => {
    const all = tasks(asl);
    expect(all.map(([name]) => name).sort()).toEqual(
      [
        WORKFLOW_STEPS.validate,
        WORKFLOW_STEPS.storeChunk,
        WORKFLOW_STEPS.archive,
        WORKFLOW_STEPS.notifySuccess,
        WORKFLOW_STEPS.compensate,
        WORKFLOW_STEPS.notifyFailure,
      ].sort(),
    );
    for (const [name, task] of all) {
      for (const error of [...LAMBDA_TRANSIENT_ERRORS, ...RETRYABLE_STEP_ERRORS]) {
        expect({ name, error, attempts: retrierFor(task, error)?.MaxAttempts }).toEqual({ name, error, attempts: 5 });
      }
    }
  });

  it('retries use exponential backoff with full jitter', () => {
    for (const [name, task] of tasks(asl)) {
      const retrying = task.Retry!.filter((r) => r.MaxAttempts > 0);
      expect(retrying.length).toBeGreaterThan(0);
      for (const retrier of retrying) {
        expect({ name, ...retrier }).toEqual({
          name,
          ErrorEquals: retrier.ErrorEquals,
          IntervalSeconds: 2,
          BackoffRate: 2,
          MaxAttempts: 5,
          MaxDelaySeconds: 60,
          JitterStrategy: 'FULL',
        });
      }
    }
  });

  it("never retries the handlers' permanent errors, timeouts or arbitrary failures", () => {
    for (const [name, task] of tasks(asl)) {
      for (const error of NON_RETRYABLE_ERRORS) {
        expect({ name, error, attempts: retrierFor(task, error)?.MaxAttempts ?? 0 }).toEqual({
          name,
          error,
          attempts: 0,
        });
      }
      for (const error of ['States.Timeout', 'Sandbox.Timedout', 'States.TaskFailed', 'Error', 'TypeError']) {
        expect({ name, error, retried: retrierFor(task, error) !== undefined }).toEqual({
          name,
          error,
          retried: false,
        });
      }
      // States.ALL would retry everything, permanent errors included.
      expect(task.Retry!.some((r) => r.ErrorEquals.includes('States.ALL'))).toBe(false);
    }
  });

  it('applies per-step timeouts and Map concurrency from the options', () => {
    const tuned = fileWorkflowDefinition(ARNS, { maxConcurrency: 4, timeoutSeconds: { validate: 360, notify: 90 } });
    const byName = Object.fromEntries(tasks(tuned));
    expect(byName[WORKFLOW_STEPS.validate].TimeoutSeconds).toBe(360);
    expect(byName[WORKFLOW_STEPS.notifySuccess].TimeoutSeconds).toBe(90);
    expect(byName[WORKFLOW_STEPS.notifyFailure].TimeoutSeconds).toBe(90);
    expect(byName[WORKFLOW_STEPS.archive].TimeoutSeconds).toBeUndefined();
    expect(JSON.stringify(tuned)).toContain('"MaxConcurrency":4');
  });

  it('rejects a negative concurrency or a non-positive timeout', () => {
    expect(() => fileWorkflowDefinition(ARNS, { maxConcurrency: -1 })).toThrow(/maxConcurrency/);
    expect(() => fileWorkflowDefinition(ARNS, { timeoutSeconds: { archive: 0 } })).toThrow(/timeoutSeconds\.archive/);
  });

  it('is plain JSON data (survives a round trip unchanged)', () => {
    const roundTrip = JSON.parse(JSON.stringify(asl)) as AslDefinition;
    expect(roundTrip).toEqual(asl);
  });

  it('stays free of cdktf so the local run can import it', () => {
    for (const file of ['definition.ts', 'asl.ts']) {
      const source = readFileSync(join(__dirname, '../../../../modules/compute/file-workflow', file), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const spec of imports) {
        // config/ is plain TypeScript too (its defaults are the definition's defaults).
        const allowed = spec.startsWith('./') || spec === '../../../contract' || spec === '../../../config';
        expect({ file, spec, allowed }).toEqual({
          file,
          spec,
          allowed: true,
        });
      }
    }
  });
});
