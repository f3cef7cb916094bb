/**
 * The benchmark goals (BENCHMARKS.md), checked against a run. A goal whose section failed is "not measured"
 * (null), never "met".
 */

/** How a figure is compared with its target. */
export type Comparator = '<=' | '>=';

/** One goal and how the run did against it. */
export interface GoalCheck {
  /** Stable id, e.g. `synth.ratio.wallMs`, `bundles.bars.bytes`. */
  readonly id: string;
  readonly section: string;
  /** What is compared, in words, with its unit. */
  readonly label: string;
  readonly comparator: Comparator;
  readonly target: number;
  /** The run's figure (a median where the section measures several runs); null when not measured. */
  readonly actual: number | null;
  /** null when not measured. */
  readonly met: boolean | null;
}

/** A goal before it is checked: where to find its figure in the section result. */
export interface GoalSpec {
  readonly id: string;
  readonly section: string;
  readonly label: string;
  readonly comparator: Comparator;
  readonly target: number;
}

/** Checks `actual` against `spec`; `undefined`/non-finite means not measured. */
export function checkGoal(spec: GoalSpec, actual: number | undefined): GoalCheck {
  if (actual === undefined || !Number.isFinite(actual)) return { ...spec, actual: null, met: null };
  const met = spec.comparator === '<=' ? actual <= spec.target : actual >= spec.target;
  return { ...spec, actual, met };
}

/** Fixed goals (per-function bundle goals are added per function found). */
export const GOALS = {
  synthRatio: {
    id: 'synth.ratio.wallMs',
    section: 'synth',
    label: 'synth wall time, ours / baseline',
    comparator: '<=',
    target: 0.25,
  },
  synthPeak: {
    id: 'synth.ours.peakRssMb',
    section: 'synth',
    label: 'synth peak RSS (MB)',
    comparator: '<=',
    target: 250,
  },
  testsWall: {
    id: 'tests.wallMs',
    section: 'tests',
    label: 'unit suite wall time (ms)',
    comparator: '<=',
    target: 15_000,
  },
  csvRate: {
    id: 'dataPath.csv.rowsPerSec',
    section: 'dataPath',
    label: 'CSV rows/s, one core',
    comparator: '>=',
    target: 1_500_000,
  },
  ndjsonRate: {
    id: 'dataPath.ndjson.rowsPerSec',
    section: 'dataPath',
    label: 'NDJSON rows/s, one core',
    comparator: '>=',
    target: 1_000_000,
  },
  csvVsNaive: {
    id: 'dataPath.csv.vsNaive',
    section: 'dataPath',
    label: 'CSV speed-up over naive (×)',
    comparator: '>=',
    target: 8,
  },
  ndjsonVsNaive: {
    id: 'dataPath.ndjson.vsNaive',
    section: 'dataPath',
    label: 'NDJSON speed-up over naive (×)',
    comparator: '>=',
    target: 8,
  },
  csvOfFloor: {
    id: 'dataPath.csv.ofFloor',
    section: 'dataPath',
    label: 'CSV share of tokenizing floor',
    comparator: '>=',
    target: 0.4,
  },
  ndjsonOfFloor: {
    id: 'dataPath.ndjson.ofFloor',
    section: 'dataPath',
    label: 'NDJSON share of tokenizing floor',
    comparator: '>=',
    target: 0.4,
  },
  // Ownership needs a condition on every write, which BatchWriteItem cannot carry: one request per
  // record, one more per trade with a trade id (its identity guard), each at most one unit.
  storeRequests: {
    id: 'storage.store.writeRequestsPer1000',
    section: 'storage',
    label: 'write requests per 1,000 records',
    comparator: '<=',
    target: 2000,
  },
  storeUnits: {
    id: 'storage.store.writeUnitsPerRecord',
    section: 'storage',
    label: 'write units per stored record',
    comparator: '<=',
    target: 2,
  },
  barsWrites: {
    id: 'storage.bars.writesPerMinute',
    section: 'storage',
    label: 'bar writes per (symbol, minute) per batch',
    comparator: '<=',
    target: 1,
  },
  barsWritesPerBatch: {
    id: 'bars.partial.barWritesPerBatchMax',
    section: 'bars',
    label: 'bar writes per (symbol, minute) per batch, at every size',
    comparator: '<=',
    target: 1,
  },
  barsTimeRatio: {
    id: 'bars.timePerTradeRatio',
    section: 'bars',
    label: 'handler time per trade at 50k trades/minute / at 1k',
    comparator: '<=',
    target: 1.5,
  },
  validatePeak: {
    id: 'fileScale.standard.peakRssMb',
    section: 'fileScale',
    label: 'Validate peak RSS on 5 M rows (MB)',
    comparator: '<=',
    target: 256,
  },
  rejectsPeak: {
    id: 'fileScale.rejects.peakRssMb',
    section: 'fileScale',
    label: 'Validate peak RSS on 1 M rejects (MB)',
    comparator: '<=',
    target: 256,
  },
  statePayload: {
    id: 'fileScale.stateBytes',
    section: 'fileScale',
    label: 'largest execution state after Validate (bytes)',
    comparator: '<=',
    target: 16 * 1024,
  },
} as const satisfies Record<string, GoalSpec>;

/** Read units per trade goal of the bars path, whatever the trades per minute. */
export const BARS_MAX_READ_UNITS_PER_TRADE = 0.05;

/** The read-unit goal of the bars path at one size (trades per minute). */
export function barsReadGoal(tradesPerMinute: number): GoalSpec {
  return {
    id: `bars.partial.readUnitsPerTrade.${tradesPerMinute}`,
    section: 'bars',
    label: `read units per trade at ${tradesPerMinute} trades/minute`,
    comparator: '<=',
    target: BARS_MAX_READ_UNITS_PER_TRADE,
  };
}

/** Bundle size goal: 300 KB, counted as 300,000 bytes (the stricter reading). */
export const BUNDLE_MAX_BYTES = 300_000;
/** Module init goal, ms. */
export const INIT_MAX_MS = 100;

/** The two goals of one function's bundle. */
export function bundleGoals(name: string): [GoalSpec, GoalSpec] {
  return [
    {
      id: `bundles.${name}.bytes`,
      section: 'bundles',
      label: `${name} bundle bytes`,
      comparator: '<=',
      target: BUNDLE_MAX_BYTES,
    },
    {
      id: `bundles.${name}.initMs`,
      section: 'bundles',
      label: `${name} module init (ms)`,
      comparator: '<=',
      target: INIT_MAX_MS,
    },
  ];
}
