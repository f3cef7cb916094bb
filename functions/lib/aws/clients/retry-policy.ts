/**
 * The one retry layer of the handlers' AWS calls. Every SDK client is built with this policy:
 * the SDK's standard retry strategy (throttling, 5xx, timeouts and connection errors retried with
 * exponential backoff and full jitter, capped at 20 s, within a client-wide retry quota).
 *
 * Code above the clients never retries a call that threw: the SDK already did. Hand-written
 * loops exist only for partial results that a successful call reports (PutEvents' failed
 * entries), which the SDK cannot see as errors.
 */

/** Attempts per call (the first one included) by service. */
export const SDK_MAX_ATTEMPTS = {
  /**
   * Records are written one conditional request each, so a throttled burst is retried here, not
   * by a batch loop: more attempts than the SDK's default of 3, with its longer throttling backoff.
   */
  dynamodb: 5,
  s3: 3,
  eventbridge: 3,
  sfn: 3,
  sns: 3,
} as const;

/** Client configuration of the retry policy for `service`. */
export function retryPolicy(service: keyof typeof SDK_MAX_ATTEMPTS): {
  readonly maxAttempts: number;
  readonly retryMode: 'standard';
} {
  return { maxAttempts: SDK_MAX_ATTEMPTS[service], retryMode: 'standard' };
}
