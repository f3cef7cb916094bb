/** Command line of `npm run reconcile`. */
import { ENVIRONMENTS, type EnvironmentName } from '../config';
import { minuteKey } from './reconciler';

/** Parsed options. */
export interface ReconcileArgs {
  readonly env: EnvironmentName;
  readonly region?: string;
  readonly from?: string;
  readonly to?: string;
  readonly symbols: readonly string[];
  readonly scan: boolean;
  readonly fix: boolean;
  /** Seconds to wait for the bars function to apply the fixes (0: do not wait). */
  readonly waitSeconds: number;
  readonly json: boolean;
  readonly help: boolean;
}

/** A command line that cannot be run; the CLI prints the message and the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Most minutes one run may cover (one week). */
export const MAX_RANGE_MINUTES = 7 * 24 * 60;

/** The text `--help` prints. */
export const USAGE = `Usage: npm run reconcile -- --env <env> --region <region> --from <minute> --to <minute>
                          [--symbol <SYM>]... [--scan] [--fix [--wait <seconds>]] [--json]

Recomputes the minute bars of [--from, --to] from the stored trades and reports every
difference: each region's partial bar (trades, volume, notional, open, close, high, low) and the
merged bar readers see. Against AWS it uses the credentials and the region given; with
AWS_ENDPOINT_URL set it talks to that endpoint (the local emulator).

  --env <env>        configuration environment (${ENVIRONMENTS.join(' | ')}): names the table. Default: dev
  --region <region>  the region to run in (its table replica; the only partials --fix repairs)
  --from, --to       first and last minute, UTC, as YYYY-MM-DDTHH:MM (at most ${MAX_RANGE_MINUTES} minutes)
  --symbol <SYM>     also check this symbol's minutes even where it has no partial bar (repeatable)
  --scan             read every stored trade with one consistent Scan instead of a Query per
                     (symbol, minute): finds minutes that have trades but no partial bar at all
  --fix              repair this region's partial bars that differ: a reconciliation item goes
                     into the minute's record partition and the bars function applies it in
                     stream order (the other region's partials are only reported)
  --wait <seconds>   with --fix: wait up to this long for the bars function to apply the fixes
  --json             print exactly one JSON object on stdout
  --help             print this text

Exit status: 0 when nothing differs (or every difference was repaired, with --wait), 1 when
differences remain, 2 on a bad command line.`;

/**
 * Parses `argv` (without node and script).
 * @throws UsageError naming the bad option or value.
 */
export function parseReconcileArgs(argv: readonly string[]): ReconcileArgs {
  let env: EnvironmentName = 'dev';
  let region: string | undefined;
  let from: string | undefined;
  let to: string | undefined;
  const symbols: string[] = [];
  let scan = false;
  let fix = false;
  let waitSeconds = 0;
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--json') json = true;
    else if (name === '--fix') fix = true;
    else if (name === '--scan') scan = true;
    else if (name === '--help' || name === '-h') help = true;
    else if (name === '--env') {
      const v = value();
      if (!(ENVIRONMENTS as readonly string[]).includes(v))
        throw new UsageError(`--env must be one of ${ENVIRONMENTS.join(', ')}, got ${JSON.stringify(v)}`);
      env = v as EnvironmentName;
    } else if (name === '--region') region = value();
    else if (name === '--from' || name === '--to') {
      const v = value();
      const key = minuteKey(v);
      if (!key) throw new UsageError(`${name} must be a UTC minute as YYYY-MM-DDTHH:MM, got ${JSON.stringify(v)}`);
      if (name === '--from') from = key;
      else to = key;
    } else if (name === '--symbol') {
      const v = value().toUpperCase();
      if (!/^[A-Z][A-Z0-9.-]{0,11}$/.test(v)) throw new UsageError(`--symbol ${JSON.stringify(v)} is not a symbol`);
      symbols.push(v);
    } else if (name === '--wait') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > 3600) throw new UsageError(`--wait must be 0-3600 seconds, got ${v}`);
      waitSeconds = Number(v);
    } else if (name === '--') continue;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (!help) {
    if (!region) throw new UsageError('--region is required');
    if (!from || !to) throw new UsageError('--from and --to are required');
    if (to < from) throw new UsageError(`--to (${to}) is before --from (${from})`);
    const minutes = (Date.parse(to) - Date.parse(from)) / 60_000 + 1;
    if (minutes > MAX_RANGE_MINUTES)
      throw new UsageError(`--from..--to covers ${minutes} minutes; at most ${MAX_RANGE_MINUTES} per run`);
    if (waitSeconds > 0 && !fix) throw new UsageError('--wait only makes sense with --fix');
  }
  return { env, region, from, to, symbols, scan, fix, waitSeconds, json, help };
}
