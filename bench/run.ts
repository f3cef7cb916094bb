/**
 * `npm run bench -- [--json | --markdown] [--runs N] [--only a,b]`: every benchmark of the project
 * in one run. Progress goes to stderr; stdout gets the table, or with `--json` exactly one JSON
 * object (npm itself prints its `> script` banner first unless run as `npm run -s bench`), or
 * with `--markdown` the table for BENCHMARKS.md. The JSON report is also written to
 * bench/out/latest.json (git-ignored); `--from <report.json>` renders a saved report instead of
 * running.
 * Exits 1 when any section failed (a missing piece is reported as that section's error, never
 * as a number) and 2 on bad arguments; goals not met do not change the exit code (BENCHMARKS.md
 * explains them).
 *
 * Sections run one after another, never in parallel, so they do not skew each other's timings;
 * each section module is loaded only when it runs, so a section whose code is missing fails
 * alone.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkGoals,
  renderMarkdown,
  renderTable,
  DEFAULT_SECTIONS,
  SECTION_NAMES,
  type BenchReport,
  type MachineInfo,
  type SectionName,
  type SectionOutcome,
  type Sections,
} from './report';
import { round } from './stats';

const ROOT = join(__dirname, '..');

/** Parsed command line. */
export interface BenchArgs {
  readonly json: boolean;
  readonly markdown: boolean;
  /** Render this saved JSON report instead of running (e.g. bench/out/latest.json). */
  readonly from?: string;
  readonly runs: number;
  readonly only: readonly SectionName[];
}

/**
 * Parses the command line.
 * @throws Error naming the bad argument.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      runs: { type: 'string', default: '3' },
      only: { type: 'string' },
      from: { type: 'string' },
    },
  });
  if (values.json && values.markdown) throw new Error('--json and --markdown are exclusive');
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20)
    throw new Error(`--runs must be an integer from 1 to 20, got "${values.runs}"`);
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...DEFAULT_SECTIONS];
  const unknown = only.filter((s) => !(SECTION_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(`--only: unknown section(s) ${unknown.join(', ')}; sections are ${SECTION_NAMES.join(', ')}`);
  return {
    json: values.json ?? false,
    markdown: values.markdown ?? false,
    runs,
    only: only as SectionName[],
    ...(values.from ? { from: values.from } : {}),
  };
}

/** CPU model, cores, memory and node version of this machine. */
export function machineInfo(loadStart: number): MachineInfo {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux: keep "unknown"
  }
  return {
    cpuModel,
    cores: availableParallelism(),
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: { start: round(loadStart, 2), end: round(loadavg()[0], 2) },
  };
}

const progress = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

/** Runs one section; any exception becomes that section's error. */
async function runSection<T>(
  name: SectionName,
  measure: () => Promise<T>,
  incomplete?: (result: T) => string | undefined,
): Promise<SectionOutcome<T>> {
  const started = Date.now();
  progress(`${name}: start`);
  try {
    const result = await measure();
    const seconds = round((Date.now() - started) / 1000, 1);
    const problem = incomplete?.(result);
    progress(`${name}: ${problem ? `incomplete: ${problem}` : 'done'} in ${seconds} s`);
    return problem ? { status: 'error', seconds, error: problem, result } : { status: 'ok', seconds, result };
  } catch (error) {
    const seconds = round((Date.now() - started) / 1000, 1);
    const message = error instanceof Error ? error.message : String(error);
    progress(`${name}: ERROR after ${seconds} s: ${message}`);
    return { status: 'error', seconds, error: message };
  }
}

/** Runs the selected sections and builds the report. */
export async function runBench(args: BenchArgs): Promise<BenchReport> {
  const startedAt = new Date();
  const loadStart = loadavg()[0];
  const selected = new Set(args.only);
  const skip = { status: 'skipped' } as const;
  const common = { root: ROOT, runs: args.runs, progress };

  const storage = selected.has('storage')
    ? await runSection('storage', async () => (await import('./storage')).measureStorage(common))
    : skip;
  const bars = selected.has('bars')
    ? await runSection('bars', async () => (await import('./bars-cost')).measureBars(common))
    : skip;
  const bundles = selected.has('bundles')
    ? await runSection(
        'bundles',
        async () => (await import('./bundles')).measureBundles(common),
        (r) => (r.missing.length > 0 ? `no entry functions/<name>/index.ts for ${r.missing.join(', ')}` : undefined),
      )
    : skip;
  const dataPath = selected.has('dataPath')
    ? await runSection('dataPath', async () =>
        (await import('./data-path-pinned')).measureDataPathPinned({
          root: ROOT,
          runs: Math.max(5, args.runs),
          progress,
        }),
      )
    : skip;
  const synth = selected.has('synth')
    ? await runSection('synth', async () => (await import('./synth')).measureSynth(common))
    : skip;
  let testsModule: typeof import('./tests') | undefined;
  const tests = selected.has('tests')
    ? await runSection(
        'tests',
        async () => (testsModule = await import('./tests')).measureUnitTests(common),
        (r) => testsModule?.testsProblem(r),
      )
    : skip;

  const fileScale = selected.has('fileScale')
    ? await runSection('fileScale', async () => (await import('./file-scale')).measureFileScale(common))
    : skip;

  const sections: Sections = { storage, bars, bundles, dataPath, synth, tests, fileScale };
  const goals = checkGoals(sections);
  return {
    startedAt: startedAt.toISOString(),
    durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 1),
    runs: args.runs,
    machine: machineInfo(loadStart),
    sections,
    goals,
    summary: {
      goals: goals.length,
      met: goals.filter((g) => g.met === true).length,
      notMet: goals.filter((g) => g.met === false).length,
      notMeasured: goals.filter((g) => g.met === null).length,
    },
    ok: SECTION_NAMES.every((name) => sections[name].status !== 'error'),
  };
}

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `${(error as Error).message}\n` +
        `usage: npm run bench -- [--json | --markdown] [--runs N] [--only ${SECTION_NAMES.join(',')}] ` +
        '[--from report.json]\n',
    );
    process.exitCode = 2;
    return;
  }
  let report: BenchReport;
  if (args.from) {
    report = JSON.parse(readFileSync(args.from, 'utf8')) as BenchReport;
  } else {
    report = await runBench(args);
    const outDir = join(ROOT, 'bench', 'out');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    progress('report written to bench/out/latest.json');
  }
  const json = `${JSON.stringify(report, null, 2)}\n`;
  process.stdout.write(args.json ? json : `${args.markdown ? renderMarkdown(report) : renderTable(report)}\n`);
  process.exitCode = report.ok ? 0 : 1;
}

if (require.main === module) {
  void main();
}
