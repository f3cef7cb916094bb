/**
 * `dataPath`: rows/s of our parse → validate → normalise → enrich path for CSV and NDJSON, next
 * to the tokenizing floor and a naive pipeline on the same bytes. The measuring itself lives in
 * bench/data-path.ts (owned by the data path); this runs it in a child process pinned to one
 * core and turns its figures into the ratios the goals are stated in.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lastLines, runMeasured } from './measured-process';
import { ratioOf, type Summary } from './stats';

/** A rate summary; `runs` only when bench/data-path.ts reports it. */
export type RateSummary = Omit<Summary, 'runs'> & { readonly runs?: number };

const TASKSET = '/usr/bin/taskset';
/**
 * Rows per generated input. 100,000 keeps each timed run of our path at a few tenths of a
 * second (past JIT warm-up) while the naive pipeline, ~20× slower, still fits the bench's time
 * budget.
 */
export const DEFAULT_ROWS = 100_000;

/** One format's figures, rows/s. */
export interface FormatThroughput {
  readonly rowsPerSec: RateSummary;
  /** Tokenizing floor (split lines into fields / JSON.parse each line). */
  readonly floor: RateSummary;
  /** csv-parse or JSON.parse + a zod schema + plain objects. */
  readonly naive: RateSummary;
  /** Rows and bytes of the generated input, when reported. */
  readonly rows?: number;
  readonly bytes?: number;
  /** Our median / naive median. */
  readonly vsNaive: number;
  /** Our median / floor median. */
  readonly ofFloor: number;
}

/** Result of the dataPath section. */
export interface DataPathResult {
  /** The core the child was pinned to, or null when taskset is unavailable. */
  readonly pinnedCore: number | null;
  readonly csv: FormatThroughput;
  readonly ndjson: FormatThroughput;
}

export interface DataPathOptions {
  readonly root: string;
  /** Rows per generated input. Default {@link DEFAULT_ROWS}. */
  readonly rows?: number;
  /** Timed runs per figure (passed through). */
  readonly runs?: number;
  readonly progress: (message: string) => void;
}

/** Runs bench/data-path.ts pinned to core 0 and validates what it returns. */
export async function measureDataPathPinned(opts: DataPathOptions): Promise<DataPathResult> {
  if (!existsSync(join(opts.root, 'bench', 'data-path.ts'))) {
    throw new Error('bench/data-path.ts (measureDataPath, from the data-path work) does not exist yet');
  }
  const childArgs = [join('node_modules', '.bin', 'tsx'), join('bench', 'data-path-child.ts')];
  childArgs.push('--rows', String(opts.rows ?? DEFAULT_ROWS));
  if (opts.runs !== undefined) childArgs.push('--runs', String(opts.runs));
  const pinnedCore = existsSync(TASKSET) ? 0 : null;
  const [command, args] =
    pinnedCore === null ? [childArgs[0], childArgs.slice(1)] : [TASKSET, ['-c', String(pinnedCore), ...childArgs]];

  opts.progress(
    'dataPath: measuring CSV and NDJSON' +
      (pinnedCore === null ? ' (taskset missing: not pinned)' : ` pinned to core ${pinnedCore}`),
  );
  const run = await runMeasured({ command, args, cwd: opts.root, timeoutMs: 150_000 });
  if (run.exitCode !== 0) {
    throw new Error(
      `data-path child ${run.timedOut ? 'timed out' : `exited with ${run.exitCode ?? run.signal}`}: ` +
        lastLines(run.stderr),
    );
  }
  const raw = lastJsonLine(run.stdout);
  return {
    pinnedCore,
    csv: formatThroughput(raw, 'csv'),
    ndjson: formatThroughput(raw, 'ndjson'),
  };
}

/** The last stdout line that parses as JSON (anything printed before it is ignored). */
export function lastJsonLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      // not the result line
    }
  }
  throw new Error(`data-path child printed no JSON result: ${lastLines(stdout)}`);
}

/**
 * Reads `raw[format]` as `{ rowsPerSec, floor, naive }`, where each is a summary
 * `{median,min,max}` (or an object holding one under `rowsPerSec`), and derives the ratios.
 * @throws Error naming the missing or non-numeric field.
 */
export function formatThroughput(raw: unknown, format: 'csv' | 'ndjson'): FormatThroughput {
  const block = field(raw, format, format);
  const summary = (key: string): RateSummary => asSummary(field(block, key, `${format}.${key}`), `${format}.${key}`);
  const rowsPerSec = summary('rowsPerSec');
  const floor = summary('floor');
  const naive = summary('naive');
  const { rows, bytes } = block as { rows?: unknown; bytes?: unknown };
  return {
    rowsPerSec,
    floor,
    naive,
    ...(typeof rows === 'number' ? { rows } : {}),
    ...(typeof bytes === 'number' ? { bytes } : {}),
    vsNaive: ratioOf(rowsPerSec.median, naive.median),
    ofFloor: ratioOf(rowsPerSec.median, floor.median),
  };
}

function field(value: unknown, key: string, path: string): unknown {
  if (value === null || typeof value !== 'object' || !(key in value)) {
    throw new Error(`measureDataPath() result has no ${path}`);
  }
  return (value as Record<string, unknown>)[key];
}

function asSummary(value: unknown, path: string): RateSummary {
  const candidate = value !== null && typeof value === 'object' && 'rowsPerSec' in value ? value.rowsPerSec : value;
  const v = candidate as Partial<Record<'median' | 'min' | 'max' | 'runs', unknown>>;
  for (const key of ['median', 'min', 'max'] as const) {
    if (typeof v?.[key] !== 'number' || !Number.isFinite(v[key]) || v[key] <= 0) {
      throw new Error(`measureDataPath() result: ${path}.${key} is not a positive number`);
    }
  }
  return {
    median: v.median as number,
    min: v.min as number,
    max: v.max as number,
    ...(typeof v.runs === 'number' ? { runs: v.runs } : {}),
  };
}
