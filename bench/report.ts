/**
 * What a run produced, as one JSON document (`--json`) or as a plain-text table: the goals
 * checked against the figures, and each section's figures or its error.
 */
import type { BarsResult } from './bars-cost';
import type { BundlesResult } from './bundles';
import type { DataPathResult, FormatThroughput } from './data-path-pinned';
import type { FileScaleResult } from './file-scale';
import { barsReadGoal, bundleGoals, checkGoal, GOALS, type GoalCheck, type GoalSpec } from './goals';
import type { Summary } from './stats';
import type { StorageResult } from './storage';
import type { SynthResult } from './synth';
import type { TestsResult } from './tests';

/** Section names, in the order they run and print. */
export const SECTION_NAMES = ['storage', 'bars', 'bundles', 'dataPath', 'synth', 'tests', 'fileScale'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];
/** Sections a plain `npm run bench` runs: fileScale (a quarter hour, gigabytes through the emulator) on request. */
export const DEFAULT_SECTIONS: readonly SectionName[] = SECTION_NAMES.filter((name) => name !== 'fileScale');

/** Result types by section. */
export interface SectionResults {
  synth: SynthResult;
  tests: TestsResult;
  dataPath: DataPathResult;
  storage: StorageResult;
  bars: BarsResult;
  bundles: BundlesResult;
  fileScale: FileScaleResult;
}

/** A section's outcome: its figures, or why there are none (or why they are incomplete). */
export type SectionOutcome<T> =
  | { readonly status: 'ok'; readonly seconds: number; readonly result: T }
  | { readonly status: 'error'; readonly seconds: number; readonly error: string; readonly result?: T }
  | { readonly status: 'skipped' };

export type Sections = { [K in SectionName]: SectionOutcome<SectionResults[K]> };

/** The machine a run happened on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average at the start and the end of the run (other work on a shared box). */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

/** The whole report (`npm run bench -- --json` prints exactly this object). */
export interface BenchReport {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly runs: number;
  readonly machine: MachineInfo;
  readonly sections: Sections;
  readonly goals: readonly GoalCheck[];
  readonly summary: {
    readonly goals: number;
    readonly met: number;
    readonly notMet: number;
    readonly notMeasured: number;
  };
  /** False when any section failed (the process then exits non-zero). */
  readonly ok: boolean;
}

function resultOf<K extends SectionName>(sections: Sections, name: K): SectionResults[K] | undefined {
  const outcome = sections[name];
  return outcome.status === 'skipped' ? undefined : outcome.result;
}

/** Checks every goal against the figures that exist. */
export function checkGoals(sections: Sections): GoalCheck[] {
  const synth = resultOf(sections, 'synth');
  const tests = resultOf(sections, 'tests');
  const data = resultOf(sections, 'dataPath');
  const storage = resultOf(sections, 'storage');
  const bundles = resultOf(sections, 'bundles');
  const bars = resultOf(sections, 'bars');
  const fileScale = resultOf(sections, 'fileScale');
  const fileCase = (label: string) => fileScale?.cases.find((c) => c.label === label);
  const checks: [GoalSpec, number | undefined][] = [
    [GOALS.synthRatio, synth?.ratio.wallMs],
    [GOALS.synthPeak, synth?.ours.peakRssMb.median],
    [GOALS.testsWall, tests?.wallMs.median],
    [GOALS.csvRate, data?.csv.rowsPerSec.median],
    [GOALS.ndjsonRate, data?.ndjson.rowsPerSec.median],
    [GOALS.csvVsNaive, data?.csv.vsNaive],
    [GOALS.ndjsonVsNaive, data?.ndjson.vsNaive],
    [GOALS.csvOfFloor, data?.csv.ofFloor],
    [GOALS.ndjsonOfFloor, data?.ndjson.ofFloor],
    [GOALS.storeRequests, storage?.store.writeRequestsPer1000.median],
    [GOALS.storeUnits, storage?.store.writeUnitsPerRecord.median],
    [GOALS.barsWrites, storage?.bars.writesPerMinute.median],
    ...(fileScale
      ? ([
          [GOALS.validatePeak, fileCase('standard')?.peakRssMb],
          [GOALS.rejectsPeak, fileCase('rejects')?.peakRssMb],
          [GOALS.statePayload, Math.max(...fileScale.cases.map((c) => c.stateBytes))],
        ] as [GoalSpec, number | undefined][])
      : []),
  ];
  if (bars) {
    for (const size of bars.sizes)
      checks.push([barsReadGoal(size.tradesPerMinute), Math.max(...size.partial.runs.map((r) => r.readUnitsPerTrade))]);
    checks.push(
      [
        GOALS.barsWritesPerBatch,
        Math.max(...bars.sizes.flatMap((s) => s.partial.runs.map((r) => r.barWritesPerBatchMax))),
      ],
      [GOALS.barsTimeRatio, bars.timePerTradeRatio],
    );
  }
  for (const fn of bundles?.functions ?? []) {
    const [bytes, init] = bundleGoals(fn.name);
    checks.push([bytes, fn.bytes], [init, fn.initMs.median]);
  }
  return checks.map(([spec, actual]) => checkGoal(spec, actual));
}

/** One printed line of the table. */
export interface TableRow {
  readonly section: string;
  readonly metric: string;
  readonly median: string;
  readonly range: string;
  readonly goal: string;
  readonly status: string;
}

/** Formats a figure: thousands separators for big numbers, 3 significant decimals for small ones. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const decimals = abs >= 1000 || Number.isInteger(value) ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function goalText(goal: GoalCheck | undefined): [string, string] {
  if (!goal) return ['', ''];
  const status = goal.met === null ? 'not measured' : goal.met ? 'met' : 'NOT MET';
  return [`${goal.comparator} ${goal.target.toLocaleString('en-US', { maximumFractionDigits: 3 })}`, status];
}

/** Rows of the table, in section order; a failed section prints its error. */
export function tableRows(report: Pick<BenchReport, 'sections' | 'goals'>): TableRow[] {
  const goals = new Map(report.goals.map((g) => [g.id, g]));
  const rows: TableRow[] = [];
  const add = (section: string, metric: string, figure: Range | number | string, goalId?: string): void => {
    const [goal, status] = goalText(goalId ? goals.get(goalId) : undefined);
    if (typeof figure === 'object') {
      rows.push({
        section,
        metric,
        median: formatNumber(figure.median),
        range: `${formatNumber(figure.min)} – ${formatNumber(figure.max)}`,
        goal,
        status,
      });
    } else {
      rows.push({
        section,
        metric,
        median: typeof figure === 'number' ? formatNumber(figure) : figure,
        range: '',
        goal,
        status,
      });
    }
  };
  const s = report.sections;
  for (const name of SECTION_NAMES) {
    const outcome = s[name];
    if (outcome.status === 'skipped') {
      add(name, 'skipped (--only)', '');
      continue;
    }
    if (outcome.status === 'error') add(name, `ERROR: ${oneLine(outcome.error)}`, '');
    const result = outcome.result;
    if (!result) continue;
    if (name === 'synth') synthRows(result as SynthResult, add);
    if (name === 'tests') testsRows(result as TestsResult, add);
    if (name === 'dataPath') dataPathRows(result as DataPathResult, add);
    if (name === 'storage') storageRows(result as StorageResult, add);
    if (name === 'bars') barsRows(result as BarsResult, add);
    if (name === 'bundles') bundleRows(result as BundlesResult, add);
    if (name === 'fileScale') fileScaleRows(result as FileScaleResult, add);
  }
  return rows;
}

/** An error message on one line, shortened for the table (the JSON keeps it whole). */
export function oneLine(message: string, max = 200): string {
  const flat = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' · ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What a table row shows: a median with its range, or a single figure. */
type Range = Pick<Summary, 'median' | 'min' | 'max'>;
type Add = (section: string, metric: string, figure: Range | number | string, goalId?: string) => void;

function synthRows(r: SynthResult, add: Add): void {
  add(
    'synth',
    `ours, \`${r.ours.command.replace(/ \(.*$/, '')}\`: wall ms (${r.ours.stacks.length} stacks, bundles built from scratch)`,
    r.ours.wallMs,
  );
  add('synth', 'ours: wall ms (bundles reused, inputs unchanged)', r.oursWarm.wallMs);
  add(
    'synth',
    `baseline, \`${r.baseline.command.replace(/ \(.*$/, '')}\`: wall ms (${r.baseline.stacks.length} stack, barrel import)`,
    r.baseline.wallMs,
  );
  add('synth', 'wall time ratio ours (from scratch) / baseline', r.ratio.wallMs, GOALS.synthRatio.id);
  add('synth', 'wall time ratio ours (bundles reused) / baseline', r.warmRatio.wallMs);
  add('synth', 'ours: peak RSS MB (synth process)', r.ours.peakRssMb, GOALS.synthPeak.id);
  add('synth', 'ours: peak RSS MB (whole process tree)', r.ours.treePeakRssMb);
  add('synth', 'baseline: peak RSS MB (synth process)', r.baseline.peakRssMb);
  add('synth', 'baseline: peak RSS MB (whole process tree)', r.baseline.treePeakRssMb);
  add('synth', 'peak RSS ratio ours / baseline', r.ratio.peakRssMb);
}

function testsRows(r: TestsResult, add: Add): void {
  add('tests', `unit suite wall ms (${r.suites} files, ${r.tests} tests)`, r.wallMs, GOALS.testsWall.id);
  add('tests', '  sum of per-file durations, ms', r.filesTotalMs);
  for (const file of r.slowest) add('tests', `  slow file: ${file.file} (ms)`, file.ms);
  if (r.stoppedEarly) add('tests', `  ${r.stoppedEarly}`, '');
}

function dataPathRows(r: DataPathResult, add: Add): void {
  const pinned = r.pinnedCore === null ? 'not pinned' : `core ${r.pinnedCore}`;
  const format = (name: 'csv' | 'ndjson', f: FormatThroughput): void => {
    const upper = name.toUpperCase();
    add(
      'dataPath',
      `${upper} rows/s, ours (${pinned})`,
      f.rowsPerSec,
      name === 'csv' ? GOALS.csvRate.id : GOALS.ndjsonRate.id,
    );
    add('dataPath', `${upper} rows/s, tokenizing floor`, f.floor);
    add('dataPath', `${upper} rows/s, naive pipeline`, f.naive);
    add('dataPath', `${upper} ours / naive`, f.vsNaive, name === 'csv' ? GOALS.csvVsNaive.id : GOALS.ndjsonVsNaive.id);
    add('dataPath', `${upper} ours / floor`, f.ofFloor, name === 'csv' ? GOALS.csvOfFloor.id : GOALS.ndjsonOfFloor.id);
  };
  format('csv', r.csv);
  format('ndjson', r.ndjson);
}

function storageRows(r: StorageResult, add: Add): void {
  add(
    'storage',
    `store: write requests per 1,000 records (${formatNumber(r.store.records)} records)`,
    r.store.writeRequestsPer1000,
    GOALS.storeRequests.id,
  );
  add('storage', 'store: write units per stored record', r.store.writeUnitsPerRecord, GOALS.storeUnits.id);
  add('storage', 'store: index write units (total)', r.store.indexWriteUnits);
  add('storage', 'store: stored item bytes', r.store.itemBytes);
  add(
    'storage',
    'store, identical re-upload (every row a duplicate): write requests per 1,000',
    r.store.rerunRequestsPer1000,
  );
  add('storage', 'store, identical re-upload: write units per record', r.store.rerunWriteUnitsPerRecord);
  add(
    'storage',
    'baseline, unconditional 25-item BatchWriteItem: write requests per 1,000',
    r.store.baselineRequestsPer1000,
  );
  add('storage', 'baseline: write units per record', r.store.baselineWriteUnitsPerRecord);
  add('storage', 'store / baseline: write requests', r.store.requestsVsBaseline);
  add('storage', 'store / baseline: write units', r.store.unitsVsBaseline);
  add(
    'storage',
    `bars: writes per (symbol, minute) per batch (${r.bars.batches} batches)`,
    r.bars.writesPerMinute,
    GOALS.barsWrites.id,
  );
  add('storage', 'bars: same, batches delivered again', r.bars.redeliveryWritesPerMinute);
  add('storage', 'bars: write units per (symbol, minute), time-series index included', r.bars.writeUnitsPerMinute);
  add('storage', 'bars: (symbol, minute) pairs per batch', r.bars.minutesPerBatch);
  add('storage', 'bars: read requests per (symbol, minute)', r.bars.readsPerMinute);
  add('storage', 'bars: events per (symbol, minute)', r.bars.eventsPerMinute);
}

function barsRows(r: BarsResult, add: Add): void {
  for (const size of r.sizes) {
    const n = size.tradesPerMinute.toLocaleString('en-US');
    const runs = size.partial.runs;
    const max = (pick: (run: (typeof runs)[number]) => number): number => Math.max(...runs.map(pick));
    const at = `${n} trades/minute, ${size.batches} batches of ${r.batchSize}`;
    add(
      'bars',
      `${at}: read units per trade, partial bars`,
      max((x) => x.readUnitsPerTrade),
      barsReadGoal(size.tradesPerMinute).id,
    );
    add('bars', `${at}: read units per trade, old recompute`, size.baseline.readUnitsPerTrade);
    add(
      'bars',
      `${at}: Query pages per trade, partial bars / old`,
      `${formatNumber(max((x) => x.queryPagesPerTrade))} / ${formatNumber(size.baseline.queryPagesPerTrade)}`,
    );
    add(
      'bars',
      `${at}: bar writes per batch (max), partial bars / old`,
      `${max((x) => x.barWritesPerBatchMax)} / ${size.baseline.barWritesPerBatchMax}`,
    );
    add(
      'bars',
      `${at}: write units per trade, partial bars / old`,
      `${formatNumber(max((x) => x.writeUnitsPerTrade))} / ${formatNumber(size.baseline.writeUnitsPerTrade)}`,
    );
    add('bars', `${at}: handler CPU µs per trade, partial bars`, size.partial.cpuMicrosPerTrade);
    add('bars', `${at}: handler CPU µs per trade, old recompute`, size.baseline.cpuMicrosPerTrade);
    add(
      'bars',
      `${at}: handler CPU for the minute, s, partial bars / old`,
      `${formatNumber(max((x) => x.cpuMsPerMinute) / 1000)} / ${formatNumber(size.baseline.cpuMsPerMinute / 1000)}`,
    );
  }
  add(
    'bars',
    'handler CPU per trade, largest / smallest size, partial bars',
    r.timePerTradeRatio,
    GOALS.barsTimeRatio.id,
  );
  add('bars', 'handler CPU per trade, largest / smallest size, old recompute', r.baselineTimePerTradeRatio);
  add(
    'bars',
    'bar writes per (symbol, minute) per batch, every size',
    Math.max(...r.sizes.flatMap((s) => s.partial.runs.map((x) => x.barWritesPerBatchMax))),
    GOALS.barsWritesPerBatch.id,
  );
}

function bundleRows(r: BundlesResult, add: Add): void {
  add('bundles', `build all ${r.functions.length} bundles from scratch, ms (one run)`, r.buildMs);
  for (const fn of r.functions) {
    const [bytes, init] = bundleGoals(fn.name);
    add('bundles', `${fn.name}: bundle bytes (minified)`, fn.bytes, bytes.id);
    add('bundles', `${fn.name}: module init ms`, fn.initMs, init.id);
  }
  for (const ref of r.references) add('bundles', `reference, init ms: ${ref.name}`, ref.initMs);
  if (r.missing.length > 0) add('bundles', `missing entries: ${r.missing.join(', ')}`, '');
}

function fileScaleRows(r: FileScaleResult, add: Add): void {
  for (const c of r.cases) {
    const size = `${formatNumber(c.objectBytes / 1e6)} MB${c.compressed ? ' gzipped' : ''}`;
    const what = `${c.label}: ${formatNumber(c.rows)} rows, ${size}`;
    add('fileScale', `validate ${what}: rows/s against the emulator`, c.rowsPerSec);
    const peakGoal =
      c.label === 'standard' ? GOALS.validatePeak.id : c.label === 'rejects' ? GOALS.rejectsPeak.id : undefined;
    add('fileScale', `validate ${c.label}: peak RSS MB`, c.peakRssMb, peakGoal);
    add('fileScale', `validate ${c.label}: execution state after Validate, bytes`, c.stateBytes);
  }
  add(
    'fileScale',
    'largest execution state after Validate, bytes',
    Math.max(...r.cases.map((c) => c.stateBytes)),
    GOALS.statePayload.id,
  );
  add(
    'fileScale',
    `store-chunk: records/s against the emulator (${r.store.chunks} chunks, one at a time)`,
    r.store.recordsPerSec,
  );
  for (const s of r.sizing) {
    add(
      'fileScale',
      `${s.processingType} (chunks of ${s.chunkSize}): largest file within timeouts, rows (plain / gzipped)`,
      `${formatNumber(s.maxRows)} / ${formatNumber(s.maxRowsGzip)}`,
    );
    add(
      'fileScale',
      `${s.processingType}: largest file, GB (plain / gzipped)`,
      `${s.maxGb.toFixed(2)} / ${s.maxGbGzip.toFixed(2)}`,
    );
  }
}

/** The table as text: a header line about the run, then aligned columns. */
export function renderTable(report: BenchReport): string {
  const m = report.machine;
  const header =
    `benchmark ${report.startedAt} · ${m.cores} cores ${m.cpuModel} · ${m.memoryGb} GB · node ${m.node} · ` +
    `load ${m.loadAverage.start.toFixed(2)} → ${m.loadAverage.end.toFixed(2)} · ${report.runs} runs per figure · ` +
    `${report.durationSeconds.toFixed(0)} s`;
  const rows = tableRows(report);
  const columns: (keyof TableRow)[] = ['section', 'metric', 'median', 'range', 'goal', 'status'];
  const titles: TableRow = {
    section: 'section',
    metric: 'metric',
    median: 'median',
    range: 'min – max',
    goal: 'goal',
    status: 'status',
  };
  const widths = columns.map((c) => Math.max(titles[c].length, ...rows.map((r) => r[c].length)));
  const right = new Set<keyof TableRow>(['median', 'range']);
  const line = (r: TableRow): string =>
    columns
      .map((c, i) => (right.has(c) ? r[c].padStart(widths[i]) : r[c].padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const summary = report.summary;
  const footer =
    `goals: ${summary.met} met, ${summary.notMet} not met, ${summary.notMeasured} not measured, ` +
    `of ${summary.goals}${report.ok ? '' : ' · SOME SECTIONS FAILED'}`;
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [header, '', line(titles), rule, ...rows.map(line), '', footer].join('\n');
}

/** The table as Markdown (for BENCHMARKS.md): machine line, then one row per figure. */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const escape = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = [
    `Run ${report.startedAt} on ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, node ${m.node}; ` +
      `load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end; ` +
      `${report.runs} runs per figure; ${report.durationSeconds.toFixed(0)} s in all.`,
    '',
    '| section | metric | median | min – max | goal | status |',
    '|---|---|--:|--:|---|---|',
    ...tableRows(report).map(
      (r) => `| ${[r.section, r.metric.trim(), r.median, r.range, r.goal, r.status].map(escape).join(' | ')} |`,
    ),
    '',
    `Goals: ${report.summary.met} met, ${report.summary.notMet} not met, ` +
      `${report.summary.notMeasured} not measured, of ${report.summary.goals}.` +
      (report.ok ? '' : ' Some sections failed.'),
  ];
  return lines.join('\n');
}
