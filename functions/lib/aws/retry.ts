/**
 * Exponential backoff with full jitter (delay = random × min(cap, base × 2^attempt)), the
 * scheme AWS recommends so that many throttled callers spread out instead of retrying in step.
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

const THROTTLING_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalServerError',
]);

/** True for errors that mean "try again later" (throttling, transient 5xx). */
export function isRetryableAwsError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e.name && THROTTLING_NAMES.has(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * Runs `operation` until it succeeds, `isRetryable(error)` is false, or the attempts run out
 * (then the last error is thrown).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: BackoffOptions = {},
  isRetryable: (error: unknown) => boolean = isRetryableAwsError,
): Promise<T> {
  const backoff = resolveBackoff(options);
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt + 1 >= backoff.maxAttempts || !isRetryable(error)) throw error;
      await backoff.sleep(backoffDelay(attempt, backoff));
    }
  }
}
