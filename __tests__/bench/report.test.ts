import { checkGoal, GOALS } from '../../bench/goals';
import {
  checkGoals,
  formatNumber,
  oneLine,
  renderMarkdown,
  renderTable,
  tableRows,
  type BenchReport,
  type Sections,
} from '../../bench/report';
import type { StorageResult } from '../../bench/storage';

const summary = (median: number, min = median, max = median) => ({ median, min, max, runs: 3 });

const storage: StorageResult = {
  store: {
    records: 10_000,
    chunkSize: 1000,
    writeRequestsPer1000: summary(1346),
    writeUnitsPerRecord: summary(2.05),
    indexWriteUnits: 0,
    itemBytes: summary(369, 350, 401),
    totals: {
      requests: 400,
      itemWrites: 10_000,
      writeUnits: 10_500,
      conditionFailures: 0,
      indexWriteUnits: 0,
      readRequests: 0,
      readUnits: 0,
      queryPages: 0,
    },
    rerunRequestsPer1000: summary(1346),
    rerunWriteUnitsPerRecord: summary(1.35),
    baselineRequestsPer1000: 40,
    baselineWriteUnitsPerRecord: 1,
    requestsVsBaseline: 33.65,
    unitsVsBaseline: 1.35,
  },
  bars: {
    batches: 100,
    batchSize: 100,
    minutesPerBatch: summary(20),
    writesPerMinute: summary(1),
    redeliveryWritesPerMinute: summary(0),
    writeUnitsPerMinute: summary(2),
    readsPerMinute: summary(2),
    eventsPerMinute: summary(1),
  },
};

function sections(overrides: Partial<Sections> = {}): Sections {
  return {
    storage: { status: 'ok', seconds: 2, result: storage },
    bars: { status: 'skipped' },
    bundles: { status: 'skipped' },
    dataPath: { status: 'error', seconds: 0, error: 'bench/data-path.ts does not exist yet\nsecond line' },
    synth: { status: 'skipped' },
    tests: { status: 'skipped' },
    fileScale: { status: 'skipped' },
    ...overrides,
  };
}

describe('goal checks', () => {
  it('compares in the stated direction, inclusive of the target', () => {
    expect(checkGoal(GOALS.storeRequests, 2000).met).toBe(true);
    expect(checkGoal(GOALS.storeRequests, 2000.5).met).toBe(false);
    expect(checkGoal(GOALS.csvRate, 1_500_000).met).toBe(true);
    expect(checkGoal(GOALS.csvRate, 1_499_999).met).toBe(false);
  });

  it('never counts a figure that was not measured as met', () => {
    expect(checkGoal(GOALS.synthRatio, undefined)).toMatchObject({ actual: null, met: null });
    expect(checkGoal(GOALS.synthRatio, Number.NaN)).toMatchObject({ actual: null, met: null });
  });

  it('checks storage figures by their medians and leaves failed or skipped sections unmeasured', () => {
    const goals = checkGoals(sections());
    const byId = new Map(goals.map((g) => [g.id, g]));
    expect(byId.get('storage.store.writeRequestsPer1000')).toMatchObject({ actual: 1346, met: true });
    expect(byId.get('storage.store.writeUnitsPerRecord')).toMatchObject({ actual: 2.05, met: false });
    expect(byId.get('dataPath.csv.rowsPerSec')).toMatchObject({ met: null });
    expect(byId.get('synth.ratio.wallMs')).toMatchObject({ met: null });
  });

  it('adds a size and an init goal per bundled function', () => {
    const goals = checkGoals(
      sections({
        bundles: {
          status: 'ok',
          seconds: 1,
          result: {
            functions: [{ name: 'bars', bytes: 310_000, initMs: summary(40) }],
            buildMs: 500,
            references: [],
            missing: [],
          },
        },
      }),
    );
    expect(goals.find((g) => g.id === 'bundles.bars.bytes')).toMatchObject({ met: false, target: 300_000 });
    expect(goals.find((g) => g.id === 'bundles.bars.initMs')).toMatchObject({ met: true });
  });
});

describe('file-scale goals', () => {
  const fileCase = (label: string, peakRssMb: number, stateBytes: number) =>
    ({ label, peakRssMb, stateBytes, rows: 1, objectBytes: 1, compressed: false, rowsPerSec: 1 }) as never;

  it('checks the peak RSS of the 5 M-row and 1 M-reject runs and the largest state', () => {
    const goals = checkGoals(
      sections({
        fileScale: {
          status: 'ok',
          seconds: 1,
          result: {
            cases: [fileCase('standard', 190, 800), fileCase('rejects', 300, 790), fileCase('batch', 400, 20_000)],
            store: { chunks: 1, records: 1, seconds: 1, recordsPerSec: 1 },
            sizing: [],
            assumptions: '',
          },
        },
      }),
    );
    const byId = new Map(goals.map((g) => [g.id, g]));
    expect(byId.get('fileScale.standard.peakRssMb')).toMatchObject({ actual: 190, met: true });
    expect(byId.get('fileScale.rejects.peakRssMb')).toMatchObject({ actual: 300, met: false });
    expect(byId.get('fileScale.stateBytes')).toMatchObject({ actual: 20_000, met: false, target: 16_384 });
  });

  it('leaves the file-scale goals out of a run without the section (it runs only on request)', () => {
    expect(checkGoals(sections()).some((g) => g.section === 'fileScale')).toBe(false);
  });
});

describe('table', () => {
  const report = (): BenchReport => {
    const s = sections();
    const goals = checkGoals(s);
    return {
      startedAt: '2026-11-25T02:00:00.000Z',
      durationSeconds: 12,
      runs: 3,
      machine: {
        cpuModel: 'Test CPU',
        cores: 2,
        memoryGb: 8,
        node: 'v20.0.0',
        platform: 'linux-x64',
        loadAverage: { start: 1, end: 2 },
      },
      sections: s,
      goals,
      summary: { goals: goals.length, met: 2, notMet: 1, notMeasured: goals.length - 3 },
      ok: false,
    };
  };

  it('prints a failed section as an error on one line, not as numbers', () => {
    const rows = tableRows(report()).filter((r) => r.section === 'dataPath');
    expect(rows).toHaveLength(1);
    expect(rows[0].metric).toBe('ERROR: bench/data-path.ts does not exist yet · second line');
    expect(rows[0].median).toBe('');
  });

  it('shows each goal with its status next to the figure', () => {
    const row = tableRows(report()).find((r) => r.metric.startsWith('store: write units'));
    expect(row).toMatchObject({ median: '2.050', goal: '<= 2', status: 'NOT MET' });
  });

  it('renders the machine, aligned columns and a closing line that says sections failed', () => {
    const text = renderTable(report());
    expect(text).toContain('2 cores Test CPU');
    expect(text).toMatch(/SOME SECTIONS FAILED$/);
    const lines = text.split('\n').filter((l) => l.startsWith('storage '));
    const goalColumn = lines.map((l) => l.indexOf('<='));
    expect(new Set(goalColumn.filter((i) => i >= 0)).size).toBe(1);
  });
});

describe('markdown', () => {
  it('writes one table row per figure and escapes pipes in metrics', () => {
    const s = sections({ dataPath: { status: 'error', seconds: 0, error: 'a | b' } });
    const goals = checkGoals(s);
    const md = renderMarkdown({
      startedAt: 't',
      durationSeconds: 1,
      runs: 3,
      machine: {
        cpuModel: 'X',
        cores: 2,
        memoryGb: 8,
        node: 'v20',
        platform: 'linux-x64',
        loadAverage: { start: 0, end: 0 },
      },
      sections: s,
      goals,
      summary: { goals: goals.length, met: 0, notMet: 0, notMeasured: goals.length },
      ok: false,
    });
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toBe('| section | metric | median | min – max | goal | status |');
    expect(rows.find((r) => r.includes('ERROR'))).toContain('ERROR: a \\| b');
    expect(rows.find((r) => r.includes('write requests per 1,000'))).toMatch(
      /\| 1,346 \| 1,346 – 1,346 \| <= 2,000 \| met \|$/,
    );
  });
});

describe('formatting', () => {
  it('groups thousands and keeps small figures precise', () => {
    expect(formatNumber(1_234_567.8)).toBe('1,234,568');
    expect(formatNumber(184.44)).toBe('184.4');
    expect(formatNumber(0.2191)).toBe('0.219');
    expect(formatNumber(40)).toBe('40');
  });

  it('flattens and shortens long error messages', () => {
    expect(oneLine('a\n\n  b  \nc')).toBe('a · b · c');
    expect(oneLine('x'.repeat(300), 10)).toHaveLength(10);
  });
});
