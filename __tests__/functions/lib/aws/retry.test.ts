import { backoffDelay, resolveBackoff } from '../../../../functions/lib/aws/retry';

describe('backoff of the loops over partial results', () => {
  it('draws full-jitter delays under an exponential ceiling capped at capMs', () => {
    const max = resolveBackoff({ baseMs: 50, capMs: 5000, random: () => 0.999999 });
    expect([0, 1, 2, 3].map((r) => backoffDelay(r, max))).toEqual([49, 99, 199, 399]);
    expect(backoffDelay(10, max)).toBe(4999);
    expect(backoffDelay(3, resolveBackoff({ random: () => 0 }))).toBe(0);
  });

  it('defaults to 8 attempts from 50 ms, capped at 5 s', () => {
    expect(resolveBackoff()).toMatchObject({ baseMs: 50, capMs: 5000, maxAttempts: 8 });
  });
});
