/**
 * `bars`: the bars path's cost per trade at 1,000, 10,000 and 50,000 trades per minute of one
 * symbol, partial bars against the old recompute design, both billed by the counting client,
 * measured in a child process (bench/bars-cost-child.ts).
 */
import { join } from 'node:path';
import type { BarsCostResult } from './bars-cost-child';
import { lambdaLikeEnvironment } from './lambda-environment';
import { lastLines, runMeasured } from './measured-process';
import { parseMarkedResult } from './storage';

/** Result of the bars section. */
export type BarsResult = BarsCostResult;

export interface BarsOptions {
  readonly root: string;
  readonly runs: number;
  readonly progress: (message: string) => void;
}

/** Runs the bars child and returns its figures. */
export async function measureBars(opts: BarsOptions): Promise<BarsResult> {
  opts.progress('bars: 1k/10k/50k trades per minute, partial bars and the old recompute (about a minute)');
  const run = await runMeasured({
    command: join(opts.root, 'node_modules', '.bin', 'tsx'),
    args: [join('bench', 'bars-cost-child.ts'), '--runs', String(opts.runs)],
    cwd: opts.root,
    env: {
      ...lambdaLikeEnvironment(opts.root),
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    timeoutMs: 600_000,
  });
  if (run.exitCode !== 0) {
    const how = run.timedOut ? 'timed out' : `exited with ${run.exitCode ?? run.signal}`;
    throw new Error(`bars child ${how}: ${lastLines(run.stderr)}`);
  }
  return parseMarkedResult<BarsResult>(run.stdout);
}
