/**
 * `synth`: our app command synthesizing every stack (bundling included) against the naive
 * baseline app in bench/baseline-app, run alternately so that load on the shared machine hits
 * both sides alike, each into its own temporary outdir.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMeasured, type MeasuredCommand, type MeasuredRun } from './measured-process';
import { ratioOf, summarize, type Summary } from './stats';

/** Figures for one app. */
export interface SynthFigures {
  /** The command, as a user would type it. */
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
  readonly ours: SynthFigures;
  readonly baseline: SynthFigures;
  /** ours / baseline, of the medians. */
  readonly ratio: { readonly wallMs: number; readonly peakRssMb: number };
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

  const ours: MeasuredRun[] = [];
  const baseline: MeasuredRun[] = [];
  const oursStacks: string[][] = [];
  const baselineStacks: string[][] = [];
  for (let run = 1; run <= opts.runs; run++) {
    opts.progress(`synth: ours run ${run}/${opts.runs}`);
    ours.push(await synthOnce(oursDir, ['tsx', 'main.ts'], oursStacks));
    opts.progress(`synth: baseline run ${run}/${opts.runs}`);
    baseline.push(await synthOnce(baselineDir, ['ts-node', 'main.ts'], baselineStacks));
  }
  const oursFigures = figures('npx tsx main.ts', ours, oursStacks[0]);
  const baselineFigures = figures('npx ts-node main.ts (bench/baseline-app)', baseline, baselineStacks[0]);
  return {
    ours: oursFigures,
    baseline: baselineFigures,
    ratio: {
      wallMs: ratioOf(oursFigures.wallMs.median, baselineFigures.wallMs.median),
      peakRssMb: ratioOf(oursFigures.peakRssMb.median, baselineFigures.peakRssMb.median),
    },
  };
}

/** One synth into a fresh outdir; throws with the app's own output when it fails. */
async function synthOnce(cwd: string, npxArgs: string[], stacksSeen: string[][]): Promise<MeasuredRun> {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const cmd: MeasuredCommand = {
    command: 'npx',
    args: ['--no-install', ...npxArgs],
    cwd,
    // CDKTF_OUTDIR is where cdktf's App writes when main.ts passes no outdir.
    env: { CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir },
    timeoutMs: 120_000,
  };
  try {
    const run = await runMeasured(cmd);
    if (run.exitCode !== 0) {
      const reason = run.timedOut ? 'timed out' : `exited with ${run.exitCode ?? run.signal}`;
      throw new Error(`\`npx ${npxArgs.join(' ')}\` in ${cwd} ${reason}: ${lastLines(run.stderr || run.stdout)}`);
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
  if (!existsSync(manifestPath)) throw new Error(`the app wrote no ${manifestPath} (does main.ts call app.synth() without a fixed outdir?)`);
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

/** The tail of a failing command's output, enough to see why without flooding the report. */
export function lastLines(text: string, count = 8): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
