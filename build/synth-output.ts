/**
 * The synthesized output directory after `app.synth()`: removes the other format's stack file
 * and describes what was written, for `npm start` to print.
 *
 * cdktf writes `cdk.tf.json` (default) or `cdk.tf` (`cdktf synth --hcl`, `SYNTH_HCL_OUTPUT=true`)
 * into `stacks/<stack>/` but never removes the other one; Terraform loads both, so a stale file
 * declares every resource twice and breaks the next plan.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';

/** One stack as written. */
export interface WrittenStack {
  readonly name: string;
  /** Path of the stack file (`.../stacks/<name>/cdk.tf.json` or `cdk.tf`). */
  readonly file: string;
  readonly format: 'json' | 'hcl';
  readonly resources: number;
  readonly dataSources: number;
  readonly outputs: number;
}

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string }>;
}

const STACK_FILES = { json: 'cdk.tf.json', hcl: 'cdk.tf' } as const;

/**
 * For every stack of the manifest in `outdir`: deletes the stack file of the other format, and
 * counts the resources, data sources and outputs of the one written.
 */
export function finishSynthOutput(outdir: string): WrittenStack[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  return Object.entries(manifest.stacks).map(([name, stack]) => {
    const file = join(outdir, stack.synthesizedStackPath);
    const format = basename(file) === STACK_FILES.hcl ? 'hcl' : 'json';
    const stale = join(dirname(file), STACK_FILES[format === 'hcl' ? 'json' : 'hcl']);
    if (existsSync(stale)) rmSync(stale);
    const text = readFileSync(file, 'utf8');
    return { name, file, format, ...(format === 'hcl' ? countHclBlocks(text) : countJsonBlocks(text)) };
  });
}

/** The console summary: one line per stack, with where it was written (relative to `cwd` when inside it). */
export function describeSynthOutput(stacks: readonly WrittenStack[], cwd = process.cwd()): string {
  const where = (path: string): string => {
    const rel = relative(cwd, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  const formats = [...new Set(stacks.map((s) => (s.format === 'hcl' ? 'HCL' : 'Terraform JSON')))].join(' and ');
  const width = Math.max(0, ...stacks.map((s) => s.name.length));
  const lines = stacks.map(
    (s) =>
      `  ${s.name.padEnd(width)}  ${String(s.resources).padStart(4)} resources  ` +
      `${String(s.dataSources).padStart(3)} data sources  ${String(s.outputs).padStart(3)} outputs  ${where(s.file)}`,
  );
  return [`Synthesized ${stacks.length} stack${stacks.length === 1 ? '' : 's'} (${formats}):`, ...lines].join('\n');
}

type Counts = Pick<WrittenStack, 'resources' | 'dataSources' | 'outputs'>;

function countJsonBlocks(text: string): Counts {
  const json = JSON.parse(text) as Record<string, Record<string, Record<string, unknown>> | undefined>;
  const count = (byType: Record<string, Record<string, unknown>> = {}): number =>
    Object.values(byType).reduce((n, byName) => n + Object.keys(byName).length, 0);
  return {
    resources: count(json.resource),
    dataSources: count(json.data),
    outputs: Object.keys(json.output ?? {}).length,
  };
}

/** cdktf writes each top-level block at the start of a line: `resource "type" "name" {`. */
function countHclBlocks(text: string): Counts {
  const count = (keyword: string): number => text.match(new RegExp(`^${keyword} "`, 'gm'))?.length ?? 0;
  return { resources: count('resource'), dataSources: count('data'), outputs: count('output') };
}
