/**
 * Backoff for the loops over partial results (PutEvents' failed entries; BatchWriteItem's
 * UnprocessedItems, should a batch write come back): a call that succeeded but left part of its
 * work undone. A call that threw is
 * never retried here — the SDK client already retried it (./clients/retry-policy.ts).
 *
 * Exponential backoff with full jitter (delay = random × min(cap, base × 2^attempt)), the scheme
 * AWS recommends so that many throttled callers spread out instead of retrying in step.
 * `sleep` and `random` are injectable so tests run instantly and deterministically.
 */

/** How to back off. */
export interface BackoffOptions {
  /** Base delay in ms. Default 50. */
  readonly baseMs?: number;
  /** Largest delay in ms. Default 5000. */
  readonly capMs?: number;
  /** Total attempts including the first. Default 8. */
  readonly maxAttempts?: number;
  /** Waits `ms` milliseconds. Default: a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform random number in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

/** Resolved backoff settings. */
export interface Backoff {
  readonly baseMs: number;
  readonly capMs: number;
  readonly maxAttempts: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/** Waits `ms` milliseconds. */
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Fills in the defaults of `options`. */
export function resolveBackoff(options: BackoffOptions = {}): Backoff {
  return {
    baseMs: options.baseMs ?? 50,
    capMs: options.capMs ?? 5000,
    maxAttempts: options.maxAttempts ?? 8,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
  };
}

/** Delay before retry number `retry` (0-based): full jitter over the capped exponential. */
export function backoffDelay(retry: number, backoff: Backoff): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** retry);
  return Math.floor(backoff.random() * ceiling);
}
