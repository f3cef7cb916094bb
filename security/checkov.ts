/**
 * Running the pinned checkov (requirements/checkov.txt, project-local venv `.venv/checkov`) over
 * synthesized stacks, once for all of them, and reading its JSON report back per stack.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { ensurePythonTool, PROJECT_ROOT } from './python-tool';
import type { SynthesizedStack } from './terraform-json';

export { PROJECT_ROOT };

/** Outcome of one check on one resource. */
export interface CheckovResult {
  readonly checkId: string;
  readonly checkName: string;
  /** Stack folder name under `stacks/`. */
  readonly stack: string;
  /** Terraform address, `aws_s3_bucket.ingest_bucket_1A2B3C` (normalised; see {@link normaliseAddress}). */
  readonly resource: string;
  /** Resource type (`aws_s3_bucket`), or `provider` / `unknown`. */
  readonly resourceType: string;
  readonly result: 'passed' | 'failed' | 'skipped';
}

/** Raised when checkov cannot be started or its report cannot be read. */
export class CheckovRunError extends Error {
  constructor(detail: string) {
    super(`checkov: ${detail}`);
    this.name = 'CheckovRunError';
  }
}

/** The checkov executable: `CHECKOV_BIN` when set, else the project venv `.venv/checkov`. */
export function ensureCheckov(root = PROJECT_ROOT, environ: NodeJS.ProcessEnv = process.env): string {
  if (environ.CHECKOV_BIN) return environ.CHECKOV_BIN;
  return ensurePythonTool('checkov', 'checkov', (detail) => new CheckovRunError(detail), root);
}

/** Options of {@link runCheckov}. */
export interface RunCheckovOptions {
  /** Executable; default {@link ensureCheckov}(). */
  readonly bin?: string;
}

/**
 * Runs every check of the `terraform_json` framework over all `stacks` in one checkov process
 * (start-up dominates: one run for all stacks is several times faster than one per stack) and
 * returns every result, passed and failed. Nothing is skipped here: the checked-in skip list is
 * applied afterwards, so a stale skip shows up as a skip that matched no failure.
 * `--skip-download` keeps checkov off the network (no platform guideline download).
 * Scans {@link checkovReadableCopy} copies; results name the stacks, not the copies.
 */
export function runCheckov(stacks: readonly SynthesizedStack[], options: RunCheckovOptions = {}): CheckovResult[] {
  if (stacks.length === 0) throw new CheckovRunError('no stacks to scan');
  const bin = options.bin ?? ensureCheckov();
  const copies = mkdtempSync(join(tmpdir(), 'checkov-input-'));
  try {
    const readable = stacks.map((s, i) => ({ ...s, file: checkovReadableCopy(s.file, join(copies, String(i))) }));
    return scan(readable, bin, copies);
  } finally {
    rmSync(copies, { recursive: true, force: true });
  }
}

/**
 * checkov 3.3.30's `terraform_json` parser stops on any scalar directly in the `terraform` block
 * (`required_version`, which every stack declares; checkov issue #7454, open). It scans a copy in
 * which that one line becomes a `//` comment key: same lines, same resources, and checkov has no
 * check on the version constraint.
 */
export function checkovReadableCopy(file: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, basename(file));
  const text = readFileSync(file, 'utf8').replace(/^(\s*)"required_version":/m, '$1"//":');
  writeFileSync(copy, text);
  return copy;
}

function scan(stacks: readonly SynthesizedStack[], bin: string, cwd: string): CheckovResult[] {
  const args = [
    '--framework',
    'terraform_json',
    '--compact',
    '-o',
    'json',
    '--skip-download',
    ...stacks.flatMap((s) => ['-f', relative(cwd, s.file) || s.file]),
  ];
  const run = spawnSync(bin, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    // Warnings would interleave with nothing useful: the JSON report is the output.
    env: { ...process.env, LOG_LEVEL: 'ERROR' },
  });
  if (run.error) throw new CheckovRunError(`cannot run ${bin}: ${run.error.message}`);
  // Exit 1 means "some check failed": a normal outcome here, judged by the caller.
  if (run.status !== 0 && run.status !== 1)
    throw new CheckovRunError(`exit ${run.status}: ${(run.stderr || '').trim().slice(0, 2000)}`);
  return parseCheckovReport(run.stdout, stacks, cwd);
}

interface RawCheck {
  check_id: string;
  check_name: string;
  file_path: string;
  file_abs_path?: string;
  file_line_range?: [number, number];
  resource: string;
}

interface RawReport {
  check_type: string;
  results: {
    passed_checks?: RawCheck[];
    failed_checks?: RawCheck[];
    skipped_checks?: RawCheck[];
    parsing_errors?: string[];
  };
}

/** Parses checkov's `-o json` output (one report object, or a list of them) into results per stack. */
export function parseCheckovReport(
  stdout: string,
  stacks: readonly SynthesizedStack[],
  cwd = PROJECT_ROOT,
): CheckovResult[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new CheckovRunError(`report is not JSON: ${stdout.slice(0, 500)}`);
  }
  // With no resources to scan checkov prints an empty summary object instead of a report.
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter(
    (r): r is RawReport => typeof r === 'object' && r !== null && 'results' in r,
  );
  const byFile = new Map(stacks.map((s) => [resolve(s.file), s]));
  const lineIndex = new Map<string, Map<string, LineEntry[]>>();
  const results: CheckovResult[] = [];
  for (const report of reports) {
    if ((report.results.parsing_errors ?? []).length > 0)
      throw new CheckovRunError(`could not parse ${report.results.parsing_errors!.join(', ')}`);
    for (const [key, result] of [
      ['passed_checks', 'passed'],
      ['failed_checks', 'failed'],
      ['skipped_checks', 'skipped'],
    ] as const) {
      for (const raw of report.results[key] ?? []) {
        const stack = stackOf(raw, byFile, cwd);
        if (!stack) throw new CheckovRunError(`result for a file that was not scanned: ${raw.file_path}`);
        if (!lineIndex.has(stack.file)) lineIndex.set(stack.file, indexResourceLines(stack));
        const resource = normaliseAddress(raw.resource, raw.file_line_range?.[0], lineIndex.get(stack.file)!);
        results.push({
          checkId: raw.check_id,
          checkName: raw.check_name,
          stack: stack.name,
          resource,
          resourceType: resourceTypeOf(resource),
          result,
        });
      }
    }
  }
  return results;
}

function stackOf(raw: RawCheck, byFile: Map<string, SynthesizedStack>, cwd: string): SynthesizedStack | undefined {
  // checkov reports paths relative to the scan root, with a leading slash.
  for (const candidate of [raw.file_abs_path, raw.file_path, raw.file_path.replace(/^\//, '')]) {
    if (!candidate) continue;
    const hit = byFile.get(resolve(cwd, candidate)) ?? byFile.get(resolve(candidate));
    if (hit) return hit;
  }
  return undefined;
}

interface LineEntry {
  readonly type: string;
  readonly line: number;
}

/** For each resource name, the types that use it and the line where each block starts. */
function indexResourceLines(stack: SynthesizedStack): Map<string, LineEntry[]> {
  const index = new Map<string, LineEntry[]>();
  const lines = readFileSync(stack.file, 'utf8').split('\n');
  const add = (mode: 'resource' | 'data', blocks: Record<string, Record<string, unknown>> | undefined): void => {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const name of Object.keys(byName)) {
        const needle = `"${name}": {`;
        const line = lines.findIndex((l) => l.trimStart().startsWith(needle)) + 1;
        const key = `${mode}.${name}`;
        index.set(key, [...(index.get(key) ?? []), { type: mode === 'data' ? `data.${type}` : type, line }]);
      }
    }
  };
  add('resource', stack.json.resource);
  add('data', stack.json.data);
  return index;
}

/**
 * checkov names some results `resource.<name>` (and data sources `data.<name>`) instead of
 * `<type>.<name>` when it reads Terraform JSON; this restores the type from the stack (by name,
 * then by start line when two types share a name) so skip entries can be written per type.
 */
export function normaliseAddress(
  resource: string,
  startLine: number | undefined,
  index: Map<string, LineEntry[]>,
): string {
  const parts = resource.split('.');
  const untyped = (parts[0] === 'resource' || parts[0] === 'data') && parts.length === 2;
  if (!untyped) return resource;
  const name = parts[1];
  const entries = index.get(resource) ?? [];
  const entry =
    entries.length === 1
      ? entries[0]
      : entries.find((e) => startLine !== undefined && Math.abs(e.line - startLine) <= 1);
  return entry ? `${entry.type}.${name}` : resource;
}

function resourceTypeOf(address: string): string {
  if (address.startsWith('provider.')) return 'provider';
  const parts = address.split('.');
  if (parts[0] === 'data' && parts.length >= 3) return `data.${parts[1]}`;
  return parts.length >= 2 ? parts[0] : 'unknown';
}
