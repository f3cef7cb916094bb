import { RUN_IN_PROGRESS_ERROR, WORKFLOW_STEPS } from '../../contract';
import { fileWorkflowDefinition, type FileWorkflowStepArns } from '../../modules/compute/file-workflow/definition';
import {
  AslInterpreter,
  stateOrder,
  type Graph,
  type ObjectStorage,
  type TaskInvoker,
} from '../../local/asl-interpreter';

const arns: FileWorkflowStepArns = {
  validate: 'fn:validate',
  storeChunk: 'fn:store',
  archive: 'fn:archive',
  compensate: 'fn:compensate',
  notify: 'fn:notify',
};
const definition = fileWorkflowDefinition(arns) as unknown as Graph;
const identity = {
  executionArn: 'arn:aws:states:us-east-1:1:execution:wf:f1',
  name: 'f1',
  stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:wf',
};
const input = {
  bucket: 'b',
  key: 'incoming/a.csv',
  versionId: 'v',
  processingType: 'standard',
  requestedAt: '2026-03-10T14:30:00.000Z',
};
const validation = {
  fileId: 'f1',
  sourceUri: 's3://b/incoming/a.csv',
  format: 'csv',
  accepted: 3,
  rejected: 0,
  reasons: {},
  rejectsKey: 'rejected/a.csv.jsonl',
  compressed: false,
  manifestKey: 'staged/f1/manifest.jsonl',
  chunks: 2,
  resultsPrefix: 'staged/f1/results',
};
/** The bucket as Validate leaves it: the chunk manifest the StoreChunks Distributed Map reads. */
function stagedBucket(): ObjectStorage & { objects: Map<string, string> } {
  const objects = new Map([['b/staged/f1/manifest.jsonl', '{"key":"c0","records":2}\n{"key":"c1","records":1}\n']]);
  return {
    objects,
    readObject: (bucket, key) => {
      const body = objects.get(`${bucket}/${key}`);
      return body === undefined
        ? Promise.reject(Object.assign(new Error('missing'), { name: 'NoSuchKey' }))
        : Promise.resolve(body);
    },
    writeObject: (bucket, key, body) => {
      objects.set(`${bucket}/${key}`, body);
      return Promise.resolve();
    },
  };
}
const interpreter = (invoke: TaskInvoker, storage = stagedBucket()) =>
  new AslInterpreter(definition, { invoke, storage });

/** Follows `Next` from StartAt (no Catch): the path a successful run takes through a graph. */
function happyPath(graph: Graph, prefix = ''): string[] {
  const path: string[] = [];
  let name: string | undefined = graph.StartAt;
  while (name) {
    path.push(`${prefix}${name}`);
    name = (graph.States[name] as { Next?: string }).Next;
  }
  return path;
}

/** Follows the Catch of the state `from` that `error` matches, then `Next` to the end. */
function failurePath(graph: Graph, from: string, error: string): string[] {
  const prefix = happyPath(graph).slice(0, happyPath(graph).indexOf(from) + 1);
  const catchers = (graph.States[from] as { Catch: { ErrorEquals: string[]; Next: string }[] }).Catch;
  const catcher = catchers.find((c) => c.ErrorEquals.includes(error) || c.ErrorEquals.includes('States.ALL'))!;
  const rest: string[] = [];
  let name: string | undefined = catcher.Next;
  while (name) {
    rest.push(name);
    name = (graph.States[name] as { Next?: string }).Next;
  }
  return [...prefix, ...rest];
}

function recordingInvoker(calls: string[], failOn?: string, errorName = 'InjectedFailure'): TaskInvoker {
  // Settles like an async invoker: a throw in the executor becomes a rejection.
  return (resource, payload) => new Promise((resolve) => resolve(answer(resource, payload)));

  function answer(resource: string, payload: unknown): unknown {
    calls.push(resource);
    if (resource === failOn) {
      const error = new Error('boom');
      error.name = errorName;
      throw error;
    }
    if (resource === arns.validate) return validation;
    if (resource === arns.storeChunk) return { stored: (payload as { chunk: { records: number } }).chunk.records };
    if (resource === arns.archive) return { archiveBucket: 'a', originalKey: 'o', lineageKey: 'l' };
    return { ok: true };
  }
}

const topLevel = (trace: readonly { type: string; state: string }[]): string[] =>
  trace.filter((e) => e.type === 'StateEntered' && !e.state.includes('/')).map((e) => e.state);

describe('the local run follows the synthesized file-workflow definition', () => {
  it('visits the states of a successful run in the order the definition chains them', async () => {
    const calls: string[] = [];
    const result = await interpreter(recordingInvoker(calls)).execute(input, identity);
    expect(result.status).toBe('SUCCEEDED');
    expect(topLevel(result.trace)).toEqual(happyPath(definition));
    expect(happyPath(definition)).toEqual([
      WORKFLOW_STEPS.identifyRun,
      WORKFLOW_STEPS.validate,
      WORKFLOW_STEPS.process,
      WORKFLOW_STEPS.markCompleted,
      WORKFLOW_STEPS.notifySuccess,
      WORKFLOW_STEPS.done,
    ]);
    // One StoreChunk per staged chunk, plus Archive, between Validate and the notification.
    expect(calls).toEqual(
      expect.arrayContaining([arns.validate, arns.storeChunk, arns.storeChunk, arns.archive, arns.notify]),
    );
    expect(calls[0]).toBe(arns.validate);
    expect(calls.at(-1)).toBe(arns.notify);
    expect(result.output).toMatchObject({
      status: 'COMPLETED',
      validation,
      results: [
        { MapRunArn: expect.stringContaining(':mapRun:wf/StoreChunks:'), ResultWriterDetails: { Bucket: 'b' } },
        { archiveBucket: 'a' },
      ],
    });
  });

  it('enters every state of the definition that a run can reach, and no other', async () => {
    const entered = new Set<string>();
    for (const [failOn, errorName] of [
      [undefined],
      [arns.validate],
      [arns.validate, RUN_IN_PROGRESS_ERROR],
      [arns.storeChunk],
      [arns.compensate],
    ]) {
      const result = await interpreter(recordingInvoker([], failOn, errorName)).execute(input, identity);
      for (const event of result.trace) if (event.type === 'StateEntered') entered.add(event.state);
    }
    expect([...entered].sort()).toEqual([...new Set(stateOrder(definition))].sort());
  });

  it.each([
    ['Validate', arns.validate, WORKFLOW_STEPS.validate],
    ['a StoreChunk', arns.storeChunk, WORKFLOW_STEPS.process],
    ['Archive', arns.archive, WORKFLOW_STEPS.process],
  ])('routes a failure in %s through the Catch chain of the definition', async (_label, failOn, caughtAt) => {
    const calls: string[] = [];
    const result = await interpreter(recordingInvoker(calls, failOn)).execute(input, identity);
    expect(result).toMatchObject({ status: 'FAILED' });
    expect(topLevel(result.trace)).toEqual(failurePath(definition, caughtAt, 'InjectedFailure'));
    expect(calls.filter((c) => c === arns.compensate)).toHaveLength(1);
  });

  it('ends a run whose version another run holds at DuplicateRun, calling no other step', async () => {
    const calls: string[] = [];
    const result = await new AslInterpreter(definition, {
      invoke: recordingInvoker(calls, arns.validate, RUN_IN_PROGRESS_ERROR),
    }).execute(input, identity);
    expect(result.status).toBe('SUCCEEDED');
    expect(topLevel(result.trace)).toEqual([
      WORKFLOW_STEPS.identifyRun,
      WORKFLOW_STEPS.validate,
      WORKFLOW_STEPS.duplicateRun,
    ]);
    expect(calls).toEqual([arns.validate]);
  });

  it('retries a retryable step error with the definition retry policy before compensating', async () => {
    let attempts = 0;
    const invoke: TaskInvoker = async (resource, payload) => {
      if (
        resource === arns.storeChunk &&
        (payload as { chunk: { key: string } }).chunk.key === 'c1' &&
        attempts++ < 2
      ) {
        const error = new Error('throttled');
        error.name = 'ProvisionedThroughputExceededException';
        throw error;
      }
      return recordingInvoker([])(resource, payload, { state: '', retryCount: 0, execution: '' });
    };
    const result = await interpreter(invoke).execute(input, identity);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.trace.filter((e) => e.type === 'TaskRetry')).toHaveLength(2);
  });

  it('does not retry a permanent error', async () => {
    const calls: string[] = [];
    const invoke: TaskInvoker = async (resource, payload, meta) => {
      if (resource === arns.validate) {
        calls.push(resource);
        const error = new Error('gone');
        error.name = 'FileNotFoundError';
        throw error;
      }
      return recordingInvoker([])(resource, payload, meta);
    };
    const result = await interpreter(invoke).execute(input, identity);
    expect(calls).toHaveLength(1);
    expect(topLevel(result.trace)).toEqual(failurePath(definition, WORKFLOW_STEPS.validate, 'FileNotFoundError'));
  });
});
