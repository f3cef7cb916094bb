/**
 * `tests`: wall time of the unit suite exactly as `npm run test:unit` runs it, plus the files
 * that take longest (from jest's own per-file timings) so a slow suite names its culprits.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GOALS } from './goals';
import { lastLines, runMeasured } from './measured-process';
import { summarize, type Summary } from './stats';

/** One test file's duration. */
export interface FileTiming {
  readonly file: string;
  /** Median over the runs, ms. */
  readonly ms: number;
}

/** Result of the tests section. */
export interface TestsResult {
  readonly command: string;
  readonly wallMs: Summary;
  readonly suites: number;
  readonly tests: number;
  /** Failed tests in the last run (a red suite makes the section an error). */
  readonly failedTests: number;
  readonly failingFiles: readonly string[];
  /** The slowest files, slowest first. */
  readonly slowest: readonly FileTiming[];
  /**
   * Sum of every file's median duration, ms. Close to the wall time means the files ran one
   * after another (jest uses cores − 1 workers: one on a 2-core machine).
   */
  readonly filesTotalMs: number;
  /** Set when the runs stopped early because the first was far over the goal. */
  readonly stoppedEarly?: string;
}

export interface TestsOptions {
  readonly root: string;
  readonly runs: number;
  readonly progress: (message: string) => void;
}

/** Subset of jest's `--json` output this section reads. */
interface JestJson {
  numTotalTestSuites: number;
  numTotalTests: number;
  numFailedTests: number;
  numFailedTestSuites: number;
  testResults: { name: string; startTime: number; endTime: number; status: string }[];
}

/**
 * A first run this far over the goal (2×) answers the question: further runs would only push
 * the whole benchmark past its time budget.
 */
export const STOP_EARLY_MS = 2 * GOALS.testsWall.target;

/** Runs the unit project up to `runs` times. */
export async function measureUnitTests(opts: TestsOptions): Promise<TestsResult> {
  const walls: number[] = [];
  const perFile = new Map<string, number[]>();
  let last: JestJson | undefined;
  let stoppedEarly: string | undefined;
  for (let run = 1; run <= opts.runs; run++) {
    opts.progress(`tests: unit suite run ${run}/${opts.runs}`);
    const { wallMs, json } = await jestOnce(opts.root);
    walls.push(wallMs);
    for (const file of json.testResults) {
      const name = relative(opts.root, file.name);
      perFile.set(name, [...(perFile.get(name) ?? []), file.endTime - file.startTime]);
    }
    last = json;
    if (run < opts.runs && wallMs > STOP_EARLY_MS) {
      const took = `run ${run} took ${Math.round(wallMs)} ms`;
      stoppedEarly = `${took}, over ${STOP_EARLY_MS} ms (2× the goal): no further runs`;
      opts.progress(`tests: ${stoppedEarly}`);
      break;
    }
  }
  if (!last) throw new Error('tests: no runs requested');
  return {
    command: 'npx jest --selectProjects unit',
    wallMs: summarize(walls),
    suites: last.numTotalTestSuites,
    tests: last.numTotalTests,
    failedTests: last.numFailedTests,
    failingFiles: last.testResults.filter((t) => t.status === 'failed').map((t) => relative(opts.root, t.name)),
    slowest: slowestFiles(perFile, 5),
    filesTotalMs: slowestFiles(perFile, perFile.size).reduce((sum, f) => sum + f.ms, 0),
    ...(stoppedEarly ? { stoppedEarly } : {}),
  };
}

/** Why the suite's figures cannot stand as a benchmark (a red suite), or undefined. */
export function testsProblem(result: TestsResult): string | undefined {
  if (result.failedTests === 0 && result.failingFiles.length === 0) return undefined;
  return `unit suite is red: ${result.failedTests} failed tests in ${result.failingFiles.join(', ')}`;
}

async function jestOnce(root: string): Promise<{ wallMs: number; json: JestJson }> {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-jest-'));
  const resultsFile = join(scratch, 'results.json');
  try {
    const measured = await runMeasured({
      command: 'npx',
      args: ['--no-install', 'jest', '--selectProjects', 'unit', '--json', '--outputFile', resultsFile],
      cwd: root,
      env: { CHECKPOINT_DISABLE: '1' },
      timeoutMs: 180_000,
    });
    let json: JestJson;
    try {
      json = JSON.parse(readFileSync(resultsFile, 'utf8')) as JestJson;
    } catch {
      throw new Error(
        `jest wrote no results (exit ${measured.exitCode}${measured.timedOut ? ', timed out' : ''}): ` +
          lastLines(measured.stderr),
      );
    }
    if (json.numTotalTestSuites === 0) throw new Error('the unit project found no test files');
    return { wallMs: measured.wallMs, json };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The `count` files with the largest median duration, slowest first. */
export function slowestFiles(perFile: ReadonlyMap<string, readonly number[]>, count: number): FileTiming[] {
  return [...perFile]
    .map(([file, durations]) => ({ file, ms: Math.round(summarize(durations).median) }))
    .sort((a, b) => b.ms - a.ms || a.file.localeCompare(b.file))
    .slice(0, count);
}
