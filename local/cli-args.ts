/** Command line of `npm run local`. */
import { ENVIRONMENTS, type EnvironmentName } from '../config';

/** Parsed options. */
export interface LocalRunArgs {
  readonly json: boolean;
  readonly env: EnvironmentName;
  readonly paths: readonly string[];
  readonly verbose: boolean;
  readonly help: boolean;
  /** Keep the run's resources in the emulator afterwards. */
  readonly keep: boolean;
  /** Generate a trading day of this many rows and ingest it (instead of `paths`). */
  readonly generateDay?: number;
  /** Run the stream → bars stage (false: the file workflow and queue only). */
  readonly bars: boolean;
  /** Serve the ingest API on 127.0.0.1 instead of running files to completion. */
  readonly serve: boolean;
  /** Port of `--serve` (0: any free port). */
  readonly port: number;
}

/** Port of `--serve` unless `--port` says otherwise. */
export const DEFAULT_SERVE_PORT = 8080;

/** A command line that cannot be run; the CLI prints the message and the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The text `--help` prints. */
export const USAGE = `Usage: npm run local -- [--json] [--env <env>] [--verbose] [--keep] [--no-bars]
                        [--generate-day <rows> | paths...]
       npm run local -- --serve [--port <port>] [--env <env>] [--verbose] [--keep] [paths...]

Runs the whole pipeline on your machine against the project's local AWS emulator (moto server,
started on 127.0.0.1:\${LOCAL_AWS_PORT:-4599} and stopped again unless it was already running;
set AWS_ENDPOINT_URL to use another emulator such as LocalStack).

  paths        files or folders to ingest (folders: their .csv, .json and .ndjson files, plain or
               gzipped). Default: samples/
  --json       print exactly one JSON object on stdout:
               {"files":[{"key","accepted","rejected","reasons"}],"accepted","rejected","stored",
                "rejects":[{"file","line","reason"}],"bars":[{"symbol","minute","open","high","low",
                "close","volume","trades","vwap","notional"}],"drift":{"minutes","differences",
                "partials":[...],"bars":[...]}}
               (drift: the bars recomputed from the stored trades, as npm run reconcile does; 0 when exact)
  --env <env>  configuration environment (${ENVIRONMENTS.join(' | ')}). Default: dev
  --verbose    include the handlers' INFO logs in the progress log (stderr)
  --keep       keep the run's resources in the emulator afterwards (they are named
               <namePrefix>-<run id>-*; every run has its own, so runs at the same time
               never see each other)
  --generate-day <rows>
               generate a trading day of <rows> rows (~500 symbols, skewed activity, trades
               as gzipped CSV, quotes as NDJSON, some bad rows; bench/trading-day.ts) into
               .local-run/day-<rows>/, ingest it, and check the bars in the table against an
               independent recompute (a mismatch is a failed step)
  --no-bars    skip the table stream -> bars stage (measure the file workflow alone)
  --serve      serve the ingest API (api/openapi.yaml) on http://127.0.0.1:<port> in front of the
               same handler and pipeline, until Ctrl-C: POST /ingest, POST /files, and the local-only
               GET /local/bars (the bars so far). SigV4 and JWT are NOT checked locally (every
               request is one local IAM caller), and there is no throttling. paths are uploaded
               first (no default), so POST /files can name them. Prints the URL on stdout once
               listening.
  --port <n>   port of --serve (0 picks a free one). Default: ${DEFAULT_SERVE_PORT}
  --help       print this text

Progress goes to stderr, the summary to stdout. Exit status 0 when the run completed (rejected
rows are not an error), 1 when the emulator cannot start, a pipeline step fails or a bar differs
from its recomputation (drift), 2 on a bad command line.`;

/**
 * Parses `argv` (without node and script).
 * @throws UsageError on an unknown option or a missing/invalid value.
 */
export function parseLocalRunArgs(argv: readonly string[]): LocalRunArgs {
  let json = false;
  let verbose = false;
  let help = false;
  let keep = false;
  let bars = true;
  let generateDay: number | undefined;
  let env: EnvironmentName = 'dev';
  let serve = false;
  let port: number | undefined;
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--verbose') verbose = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--serve') serve = true;
    else if (arg === '--port' || arg.startsWith('--port=')) {
      const value = arg === '--port' ? argv[++i] : arg.slice('--port='.length);
      if (!value) throw new UsageError('--port needs a value');
      port = Number(value);
      if (!/^\d+$/.test(value) || port > 65535)
        throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
    } else if (arg === '--keep') keep = true;
    else if (arg === '--no-bars') bars = false;
    else if (arg === '--generate-day' || arg.startsWith('--generate-day=')) {
      const value = arg === '--generate-day' ? argv[++i] : arg.slice('--generate-day='.length);
      if (!value || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 50_000_000)
        throw new UsageError(`--generate-day needs a row count from 1 to 50000000, got ${JSON.stringify(value)}`);
      generateDay = Number(value);
    } else if (arg === '--env' || arg.startsWith('--env=')) {
      const value = arg === '--env' ? argv[++i] : arg.slice('--env='.length);
      if (!value) throw new UsageError('--env needs a value');
      if (!(ENVIRONMENTS as readonly string[]).includes(value))
        throw new UsageError(`--env must be one of ${ENVIRONMENTS.join(', ')}, got ${JSON.stringify(value)}`);
      env = value as EnvironmentName;
    } else if (arg === '--') continue;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else paths.push(arg);
  }
  if (port !== undefined && !serve) throw new UsageError('--port only applies to --serve');
  if (serve && json) throw new UsageError('--json does not apply to --serve (it prints no report)');
  if (generateDay !== undefined && serve) throw new UsageError('--generate-day does not apply to --serve');
  if (generateDay !== undefined && paths.length > 0)
    throw new UsageError('--generate-day ingests the generated day: give no paths with it');
  return {
    json,
    env,
    paths,
    verbose,
    help,
    keep,
    bars,
    serve,
    port: port ?? DEFAULT_SERVE_PORT,
    ...(generateDay !== undefined ? { generateDay } : {}),
  };
}
