import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatThroughput, lastJsonLine } from '../../bench/data-path-pinned';
import { lastLines, runMeasured, sampleTree, statusField } from '../../bench/measured-process';
import { hotFunctions } from '../../bench/profile';
import { parseBenchArgs } from '../../bench/run';
import { parseMarkedResult } from '../../bench/storage';
import { appCommand, copyProject, manifestStacks } from '../../bench/synth';
import { slowestFiles, testsProblem } from '../../bench/tests';

describe('command line', () => {
  it('defaults to every section, three runs, the table', () => {
    expect(parseBenchArgs([])).toEqual({
      json: false,
      markdown: false,
      runs: 3,
      only: ['storage', 'bars', 'bundles', 'dataPath', 'synth', 'tests'],
    });
  });

  it('reads --json, --runs and --only', () => {
    expect(parseBenchArgs(['--json', '--runs', '5', '--only', 'synth,tests'])).toEqual({
      json: true,
      markdown: false,
      runs: 5,
      only: ['synth', 'tests'],
    });
    expect(parseBenchArgs(['--markdown']).markdown).toBe(true);
    expect(parseBenchArgs(['--from', 'bench/out/latest.json', '--markdown'])).toMatchObject({
      from: 'bench/out/latest.json',
      markdown: true,
    });
  });

  it('rejects unknown sections and silly run counts with a message naming them', () => {
    expect(() => parseBenchArgs(['--only', 'synth,speed'])).toThrow(/speed/);
    expect(() => parseBenchArgs(['--runs', '0'])).toThrow(/--runs/);
    expect(() => parseBenchArgs(['--runs', 'two'])).toThrow(/two/);
    expect(() => parseBenchArgs(['--json', '--markdown'])).toThrow(/exclusive/);
  });
});

describe('data-path result', () => {
  const block = {
    rowsPerSec: { median: 2e6, min: 1.9e6, max: 2.1e6 },
    floor: { median: 4e6, min: 4e6, max: 4e6 },
    naive: { median: 1e5, min: 1e5, max: 1e5 },
    rows: 100,
    bytes: 5000,
  };

  it('derives the ratios to the naive pipeline and the floor from the medians', () => {
    expect(formatThroughput({ csv: block }, 'csv')).toMatchObject({
      vsNaive: 20,
      ofFloor: 0.5,
      rows: 100,
      bytes: 5000,
    });
  });

  it('names the field that is missing or not a positive number', () => {
    expect(() => formatThroughput({ csv: block }, 'ndjson')).toThrow(/no ndjson/);
    expect(() => formatThroughput({ csv: { ...block, naive: { median: 0, min: 0, max: 0 } } }, 'csv')).toThrow(
      /csv\.naive\.median/,
    );
  });

  it('takes the last JSON line of the child output', () => {
    expect(lastJsonLine('warming up\n{"a":1}\n{"b":2}\n')).toEqual({ b: 2 });
    expect(() => lastJsonLine('no json here')).toThrow(/no JSON/);
  });
});

describe('child results', () => {
  it('finds the marked result among handler logs, including JSON log lines', () => {
    expect(parseMarkedResult('{"level":"INFO"}\nBENCH_RESULT {"store":1}\n{"_aws":{}}\n')).toEqual({ store: 1 });
    expect(() => parseMarkedResult('{"level":"INFO"}')).toThrow(/BENCH_RESULT/);
  });

  it('keeps only the tail of a failing command output', () => {
    expect(lastLines('1\n2\n3\n4', 2)).toBe('3\n4');
  });
});

describe('synth output and workspace', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the stacks of a cdktf manifest and refuses an outdir without one', () => {
    expect(() => manifestStacks(dir)).toThrow(/manifest\.json/);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ stacks: { 'regional-dev': {}, 'global-dev': {} } }));
    expect(manifestStacks(dir)).toEqual(['global-dev', 'regional-dev']);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ stacks: {} }));
    expect(() => manifestStacks(dir)).toThrow(/no stacks/);
  });

  it("runs the app command from the project's cdktf.json, and refuses one that needs a shell", () => {
    writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ app: 'node --import tsx  main.ts' }));
    expect(appCommand(dir)).toEqual(['node', '--import', 'tsx', 'main.ts']);
    writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ app: 'npm run build && node main.js' }));
    expect(() => appCommand(dir)).toThrow(/needs a shell/);
    writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript' }));
    expect(() => appCommand(dir)).toThrow(/no "app"/);
  });

  it('copies the sources but not outputs or dependencies, and links node_modules', () => {
    for (const sub of ['stacks', 'node_modules/pkg', '.build/functions', '.git'])
      mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'main.ts'), '// app');
    writeFileSync(join(dir, 'stacks', 'a.ts'), '// stack');
    writeFileSync(join(dir, '.build', 'functions', 'index.js'), '// bundle');
    const copy = copyProject(dir);
    try {
      expect(existsSync(join(copy, 'main.ts'))).toBe(true);
      expect(existsSync(join(copy, 'stacks', 'a.ts'))).toBe(true);
      expect(existsSync(join(copy, '.build'))).toBe(false);
      expect(existsSync(join(copy, '.git'))).toBe(false);
      expect(existsSync(join(copy, 'node_modules', 'pkg'))).toBe(true);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('slowest test files', () => {
  it('ranks files by their median duration', () => {
    const perFile = new Map([
      ['a.test.ts', [100, 5000, 120]],
      ['b.test.ts', [300, 310, 290]],
      ['c.test.ts', [10]],
    ]);
    expect(slowestFiles(perFile, 2)).toEqual([
      { file: 'b.test.ts', ms: 300 },
      { file: 'a.test.ts', ms: 120 },
    ]);
  });
});

describe('process measurement', () => {
  it('reads kB figures from /proc status text', () => {
    expect(statusField('VmHWM:\t  2080 kB\nVmRSS:\t  1500 kB\n', 'VmRSS')).toBe(1500);
    expect(statusField('Name: zombie\n', 'VmRSS')).toBe(0);
  });

  it('sees this process in its own tree', () => {
    const sample = sampleTree(process.pid);
    expect(sample.rssKb).toBeGreaterThan(10_000);
    // The test worker has no children: its high-water mark is at least its current RSS.
    expect(sample.largestHwmKb).toBeGreaterThanOrEqual(sample.rssKb);
  });

  it('measures the peak memory of a child that touches 120 MB, and its exit code', async () => {
    const run = await runMeasured({
      command: process.execPath,
      args: ['-e', 'const b = Buffer.alloc(120 * 1024 * 1024, 1); console.log(b.length); process.exit(3)'],
      cwd: tmpdir(),
    });
    expect(run.exitCode).toBe(3);
    expect(run.stdout.trim()).toBe(String(120 * 1024 * 1024));
    expect(run.peakRssMb).toBeGreaterThan(120);
    expect(run.peakRssMb).toBeLessThan(400);
    expect(run.treePeakRssMb).toBeGreaterThanOrEqual(run.peakRssMb);
    expect(run.wallMs).toBeGreaterThan(0);
  });
});

describe('unit suite verdict', () => {
  const base = {
    command: 'jest',
    wallMs: { median: 1, min: 1, max: 1, runs: 1 },
    suites: 2,
    tests: 10,
    slowest: [],
    filesTotalMs: 1,
  };

  it('accepts a green suite and names the failing files of a red one', () => {
    expect(testsProblem({ ...base, failedTests: 0, failingFiles: [] })).toBeUndefined();
    expect(testsProblem({ ...base, failedTests: 2, failingFiles: ['__tests__/a.test.ts'] })).toBe(
      'unit suite is red: 2 failed tests in __tests__/a.test.ts',
    );
  });
});

describe('CPU profile summary', () => {
  it('sums self time per function across call sites, largest first', () => {
    const frame = (functionName: string, url = '') => ({
      functionName,
      url,
      scriptId: '0',
      lineNumber: 0,
      columnNumber: 0,
    });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('parse', 'file:///proj/functions/lib/ingest/csv-reader.ts') },
        { id: 3, callFrame: frame('parse', 'file:///proj/functions/lib/ingest/csv-reader.ts') },
        { id: 4, callFrame: frame('(garbage collector)') },
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [2, 3, 4, 2],
      timeDeltas: [1000, 2000, 3000, 4000],
    };
    expect(hotFunctions(profile, '/proj', 2)).toEqual([
      { where: 'parse (functions/lib/ingest/csv-reader.ts)', selfMs: 7, share: 0.7 },
      { where: '(garbage collector)', selfMs: 3, share: 0.3 },
    ]);
  });
});
