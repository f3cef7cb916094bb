/**
 * The policy gate: checkov (pinned, project venv) over every synthesized stack of both
 * environments, with the checked-in skip list applied. Prints passed/failed/skipped per stack
 * and exits 1 on any failed check (and, with --strict, on a skip that matched nothing).
 *
 *   npx tsx security/checkov-gate.ts [--outdir cdktf.out] [--json] [--no-synth] [--strict]
 *
 * Synthesizes first when the output is missing or older than the sources (unless --no-synth).
 */
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from './checkov';
import { runGate } from './gate';
import { formatVerdict } from './report';
import { ensureFreshSynth } from './synth';
import { listSynthesizedStacks } from './terraform-json';

interface GateArgs {
  readonly outdir: string;
  readonly json: boolean;
  readonly synth: boolean;
  readonly strict: boolean;
}

function parseArgs(argv: readonly string[]): GateArgs {
  let outdir = join(PROJECT_ROOT, 'cdktf.out');
  let json = false;
  let synth = true;
  let strict = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--no-synth') synth = false;
    else if (arg === '--strict') strict = true;
    else if (arg === '--outdir' && argv[i + 1]) outdir = resolve(argv[++i]);
    else
      throw new Error(`unknown argument ${arg}; usage: checkov-gate [--outdir DIR] [--json] [--no-synth] [--strict]`);
  }
  return { outdir, json, synth, strict };
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  if (args.synth && ensureFreshSynth(args.outdir))
    process.stderr.write(`checkov-gate: synthesized into ${args.outdir}\n`);
  const stacks = listSynthesizedStacks(args.outdir);
  const run = runGate(stacks);
  if (args.json) {
    const { results: _results, ...verdict } = run;
    const skipped = verdict.skipped.map((s) => ({ ...s.result, reason: s.skip.reason }));
    process.stdout.write(`${JSON.stringify({ ...verdict, skipped }, null, 2)}\n`);
  } else {
    process.stdout.write(
      `${formatVerdict(run)}\n(checkov ${(run.checkovMs / 1000).toFixed(1)} s over ${stacks.length} stacks)\n`,
    );
  }
  return run.ok && !(args.strict && run.staleSkips.length > 0) ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (error) {
    process.stderr.write(`checkov-gate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
