import {
  AslInterpreter,
  errorMatches,
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

describe('retry matching and backoff', () => {
  it('matches States.ALL, exact names, and States.TaskFailed except timeouts', () => {
    expect(errorMatches(['States.ALL'], 'Anything')).toBe(true);
    expect(errorMatches(['A'], 'A')).toBe(true);
    expect(errorMatches(['A'], 'B')).toBe(false);
    expect(errorMatches(['States.TaskFailed'], 'States.Timeout')).toBe(false);
    expect(errorMatches(['States.TaskFailed'], 'Boom')).toBe(true);
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
