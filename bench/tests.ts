/**
 * `tests`: wall time of the unit suite exactly as `npm run test:unit` runs it, plus the files
 * that take longest (from jest's own per-file timings) so a slow suite names its culprits.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { lastLines } from './synth';
import { runMeasured } from './measured-process';
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
  /** The slowest files, slowest first. */
  readonly slowest: readonly FileTiming[];
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
  testResults: { name: string; startTime: number; endTime: number; status: string; message: string }[];
}

/** Runs the unit project `runs` times. A red suite is an error: its time would not mean much. */
export async function measureUnitTests(opts: TestsOptions): Promise<TestsResult> {
  const walls: number[] = [];
  const perFile = new Map<string, number[]>();
  let last: JestJson | undefined;
  for (let run = 1; run <= opts.runs; run++) {
    opts.progress(`tests: unit suite run ${run}/${opts.runs}`);
    const scratch = mkdtempSync(join(tmpdir(), 'bench-jest-'));
    const resultsFile = join(scratch, 'results.json');
    try {
      const measured = await runMeasured({
        command: 'npx',
        args: ['--no-install', 'jest', '--selectProjects', 'unit', '--json', '--outputFile', resultsFile],
        cwd: opts.root,
        env: { CHECKPOINT_DISABLE: '1' },
        timeoutMs: 180_000,
      });
      let json: JestJson;
      try {
        json = JSON.parse(readFileSync(resultsFile, 'utf8')) as JestJson;
      } catch {
        throw new Error(`jest wrote no results (exit ${measured.exitCode}): ${lastLines(measured.stderr)}`);
      }
      if (json.numTotalTestSuites === 0) throw new Error('the unit project found no test files');
      if (json.numFailedTests > 0 || json.numFailedTestSuites > 0) {
        const failing = json.testResults.filter((t) => t.status === 'failed').map((t) => relative(opts.root, t.name));
        throw new Error(
          `unit suite is red after ${Math.round(measured.wallMs)} ms: ${json.numFailedTests} failed tests; failing files: ${failing.join(', ')}`,
        );
      }
      walls.push(measured.wallMs);
      for (const file of json.testResults) {
        const name = relative(opts.root, file.name);
        perFile.set(name, [...(perFile.get(name) ?? []), file.endTime - file.startTime]);
      }
      last = json;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (!last) throw new Error('tests: no runs requested');
  return {
    command: 'npx jest --selectProjects unit',
    wallMs: summarize(walls),
    suites: last.numTotalTestSuites,
    tests: last.numTotalTests,
    slowest: slowestFiles(perFile, 5),
  };
}

/** The `count` files with the largest median duration, slowest first. */
export function slowestFiles(perFile: ReadonlyMap<string, readonly number[]>, count: number): FileTiming[] {
  return [...perFile]
    .map(([file, durations]) => ({ file, ms: Math.round(summarize(durations).median) }))
    .sort((a, b) => b.ms - a.ms || a.file.localeCompare(b.file))
    .slice(0, count);
}
