/**
 * The checkov gate as one call: scan every synthesized stack of every environment in one
 * checkov run, apply the checked-in skip list, and return the verdict.
 */
import { ENVIRONMENTS } from '../config/schema';
import { runCheckov, type CheckovResult, type RunCheckovOptions } from './checkov';
import { applySkipList, loadSkipList, SKIP_LIST_PATH, type GateVerdict } from './skip-list';
import type { SynthesizedStack } from './terraform-json';

/** The verdict plus the raw results it was computed from. */
export interface GateRun extends GateVerdict {
  readonly results: readonly CheckovResult[];
  /** Wall time of the checkov process, ms. */
  readonly checkovMs: number;
}

/** Raised when the scanned stacks do not cover every environment. */
export class MissingEnvironmentError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(
      `The synthesized output has no stack for environment(s) ${missing.join(', ')}: ` +
        'synthesize all environments (unset PIPELINE_ENV) before the gate',
    );
    this.name = 'MissingEnvironmentError';
  }
}

/** Environments (`dev`, `prod`) that no stack name mentions as a `-<env>` segment. */
export function missingEnvironments(stacks: readonly SynthesizedStack[]): string[] {
  return ENVIRONMENTS.filter((env) => !stacks.some((s) => new RegExp(`(^|-)${env}(-|$)`).test(s.name)));
}

/**
 * Runs the gate over `stacks`.
 * @throws MissingEnvironmentError unless every environment has a stack.
 */
export function runGate(
  stacks: readonly SynthesizedStack[],
  options: RunCheckovOptions & { skipListPath?: string } = {},
): GateRun {
  const missing = missingEnvironments(stacks);
  if (missing.length > 0) throw new MissingEnvironmentError(missing);
  const skips = loadSkipList(options.skipListPath ?? SKIP_LIST_PATH);
  const started = Date.now();
  const results = runCheckov(stacks, options);
  const checkovMs = Date.now() - started;
  return {
    ...applySkipList(
      results,
      skips,
      stacks.map((s) => s.name),
    ),
    results,
    checkovMs,
  };
}
