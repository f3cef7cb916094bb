/**
 * `storage`: DynamoDB efficiency of the store path and the bars path, counted (not timed) by
 * running the real handlers against the counting client in a child process
 * (bench/storage-child.ts).
 */
import { join } from 'node:path';
import { lambdaLikeEnvironment } from './lambda-environment';
import { lastLines, runMeasured } from './measured-process';
import type { StorageChildResult } from './storage-child';

/** Result of the storage section. */
export type StorageResult = StorageChildResult;

export interface StorageOptions {
  readonly root: string;
  /** Records through the store path (default 10,000). */
  readonly rows?: number;
  readonly runs: number;
  readonly progress: (message: string) => void;
}

/** Marks the result line among whatever the handlers log. */
export const RESULT_MARKER = 'BENCH_RESULT ';

/** Runs the storage child and returns its figures. */
export async function measureStorage(opts: StorageOptions): Promise<StorageResult> {
  const rows = opts.rows ?? 10_000;
  opts.progress(`storage: ${rows} records through store-chunk, then the bars handler, against the counting client`);
  const run = await runMeasured({
    command: join(opts.root, 'node_modules', '.bin', 'tsx'),
    args: [join('bench', 'storage-child.ts'), '--rows', String(rows), '--runs', String(opts.runs)],
    cwd: opts.root,
    env: {
      ...lambdaLikeEnvironment(opts.root),
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    timeoutMs: 120_000,
  });
  if (run.exitCode !== 0) {
    throw new Error(
      `storage child ${run.timedOut ? 'timed out' : `exited with ${run.exitCode ?? run.signal}`}: ` +
        lastLines(run.stderr),
    );
  }
  return parseMarkedResult<StorageResult>(run.stdout);
}

/** The JSON after the last `BENCH_RESULT ` marker in `stdout`. */
export function parseMarkedResult<T>(stdout: string): T {
  const at = stdout.lastIndexOf(RESULT_MARKER);
  if (at < 0) throw new Error(`child printed no ${RESULT_MARKER.trim()} line: ${lastLines(stdout)}`);
  const line = stdout.slice(at + RESULT_MARKER.length).split('\n')[0];
  return JSON.parse(line) as T;
}
