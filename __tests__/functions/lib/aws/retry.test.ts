import { backoffDelay, isRetryableAwsError, resolveBackoff, withRetry } from '../../../../functions/lib/aws/retry';

describe('retry', () => {
  it('draws full-jitter delays under an exponential ceiling capped at capMs', () => {
    const max = resolveBackoff({ baseMs: 50, capMs: 5000, random: () => 0.999999 });
    expect([0, 1, 2, 3].map((r) => backoffDelay(r, max))).toEqual([49, 99, 199, 399]);
    expect(backoffDelay(10, max)).toBe(4999);
    expect(backoffDelay(3, resolveBackoff({ random: () => 0 }))).toBe(0);
  });

  it('retries throttling until it succeeds, sleeping between attempts', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await withRetry(
      () => {
        calls++;
        if (calls < 3) return Promise.reject(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
        return Promise.resolve('ok');
      },
      {
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
        random: () => 0.5,
      },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(sleeps).toEqual([25, 50]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    const op = withRetry(
      () => {
        calls++;
        return Promise.reject(Object.assign(new Error('busy'), { name: 'ProvisionedThroughputExceededException' }));
      },
      { maxAttempts: 4, sleep: () => Promise.resolve() },
    );
    await expect(op).rejects.toThrow('busy');
    expect(calls).toBe(4);
  });

  it('does not retry errors that are not transient', async () => {
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(
            Object.assign(new Error('bad'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }),
          );
        },
        { sleep: () => Promise.resolve() },
      ),
    ).rejects.toThrow('bad');
    expect(calls).toBe(1);
  });

  it('classifies throttling and 5xx as retryable', () => {
    expect(isRetryableAwsError({ name: 'SlowDown' })).toBe(true);
    expect(isRetryableAwsError({ name: 'X', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isRetryableAwsError({ name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } })).toBe(
      false,
    );
    expect(isRetryableAwsError(undefined)).toBe(false);
  });
});
