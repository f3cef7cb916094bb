import {
  AslInterpreter,
  errorMatches,
  PAYLOAD_LIMIT_BYTES,
  retryDelaySeconds,
  StatesError,
  type Graph,
  type TaskInvoker,
} from '../../local/asl-interpreter';

const identity = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:run-1',
  name: 'run-1',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm',
};

/** A named error like the handlers throw. */
function named(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const entered = (trace: readonly { type: string; state: string }[]): string[] =>
  trace.filter((e) => e.type === 'StateEntered').map((e) => e.state);

describe('AslInterpreter', () => {
  it('passes task results along ResultPath and discards them with ResultPath null', async () => {
    const definition: Graph = {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'fn:a', ResultPath: '$.a', Next: 'B' },
        B: { Type: 'Task', Resource: 'fn:b', ResultPath: null, Next: 'C' },
        C: { Type: 'Pass', Result: 'DONE', ResultPath: '$.status', Next: 'End' },
        End: { Type: 'Succeed' },
      },
    };
    const invoke: TaskInvoker = (resource, input) => Promise.resolve({ from: resource, saw: input });
    const result = await new AslInterpreter(definition, { invoke }).execute({ x: 1 }, identity);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ x: 1, a: { from: 'fn:a', saw: { x: 1 } }, status: 'DONE' });
    expect(entered(result.trace)).toEqual(['A', 'B', 'C', 'End']);
  });

  it('retries a matching error up to MaxAttempts, then catches it into ResultPath', async () => {
    let calls = 0;
    const definition: Graph = {
      StartAt: 'Flaky',
      States: {
        Flaky: {
          Type: 'Task',
          Resource: 'fn:flaky',
          Retry: [
            { ErrorEquals: ['Permanent'], MaxAttempts: 0 },
            { ErrorEquals: ['Throttled'], MaxAttempts: 2, IntervalSeconds: 1 },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }],
          Next: 'Ok',
        },
        Ok: { Type: 'Succeed' },
        Recover: { Type: 'Fail', Error: 'Recovered' },
      },
    };
    const invoke: TaskInvoker = () => {
      calls++;
      return Promise.reject(named('Throttled', 'slow down'));
    };
    const result = await new AslInterpreter(definition, { invoke }).execute({}, identity);
    expect(calls).toBe(3);
    expect(result.trace.filter((e) => e.type === 'TaskRetry')).toHaveLength(2);
    expect(result).toMatchObject({ status: 'FAILED', error: 'Recovered' });
    expect(entered(result.trace)).toEqual(['Flaky', 'Recover']);
  });

  it('never retries an error pinned to MaxAttempts 0 even when a later retrier would match', async () => {
    let calls = 0;
    const definition: Graph = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'fn',
          Retry: [
            { ErrorEquals: ['FileNotFoundError'], MaxAttempts: 0 },
            { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
          ],
          End: true,
        },
      },
    };
    const result = await new AslInterpreter(definition, {
      invoke: () => {
        calls++;
        return Promise.reject(named('FileNotFoundError'));
      },
    }).execute({}, identity);
    expect(calls).toBe(1);
    expect(result).toMatchObject({ status: 'FAILED', error: 'FileNotFoundError' });
    expect(JSON.parse(result.cause as string)).toEqual({
      errorType: 'FileNotFoundError',
      errorMessage: 'FileNotFoundError',
    });
  });

  it('puts { Error, Cause } at the catcher ResultPath and keeps the original input', async () => {
    const definition: Graph = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'fn',
          Catch: [{ ErrorEquals: ['Boom'], ResultPath: '$.error', Next: 'After' }],
          Next: 'After',
        },
        After: { Type: 'Pass', End: true },
      },
    };
    const result = await new AslInterpreter(definition, {
      invoke: async () => Promise.reject(named('Boom', 'bad')),
    }).execute({ keep: true }, identity);
    expect(result.output).toEqual({
      keep: true,
      error: { Error: 'Boom', Cause: JSON.stringify({ errorType: 'Boom', errorMessage: 'bad' }) },
    });
  });

  it('runs Map iterations with ItemSelector, the $$.Map context and bounded concurrency, in item order', async () => {
    let inFlight = 0;
    let peak = 0;
    const definition: Graph = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'owner.$': '$.owner', 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
          MaxConcurrency: 2,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Work',
            States: { Work: { Type: 'Task', Resource: 'fn:work', End: true } },
          },
          ResultPath: '$.results',
          End: true,
        },
      },
    };
    const invoke: TaskInvoker = async (_resource, input) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return input;
    };
    const result = await new AslInterpreter(definition, { invoke }).execute(
      { owner: 'o', items: ['a', 'b', 'c', 'd', 'e'] },
      identity,
    );
    expect(peak).toBe(2);
    expect((result.output as { results: unknown[] }).results).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((value, index) => ({ owner: 'o', value, index })),
    );
  });

  it('fails a Map when one iteration fails and starts no further iterations', async () => {
    const started: number[] = [];
    const definition: Graph = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$',
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'W',
            States: { W: { Type: 'Task', Resource: 'fn', End: true } },
          },
          End: true,
        },
      },
    };
    const result = await new AslInterpreter(definition, {
      invoke: (_r, input) => {
        started.push(input as number);
        return input === 2 ? Promise.reject(named('StoreFailed')) : Promise.resolve(input);
      },
    }).execute([1, 2, 3, 4], identity);
    expect(result).toMatchObject({ status: 'FAILED', error: 'StoreFailed' });
    expect(started).toEqual([1, 2]);
  });

  it('returns Parallel branch outputs in branch order and fails the state when a branch fails', async () => {
    const parallel = (failB: boolean): Graph => ({
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'fn:a', End: true } } },
            {
              StartAt: 'B',
              States: { B: failB ? { Type: 'Fail', Error: 'BranchB' } : { Type: 'Task', Resource: 'fn:b', End: true } },
            },
          ],
          ResultPath: '$.results',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
        Caught: { Type: 'Succeed' },
      },
    });
    const invoke: TaskInvoker = (resource) => Promise.resolve(resource);
    const ok = await new AslInterpreter(parallel(false), { invoke }).execute({}, identity);
    expect(ok.output).toEqual({ results: ['fn:a', 'fn:b'] });
    expect(entered(ok.trace)).toEqual(expect.arrayContaining(['P', 'P/0:A', 'P/1:B', 'Done']));
    const failed = await new AslInterpreter(parallel(true), { invoke }).execute({}, identity);
    expect(failed.output).toEqual({ error: { Error: 'BranchB', Cause: '' } });
    expect(entered(failed.trace).at(-1)).toBe('Caught');
  });

  it('times a task out with States.Timeout, which States.TaskFailed does not catch', async () => {
    const definition: Graph = {
      StartAt: 'Slow',
      States: {
        Slow: {
          Type: 'Task',
          Resource: 'fn',
          TimeoutSeconds: 0.02,
          Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Wrong' }],
          End: true,
        },
        Wrong: { Type: 'Succeed' },
      },
    };
    const result = await new AslInterpreter(definition, {
      invoke: () => new Promise((resolve) => setTimeout(resolve, 200)),
    }).execute({}, identity);
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('exposes the execution input and name through the context object', async () => {
    const definition: Graph = {
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Parameters: { 'input.$': '$$.Execution.Input', 'name.$': '$$.Execution.Name' }, End: true },
      },
    };
    const result = await new AslInterpreter(definition, { invoke: () => Promise.resolve(undefined) }).execute(
      { k: 1 },
      identity,
    );
    expect(result.output).toEqual({ input: { k: 1 }, name: 'run-1' });
  });

  it('reports an unsupported state type as States.Runtime rather than skipping it', async () => {
    const result = await new AslInterpreter(
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } },
      { invoke: () => Promise.resolve(undefined) },
    ).execute({}, identity);
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});

describe('execution timeout', () => {
  it('ends a run that outlives the definition TimeoutSeconds as TIMED_OUT with States.Timeout', async () => {
    const slow = { StartAt: 'S', TimeoutSeconds: 0.05, States: { S: { Type: 'Task', Resource: 'fn', End: true } } };
    const result = await new AslInterpreter(slow, {
      invoke: () => new Promise((resolve) => setTimeout(resolve, 500)),
    }).execute({}, identity);
    expect(result).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });

  it('enters no further state once timed out, not even a Catch target; tasks in flight still finish', async () => {
    const calls: string[] = [];
    const definition = {
      StartAt: 'Slow',
      TimeoutSeconds: 0.05,
      States: {
        Slow: {
          Type: 'Task',
          Resource: 'fn:slow',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Compensate' }],
          Next: 'After',
        },
        After: { Type: 'Task', Resource: 'fn:after', End: true },
        Compensate: { Type: 'Task', Resource: 'fn:compensate', End: true },
      },
    };
    const result = await new AslInterpreter(definition, {
      invoke: async (resource) => {
        calls.push(resource);
        if (resource === 'fn:slow') {
          await new Promise((resolve) => setTimeout(resolve, 150));
          throw named('LateFailure');
        }
        return {};
      },
    }).execute({}, identity);
    expect(result.status).toBe('TIMED_OUT');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(calls).toEqual(['fn:slow']);
  });
});

describe('payload quota', () => {
  const bigResult = (): string => 'x'.repeat(PAYLOAD_LIMIT_BYTES + 1);

  it('fails with States.DataLimitExceeded when a task returns over 256 KiB, uncaught by States.ALL', async () => {
    const definition: Graph = {
      StartAt: 'Big',
      States: {
        Big: {
          Type: 'Task',
          Resource: 'fn:big',
          ResultPath: null,
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }],
          End: true,
        },
        Recover: { Type: 'Succeed' },
      },
    };
    const result = await new AslInterpreter(definition, { invoke: () => Promise.resolve(bigResult()) }).execute(
      {},
      identity,
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(result.cause).toMatch(/Big.*size exceeding/);
    expect(entered(result.trace)).toEqual(['Big']);
  });

  it('fails when a state output grows past 256 KiB and reports the largest payload of a run', async () => {
    const grow: Graph = {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'fn', ResultPath: '$.a', Next: 'B' },
        B: { Type: 'Task', Resource: 'fn', ResultPath: '$.b', End: true },
      },
    };
    const half = 'y'.repeat(PAYLOAD_LIMIT_BYTES / 2);
    const failed = await new AslInterpreter(grow, { invoke: () => Promise.resolve(half) }).execute({}, identity);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    const ok = await new AslInterpreter(grow, { invoke: () => Promise.resolve('small') }).execute({ n: 1 }, identity);
    expect(ok.largestPayloadBytes).toBe(JSON.stringify({ n: 1, a: 'small', b: 'small' }).length);
  });

  it('refuses an execution input over 256 KiB', async () => {
    const pass: Graph = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const result = await new AslInterpreter(pass, { invoke: () => Promise.resolve(undefined) }).execute(
      bigResult(),
      identity,
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });
});

describe('Distributed Map', () => {
  /** A JSON Lines "object" of `count` items, as the emulator's S3 would serve it. */
  const jsonLines = (count: number): string =>
    Array.from({ length: count }, (_, i) => JSON.stringify({ key: `chunk-${i}`, records: i })).join('\n') + '\n';

  const distributed = (extra: Record<string, unknown> = {}): Graph => ({
    StartAt: 'Store',
    States: {
      Store: {
        Type: 'Map',
        Label: 'Store',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSONL' },
          Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.manifest' },
        },
        ItemSelector: { 'run.$': '$$.Execution.Name', 'chunk.$': '$$.Map.Item.Value' },
        MaxConcurrency: 3,
        ToleratedFailurePercentage: 0,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Work',
          States: { Work: { Type: 'Task', Resource: 'fn:work', End: true } },
        },
        ResultPath: '$.stored',
        End: true,
        ...extra,
      },
    },
  });
  const objects = new Map<string, string>();
  const storage = {
    readObject: (bucket: string, key: string): Promise<string> => {
      const body = objects.get(`${bucket}/${key}`);
      return body === undefined ? Promise.reject(named('NoSuchKey')) : Promise.resolve(body);
    },
    writeObject: (bucket: string, key: string, body: string): Promise<void> => {
      objects.set(`${bucket}/${key}`, body);
      return Promise.resolve();
    },
  };
  beforeEach(() => objects.clear());

  it('reads the items with its ItemReader and runs each as a child execution, MaxConcurrency at a time', async () => {
    objects.set('b/staged/m.jsonl', jsonLines(10));
    let inFlight = 0;
    let peak = 0;
    const children = new Set<string>();
    const invoke: TaskInvoker = async (_resource, input, meta) => {
      children.add(meta.execution);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 3));
      inFlight--;
      return { stored: (input as { chunk: { records: number } }).chunk.records };
    };
    const result = await new AslInterpreter(distributed(), { invoke, storage }).execute(
      { bucket: 'b', manifest: 'staged/m.jsonl' },
      identity,
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(peak).toBe(3);
    expect(children.size).toBe(10);
    expect([...children].every((name) => name !== identity.name)).toBe(true);
    expect((result.output as { stored: unknown[] }).stored).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ stored: i })),
    );
  });

  it('passes the parent context to ItemSelector ($$.Execution.Name is the parent run)', async () => {
    objects.set('b/m', jsonLines(2));
    const seen: unknown[] = [];
    await new AslInterpreter(distributed(), {
      invoke: (_r, input) => Promise.resolve(seen.push(input)),
      storage,
    }).execute({ bucket: 'b', manifest: 'm' }, identity);
    expect(seen).toEqual(expect.arrayContaining([{ run: 'run-1', chunk: { key: 'chunk-0', records: 0 } }]));
  });

  it('fails with States.ExceedToleratedFailureThreshold when more items fail than tolerated', async () => {
    objects.set('b/m', jsonLines(6));
    const failOn =
      (bad: number[]): TaskInvoker =>
      (_r, input) =>
        bad.includes((input as { chunk: { records: number } }).chunk.records)
          ? Promise.reject(named('StoreFailed'))
          : Promise.resolve({});
    const strict = await new AslInterpreter(distributed(), { invoke: failOn([4]), storage }).execute(
      { bucket: 'b', manifest: 'm' },
      identity,
    );
    expect(strict).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    const lenient = distributed({ ToleratedFailurePercentage: undefined, ToleratedFailureCount: 1 });
    const one = await new AslInterpreter(lenient, { invoke: failOn([4]), storage }).execute(
      { bucket: 'b', manifest: 'm' },
      identity,
    );
    expect(one.status).toBe('SUCCEEDED');
    const two = await new AslInterpreter(lenient, { invoke: failOn([1, 4]), storage }).execute(
      { bucket: 'b', manifest: 'm' },
      identity,
    );
    expect(two).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
  });

  it('fails with States.DataLimitExceeded once the results pass 256 KiB, even with ResultPath null', async () => {
    objects.set('b/m', jsonLines(3000));
    const result = await new AslInterpreter(distributed({ ResultPath: null }), {
      invoke: () => Promise.resolve({ stored: 1000, note: 'x'.repeat(80) }),
      storage,
    }).execute({ bucket: 'b', manifest: 'm' }, identity);
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('writes the results to S3 with its ResultWriter and outputs only where they are, for any item count', async () => {
    objects.set('b/m', jsonLines(3000));
    const definition = distributed({
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { 'Bucket.$': '$.bucket', Prefix: 'results' },
        WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSONL' },
      },
    });
    const result = await new AslInterpreter(definition, {
      invoke: () => Promise.resolve({ stored: 1000, note: 'x'.repeat(80) }),
      storage,
    }).execute({ bucket: 'b', manifest: 'm' }, identity);
    expect(result.status).toBe('SUCCEEDED');
    const stored = (
      result.output as { stored: { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } } }
    ).stored;
    expect(stored.MapRunArn).toMatch(/^arn:aws:states:us-east-1:123456789012:mapRun:sm\/Store:[0-9a-f-]{36}$/);
    expect(stored.ResultWriterDetails.Bucket).toBe('b');
    expect(result.largestPayloadBytes).toBeLessThan(1024);
    const manifest = JSON.parse(objects.get(`b/${stored.ResultWriterDetails.Key}`)!) as {
      ResultFiles: { SUCCEEDED: { Key: string; Size: number }[]; FAILED: unknown[] };
    };
    expect(manifest.ResultFiles.FAILED).toEqual([]);
    const lines = objects.get(`b/${manifest.ResultFiles.SUCCEEDED[0].Key}`)!.trim().split('\n');
    expect(lines).toHaveLength(3000);
    expect(JSON.parse(lines[0])).toEqual({ stored: 1000, note: 'x'.repeat(80) });
  });

  it('fails with States.Runtime naming the ItemReader when there is no storage to read from', async () => {
    const result = await new AslInterpreter(distributed(), { invoke: () => Promise.resolve({}) }).execute(
      { bucket: 'b', manifest: 'm' },
      identity,
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it('fails like S3 does when the item file is missing (the Map state can catch it)', async () => {
    const definition = distributed({
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
      End: undefined,
      Next: 'Caught',
    });
    (definition.States as Record<string, unknown>).Caught = { Type: 'Succeed' };
    const result = await new AslInterpreter(definition, { invoke: () => Promise.resolve({}), storage }).execute(
      { bucket: 'b', manifest: 'missing' },
      identity,
    );
    expect(result.status).toBe('SUCCEEDED');
    expect((result.output as { error: { Error: string } }).error.Error).toBe('States.ItemReaderFailed');
  });
});

describe('retry matching and backoff', () => {
  it('matches States.ALL, exact names, and States.TaskFailed except timeouts', () => {
    expect(errorMatches(['States.ALL'], 'Anything')).toBe(true);
    expect(errorMatches(['A'], 'A')).toBe(true);
    expect(errorMatches(['A'], 'B')).toBe(false);
    expect(errorMatches(['States.TaskFailed'], 'States.Timeout')).toBe(false);
    expect(errorMatches(['States.TaskFailed'], 'Boom')).toBe(true);
  });

  it('never lets States.ALL match the terminal States.DataLimitExceeded and States.Runtime', () => {
    expect(errorMatches(['States.ALL'], 'States.DataLimitExceeded')).toBe(false);
    expect(errorMatches(['States.ALL'], 'States.Runtime')).toBe(false);
    expect(errorMatches(['States.DataLimitExceeded'], 'States.DataLimitExceeded')).toBe(true);
  });

  it('grows the delay by BackoffRate, caps it, and spreads it with FULL jitter', () => {
    const retrier = { ErrorEquals: ['X'], IntervalSeconds: 2, BackoffRate: 2, MaxDelaySeconds: 10 };
    expect([0, 1, 2, 3].map((n) => retryDelaySeconds(retrier, n))).toEqual([2, 4, 8, 10]);
    expect(retryDelaySeconds({ ...retrier, JitterStrategy: 'FULL' }, 1, () => 0.5)).toBe(2);
  });

  it('StatesError carries Error and Cause', () => {
    const error = new StatesError('States.Timeout', 'slow');
    expect(error.name).toBe('States.Timeout');
    expect(error.cause).toBe('slow');
  });
});
