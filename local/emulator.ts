/**
 * The project's own local AWS: moto server from the project-local virtualenv `.venv/emulator`,
 * on 127.0.0.1. Start-or-reuse semantics: a healthy emulator already listening on the port is
 * reused (and left running); one started here is stopped by `stop()`. When the user sets
 * `AWS_ENDPOINT_URL` (e.g. LocalStack), that endpoint is used and nothing is started.
 *
 * CLI: `tsx local/emulator.ts start|stop|status` keeps one running between local runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Repository root (this file lives in `local/`). */
export const PROJECT_ROOT = join(__dirname, '..');
/** Default port: away from LocalStack's 4566 and moto's 5000 so neither is hijacked by accident. */
export const DEFAULT_EMULATOR_PORT = 4599;
const VENV_NAME = 'emulator';
const REQUIREMENTS = join('requirements', 'emulator.txt');
const STATE_DIR = join(PROJECT_ROOT, '.local-run');

/** Thrown when the emulator cannot be provisioned or started; the message says what to do. */
export class EmulatorStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorStartError';
  }
}

/** A running (or reused, or user-provided) AWS endpoint. */
export interface EmulatorHandle {
  /** Base URL to hand the AWS SDK as `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** `started`: this process launched it; `reused`: a healthy one was already there; `external`: AWS_ENDPOINT_URL. */
  readonly origin: 'started' | 'reused' | 'external';
  /** Process id of an emulator this process started. */
  readonly pid?: number;
  /** Stops the emulator if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port on 127.0.0.1. Default: `LOCAL_AWS_PORT` or {@link DEFAULT_EMULATOR_PORT}. */
  readonly port?: number;
  /** Environment to read `AWS_ENDPOINT_URL`/`LOCAL_AWS_PORT` from. Default `process.env`. */
  readonly environ?: NodeJS.ProcessEnv;
  /** Progress messages (default: none). */
  readonly log?: (message: string) => void;
  /** Keep running after this process exits (the `start` CLI). Default false. */
  readonly detached?: boolean;
  /** How long to wait for the emulator to answer. Default 30 s. */
  readonly startTimeoutMs?: number;
}

/** Port from the environment, validated. */
export function emulatorPort(environ: NodeJS.ProcessEnv = process.env): number {
  const raw = environ.LOCAL_AWS_PORT;
  if (raw === undefined || raw === '') return DEFAULT_EMULATOR_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new EmulatorStartError(`LOCAL_AWS_PORT must be an integer from 1024 to 65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

/** True when `endpoint` answers as moto server does (its dashboard route). */
export async function isMotoHealthy(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** True when anything answers HTTP at `endpoint` (used for a user-provided endpoint such as LocalStack). */
async function answersHttp(endpoint: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates or refreshes `.venv/emulator` through `scripts/setup-python.sh` (fast when up to date)
 * and returns the path of `moto_server`.
 * @throws EmulatorStartError naming what to install when Python, venv or pip is missing.
 */
export function provisionEmulator(log: (message: string) => void = () => undefined): string {
  const result = spawnSync(
    'bash',
    [join(PROJECT_ROOT, 'scripts', 'setup-python.sh'), VENV_NAME, join(PROJECT_ROOT, REQUIREMENTS)],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    },
  );
  if (result.error)
    throw new EmulatorStartError(`could not run bash scripts/setup-python.sh: ${result.error.message}. Install bash.`);
  for (const line of (result.stderr ?? '').split('\n')) if (line.trim()) log(line.trim());
  if (result.status !== 0) {
    throw new EmulatorStartError(
      `${(result.stderr ?? '').trim() || 'setup-python.sh failed'}\n` +
        'The local AWS emulator needs Python 3.9+ with venv and pip ' +
        '(Debian/Ubuntu: apt-get install python3 python3-venv python3-pip), ' +
        `then: bash scripts/setup-python.sh ${VENV_NAME} ${REQUIREMENTS}`,
    );
  }
  const server = join(PROJECT_ROOT, '.venv', VENV_NAME, 'bin', 'moto_server');
  if (!existsSync(server)) {
    throw new EmulatorStartError(
      `moto_server is missing from .venv/${VENV_NAME}; ` +
        `delete .venv/${VENV_NAME} and run: bash scripts/setup-python.sh ${VENV_NAME} ${REQUIREMENTS}`,
    );
  }
  return server;
}

/**
 * Starts moto server on 127.0.0.1 (or reuses a healthy one, or uses `AWS_ENDPOINT_URL`) and waits
 * until it answers.
 * @throws EmulatorStartError with what to install or which port to change.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const environ = options.environ ?? process.env;
  const log = options.log ?? (() => undefined);
  const external = environ.AWS_ENDPOINT_URL;
  if (external) {
    if (!(await answersHttp(external))) {
      throw new EmulatorStartError(
        `AWS_ENDPOINT_URL=${external} does not answer; ` +
          "start that emulator or unset AWS_ENDPOINT_URL to use the project's moto server",
      );
    }
    log(`using AWS_ENDPOINT_URL=${external}`);
    return { endpoint: external.replace(/\/+$/, ''), origin: 'external', stop: () => Promise.resolve() };
  }

  const port = options.port ?? emulatorPort(environ);
  const endpoint = `http://127.0.0.1:${port}`;
  if (await isMotoHealthy(endpoint)) {
    log(`reusing the emulator already running at ${endpoint}`);
    return { endpoint, origin: 'reused', stop: () => Promise.resolve() };
  }
  if (await answersHttp(endpoint, 500)) {
    throw new EmulatorStartError(
      `port ${port} is in use by something that is not moto server; set LOCAL_AWS_PORT to a free port`,
    );
  }

  const server = provisionEmulator(log);
  mkdirSync(STATE_DIR, { recursive: true });
  const logFile = join(STATE_DIR, `emulator-${port}.log`);
  const logFd = openSync(logFile, 'w');
  log(`starting moto server at ${endpoint} (log: .local-run/emulator-${port}.log)`);
  const child = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', logFd, logFd],
    detached: true,
    // Moto's own knobs only; credentials are dummies, nothing leaves the machine.
    env: { ...environ, AWS_ENDPOINT_URL: '', MOTO_PORT: String(port) },
  });
  closeSync(logFd);
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  child.on('error', (error) => {
    exited = error.message;
  });
  // Never keep this process alive just for the child; stop() or the CLI ends it.
  child.unref();

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (!(await isMotoHealthy(endpoint, 500))) {
    if (exited !== undefined || Date.now() > deadline) {
      if (exited === undefined) killGroup(child.pid);
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
      throw new EmulatorStartError(
        `moto server did not start at ${endpoint} (${exited ?? 'timed out'}). Last log lines:\n${tail}`,
      );
    }
    await sleep(100);
  }
  const pid = child.pid as number;
  if (options.detached) writeFileSync(pidFile(port), String(pid));
  log(`emulator ready at ${endpoint} (pid ${pid})`);
  return {
    endpoint,
    origin: 'started',
    pid,
    stop: async () => {
      if (exited !== undefined) return;
      killGroup(pid);
      // A request still being served delays SIGTERM; one that runs on (a huge query) gets SIGKILL.
      await Promise.race([exitedPromise, sleep(5000)]);
      if (exited === undefined) killGroup(pid, 'SIGKILL');
    },
  };
}

function pidFile(port: number): string {
  return join(STATE_DIR, `emulator-${port}.pid`);
}

/** Ends the emulator's process group (moto may fork a reloader); only ever a pid we started. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function cli(command: string | undefined): Promise<number> {
  const port = emulatorPort();
  const log = (message: string): void => void process.stderr.write(`emulator: ${message}\n`);
  switch (command) {
    case 'start': {
      const handle = await startEmulator({ detached: true, log });
      process.stdout.write(`${handle.endpoint}\n`);
      return 0;
    }
    case 'stop': {
      const file = pidFile(port);
      if (!existsSync(file)) {
        log(`no emulator started by 'start' on port ${port}`);
        return 0;
      }
      killGroup(Number(readFileSync(file, 'utf8')));
      rmSync(file);
      log(`stopped the emulator on port ${port}`);
      return 0;
    }
    case 'status': {
      const endpoint = `http://127.0.0.1:${port}`;
      const healthy = await isMotoHealthy(endpoint);
      process.stdout.write(`${endpoint} ${healthy ? 'running' : 'not running'}\n`);
      return healthy ? 0 : 1;
    }
    default:
      process.stderr.write('usage: tsx local/emulator.ts start|stop|status   (port: LOCAL_AWS_PORT, default 4599)\n');
      return 2;
  }
}

if (require.main === module) {
  cli(process.argv[2]).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
