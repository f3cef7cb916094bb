/**
 * Summaries of repeated measurements. Every figure the benchmark prints is the median of
 * several runs with the min and max next to it, because the machines are shared and a single
 * run can land on a noisy moment.
 */

/** Median, min and max of a set of runs. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Number of runs summarised. */
  readonly runs: number;
}

/**
 * Summarises samples; the median of an even count is the mean of the two middle values.
 * @throws RangeError when there are no samples or one is not a finite number.
 */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('summarize: no samples');
  if (!samples.every(Number.isFinite)) throw new RangeError(`summarize: non-finite sample in [${samples.join(', ')}]`);
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/**
 * Ratio of two medians, rounded to 3 decimals (more would claim precision that shared
 * machines do not have).
 * @throws RangeError when the denominator is not a positive number.
 */
export function ratioOf(numerator: number, denominator: number): number {
  if (!(denominator > 0) || !Number.isFinite(numerator)) {
    throw new RangeError(`ratioOf: cannot divide ${numerator} by ${denominator}`);
  }
  return round(numerator / denominator, 3);
}

/** Rounds half away from zero to `decimals` places. */
export function round(value: number, decimals = 0): number {
  const factor = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * factor)) / factor;
}
