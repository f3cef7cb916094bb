/**
 * Fuzzing the ingest API with a tool we did not write: schemathesis (pinned in
 * requirements/schemathesis.txt) generates requests for every operation of api/openapi.yaml, plus
 * the document's own examples, and sends them to the local server (`npm run local -- --serve`,
 * the real handler in front of the emulator-backed pipeline). Every answer must be a documented
 * status with a documented content type and a body matching the documented schema, and no 5xx.
 *
 *   npm run fuzz:api                          the larger budget, a random seed (printed)
 *   npm run fuzz:api -- --max-examples 200 --seed 7
 *
 * The security suite runs the same with a fixed seed and a smaller budget. Reports (JUnit, NDJSON)
 * go to .build/fuzz/. The emulator is started on LOCAL_AWS_PORT (or reused) by the local server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensurePythonTool, PROJECT_ROOT } from './python-tool';

/** The checks every answer must pass. */
export const FUZZ_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
] as const;

/** The file the server uploads first, so the document's `POST /files` example names a real object. */
const EXAMPLE_FILE = join('samples', 'trades-2026-03-10.csv');
const DOCUMENT = join('api', 'openapi.yaml');
/** Resources of the fuzzed server, apart from any other local run on the same emulator. */
const NAME_PREFIX = 'fuzz-api';

/** Options of {@link runApiFuzz}. */
export interface FuzzOptions {
  /** Most cases per operation and phase. */
  readonly maxExamples: number;
  /** Hypothesis seed; the same seed generates the same cases. */
  readonly seed: number;
  /** Progress lines (server and schemathesis output). */
  readonly log?: (line: string) => void;
}

/** What one run found. */
export interface FuzzSummary {
  readonly seed: number;
  readonly maxExamples: number;
  /** Operations schemathesis tested, of those in the document. */
  readonly operationsTested: number;
  readonly operationsSelected: number;
  /** Test cases generated (examples, coverage and fuzzing phases together). */
  readonly generated: number;
  /** Unique failures and errors schemathesis reported. */
  readonly failures: number;
  readonly errors: number;
  readonly seconds: number;
  /** schemathesis' exit status (0: nothing failed). */
  readonly exitCode: number;
  /** Its full output: the failures with their reproductions. */
  readonly output: string;
}

/** The run could not be done (server or fuzzer did not start). */
export class FuzzRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuzzRunError';
  }
}

/** Reads the numbers out of schemathesis' closing summary. */
export function parseFuzzSummary(
  output: string,
): Pick<FuzzSummary, 'operationsTested' | 'operationsSelected' | 'generated' | 'failures' | 'errors'> {
  const number = (pattern: RegExp): number => Number(pattern.exec(output)?.[1] ?? 0);
  return {
    operationsSelected: number(/Selected: \d+\/(\d+)/),
    operationsTested: number(/Tested: (\d+)/),
    generated: number(/(\d+) generated/),
    failures: number(/(\d+) failures?\b(?! found)/),
    errors: number(/(\d+) errors?\b/),
  };
}

/** One line for logs: the figures a reader needs. */
export function formatFuzzSummary(summary: FuzzSummary): string {
  return (
    `schemathesis: ${summary.operationsTested}/${summary.operationsSelected} operations, ` +
    `${summary.generated} cases generated ` +
    `(max ${summary.maxExamples} per operation and phase, seed ${summary.seed}), ` +
    `${summary.failures} failures, ${summary.errors} errors, ${summary.seconds.toFixed(1)} s; ` +
    `checks: ${FUZZ_CHECKS.join(', ')}`
  );
}

/** Starts the local server on a free port; resolves with its URL once it listens. */
function startServer(log: (line: string) => void): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('local', 'cli.ts'), '--serve', '--port', '0', EXAMPLE_FILE],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PIPELINE_NAME_PREFIX: NAME_PREFIX, POWERTOOLS_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log(`server: ${line}`);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new FuzzRunError(`the local server did not listen within 120 s:\n${stderr.slice(-2000)}`));
    }, 120_000);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const url = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new FuzzRunError(`the local server exited (${signal ?? `code ${code}`}):\n${stderr.slice(-2000)}`));
    });
  });
}

/** Stops the server this run started (SIGTERM: it closes, and stops an emulator it started). */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Runs schemathesis against `url`; resolves with its exit status and output. */
function runSchemathesis(url: string, options: FuzzOptions): Promise<{ exitCode: number; output: string }> {
  const bin = ensurePythonTool('schemathesis', 'schemathesis', (detail) => new FuzzRunError(detail));
  const reportDir = join(PROJECT_ROOT, '.build', 'fuzz');
  mkdirSync(reportDir, { recursive: true });
  const args = [
    'run',
    join(PROJECT_ROOT, DOCUMENT),
    '--url',
    url,
    '--checks',
    FUZZ_CHECKS.join(','),
    '--max-examples',
    String(options.maxExamples),
    '--seed',
    String(options.seed),
    // One request at a time: the server is one process on a two-core machine, next to the emulator.
    '--workers',
    '1',
    '--continue-on-failure',
    '--no-color',
    '--generation-database',
    'none',
    '--report',
    'junit,ndjson',
    '--report-dir',
    reportDir,
  ];
  const child = spawn(bin, args, {
    // schemathesis keeps a cache (.schemathesis/) in its working directory: keep it with the reports.
    cwd: reportDir,
    env: { ...process.env, SCHEMATHESIS_HOOKS: 'schemathesis_hooks', PYTHONPATH: join(PROJECT_ROOT, 'security') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new FuzzRunError(`cannot run ${bin}: ${error.message}`)));
    child.once('exit', (code) => resolve({ exitCode: code ?? 1, output }));
  });
}

/**
 * Starts the local server, fuzzes it, stops it.
 * @throws FuzzRunError when the server or schemathesis cannot start.
 */
export async function runApiFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const server = await startServer(log);
  try {
    log(`fuzzing ${server.url} (seed ${options.seed}, max ${options.maxExamples} examples per operation and phase)`);
    const fuzzStarted = Date.now();
    const { exitCode, output } = await runSchemathesis(server.url, options);
    log(`server start ${((fuzzStarted - started) / 1000).toFixed(1)} s`);
    return {
      seed: options.seed,
      maxExamples: options.maxExamples,
      ...parseFuzzSummary(output),
      seconds: (Date.now() - fuzzStarted) / 1000,
      exitCode,
      output,
    };
  } finally {
    await stopServer(server.child);
  }
}

async function cli(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { 'max-examples': { type: 'string', default: '1000' }, seed: { type: 'string' } },
  });
  const maxExamples = Number(values['max-examples']);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isInteger(maxExamples) || maxExamples < 1)
    throw new FuzzRunError(`--max-examples must be a positive integer, got "${values['max-examples']}"`);
  if (!Number.isInteger(seed) || seed < 0) throw new FuzzRunError(`--seed must be a non-negative integer`);
  const summary = await runApiFuzz({
    maxExamples,
    seed,
    log: (line) => void process.stderr.write(`[fuzz] ${line}\n`),
  });
  process.stdout.write(summary.output);
  process.stdout.write(`\n${formatFuzzSummary(summary)}\n`);
  return summary.exitCode === 0 && summary.failures === 0 && summary.errors === 0 ? 0 : 1;
}

if (require.main === module) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`fuzz:api: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
