/**
 * `npm run review`: per synthesized stack, who may do what on which resources (role policies,
 * trust policies, bucket/queue/topic/bus/log policies, KMS key policies, Lambda permissions),
 * derived from the Terraform JSON, with every `*` marked and least-privilege violations listed.
 *
 *   npm run review -- [--json] [--outdir cdktf.out] [--stack GLOB] [--no-synth]
 *
 * Synthesizes first when cdktf.out is missing or older than the sources (unless --no-synth).
 * Exits 1 when any stack breaks least privilege.
 */
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from './checkov';
import { buildPermissionMatrix } from './iam-matrix';
import { privilegeViolations } from './least-privilege';
import { formatMatrix } from './report';
import { globMatches } from './skip-list';
import { ensureFreshSynth } from './synth';
import { listSynthesizedStacks } from './terraform-json';

interface ReviewArgs {
  readonly outdir: string;
  readonly json: boolean;
  readonly synth: boolean;
  readonly stack: string;
}

function parseArgs(argv: readonly string[]): ReviewArgs {
  let outdir = join(PROJECT_ROOT, 'cdktf.out');
  let json = false;
  let synth = true;
  let stack = '*';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--no-synth') synth = false;
    else if (arg === '--outdir' && argv[i + 1]) outdir = resolve(argv[++i]);
    else if (arg === '--stack' && argv[i + 1]) stack = argv[++i];
    else throw new Error(`unknown argument ${arg}; usage: review [--json] [--outdir DIR] [--stack GLOB] [--no-synth]`);
  }
  return { outdir, json, synth, stack };
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  if (args.synth && ensureFreshSynth(args.outdir)) process.stderr.write(`review: synthesized into ${args.outdir}\n`);
  const stacks = listSynthesizedStacks(args.outdir).filter((s) => globMatches(args.stack, s.name));
  if (stacks.length === 0) throw new Error(`no stack matches ${args.stack}`);
  const matrices = stacks.map((s) => ({ stack: s.name, rows: buildPermissionMatrix(s) }));
  const violations = matrices.flatMap((m) => privilegeViolations(m.rows));
  if (args.json) {
    const out = {
      stacks: matrices.map((m) => ({
        stack: m.stack,
        rows: m.rows.map(({ rawResources: _raw, ...row }) => row),
      })),
      violations: violations.map((v) => ({
        stack: v.row.stack,
        rule: v.rule,
        principal: v.row.principal,
        source: v.row.source,
        sid: v.row.sid,
        detail: v.detail,
      })),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    process.stdout.write(`${matrices.map((m) => formatMatrix(m.stack, m.rows)).join('\n\n')}\n`);
    const statements = matrices.reduce((n, m) => n + m.rows.length, 0);
    process.stdout.write(
      `\nreview: ${stacks.length} stacks, ${statements} statements, ${violations.length} least-privilege violations\n`,
    );
  }
  return violations.length === 0 ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (error) {
    process.stderr.write(`review: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
