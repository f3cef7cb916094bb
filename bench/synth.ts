/**
 * `synth`: our app command synthesizing every stack against the naive baseline app in
 * bench/baseline-app, run alternately so that load on the shared machine hits both sides
 * alike, each into its own temporary outdir.
 *
 * Our app reuses handler bundles whose inputs did not change, so it is measured twice per run:
 * cold (no bundles yet: what CI and a fresh clone pay, bundling included; this is the figure
 * the goal is about) and warm (bundles reused: a developer's repeated synth). Both run in a
 * temporary copy of the project sources (node_modules linked), so the benchmark never touches
 * the working tree's `.build/` that other commands may be using.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastLines, runMeasured, type MeasuredCommand, type MeasuredRun } from './measured-process';
import { ratioOf, summarize, type Summary } from './stats';

/** Figures for one app. */
export interface SynthFigures {
  /** The command (the project's cdktf.json `app`). */
  readonly command: string;
  readonly wallMs: Summary;
  /** Largest single process (the one running the app). */
  readonly peakRssMb: Summary;
  /** All processes of the command together (npx, tsx/ts-node, esbuild...). */
  readonly treePeakRssMb: Summary;
  /** Stacks written to the outdir's manifest. */
  readonly stacks: readonly string[];
}

/** Result of the synth section. */
export interface SynthResult {
  /** Cold: bundles built from scratch. */
  readonly ours: SynthFigures;
  /** Warm: bundles reused (inputs unchanged). */
  readonly oursWarm: SynthFigures;
  readonly baseline: SynthFigures;
  /** ours (cold) / baseline, of the medians. */
  readonly ratio: { readonly wallMs: number; readonly peakRssMb: number };
  /** ours (warm) / baseline wall time. */
  readonly warmRatio: { readonly wallMs: number };
}

/** Top-level entries never copied into the synth workspace (dependencies, outputs, VCS). */
const NOT_COPIED = new Set([
  'node_modules',
  '.git',
  '.build',
  'cdktf.out',
  '.venv',
  '.gen',
  'coverage',
  '.local-run',
  'bench',
]);

/**
 * Copies the project's sources to a temporary folder with node_modules linked, so the app
 * bundles into the copy's own `.build/`.
 */
export function copyProject(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'bench-project-'));
  cpSync(root, copy, {
    recursive: true,
    filter: (source) => {
      const relativePath = source.slice(root.length + 1);
      return relativePath === '' || !NOT_COPIED.has(relativePath.split('/')[0]);
    },
  });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

export interface SynthOptions {
  readonly root: string;
  readonly runs: number;
  readonly progress: (message: string) => void;
}

/** Runs both apps `runs` times each, alternating. */
export async function measureSynth(opts: SynthOptions): Promise<SynthResult> {
  const oursDir = opts.root;
  const baselineDir = join(opts.root, 'bench', 'baseline-app');
  if (!existsSync(join(oursDir, 'main.ts'))) throw new Error('main.ts does not exist yet: nothing to synthesize');
  if (!existsSync(join(baselineDir, 'main.ts'))) throw new Error('bench/baseline-app/main.ts is missing');

  const oursApp = appCommand(oursDir);
  const baselineApp = appCommand(baselineDir);
  const cold: MeasuredRun[] = [];
  const warm: MeasuredRun[] = [];
  const baseline: MeasuredRun[] = [];
  const coldStacks: string[][] = [];
  const warmStacks: string[][] = [];
  const baselineStacks: string[][] = [];
  const workspace = copyProject(oursDir);
  try {
    for (let run = 1; run <= opts.runs; run++) {
      opts.progress(`synth: ours, cold bundles, run ${run}/${opts.runs}`);
      rmSync(join(workspace, '.build'), { recursive: true, force: true });
      cold.push(await synthOnce(workspace, oursApp, coldStacks));
      opts.progress(`synth: ours, warm bundles, run ${run}/${opts.runs}`);
      warm.push(await synthOnce(workspace, oursApp, warmStacks));
      opts.progress(`synth: baseline run ${run}/${opts.runs}`);
      baseline.push(await synthOnce(baselineDir, baselineApp, baselineStacks));
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  const oursFigures = figures(`${oursApp.join(' ')} (bundles built from scratch)`, cold, coldStacks[0]);
  const warmFigures = figures(`${oursApp.join(' ')} (bundles reused)`, warm, warmStacks[0]);
  const baselineFigures = figures(`${baselineApp.join(' ')} (bench/baseline-app)`, baseline, baselineStacks[0]);
  return {
    ours: oursFigures,
    oursWarm: warmFigures,
    baseline: baselineFigures,
    ratio: {
      wallMs: ratioOf(oursFigures.wallMs.median, baselineFigures.wallMs.median),
      peakRssMb: ratioOf(oursFigures.peakRssMb.median, baselineFigures.peakRssMb.median),
    },
    warmRatio: { wallMs: ratioOf(warmFigures.wallMs.median, baselineFigures.wallMs.median) },
  };
}

/**
 * The app command of the project in `dir`, from its cdktf.json `app` (what `cdktf synth` runs),
 * split into argv. Commands that need a shell (quotes, `&&`, variables) are refused.
 */
export function appCommand(dir: string): string[] {
  const path = join(dir, 'cdktf.json');
  if (!existsSync(path)) throw new Error(`${path} is missing`);
  const app = (JSON.parse(readFileSync(path, 'utf8')) as { app?: unknown }).app;
  if (typeof app !== 'string' || app.trim() === '') throw new Error(`${path} has no "app" command`);
  if (/["'`$&|;<>]/.test(app))
    throw new Error(`${path}: app command "${app}" needs a shell; the benchmark runs plain commands`);
  return app.trim().split(/\s+/);
}

/** One synth into a fresh outdir; throws with the app's own output when it fails. */
async function synthOnce(cwd: string, app: readonly string[], stacksSeen: string[][]): Promise<MeasuredRun> {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const cmd: MeasuredCommand = {
    command: app[0],
    args: app.slice(1),
    cwd,
    // CDKTF_OUTDIR is where cdktf's App writes when main.ts passes no outdir; cdktf synth sets
    // CHECKPOINT_DISABLE in our scripts too.
    env: { CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir },
    timeoutMs: 120_000,
  };
  try {
    const run = await runMeasured(cmd);
    if (run.exitCode !== 0) {
      const reason = run.timedOut ? 'timed out' : `exited with ${run.exitCode ?? run.signal}`;
      throw new Error(`\`${app.join(' ')}\` in ${cwd} ${reason}: ${lastLines(run.stderr || run.stdout)}`);
    }
    stacksSeen.push(manifestStacks(outdir));
    return run;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Stack names in `<outdir>/manifest.json`; an app that wrote none did not synthesize. */
export function manifestStacks(outdir: string): string[] {
  const manifestPath = join(outdir, 'manifest.json');
  if (!existsSync(manifestPath))
    throw new Error(`the app wrote no ${manifestPath} (does main.ts call app.synth() without a fixed outdir?)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { stacks?: Record<string, unknown> };
  const stacks = Object.keys(manifest.stacks ?? {});
  if (stacks.length === 0) throw new Error(`${manifestPath} lists no stacks`);
  return stacks.sort();
}

function figures(command: string, runs: MeasuredRun[], stacks: string[]): SynthFigures {
  return {
    command,
    wallMs: summarize(runs.map((r) => r.wallMs)),
    peakRssMb: summarize(runs.map((r) => r.peakRssMb)),
    treePeakRssMb: summarize(runs.map((r) => r.treePeakRssMb)),
    stacks,
  };
}
