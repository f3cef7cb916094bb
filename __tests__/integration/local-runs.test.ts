import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { LocalRunReport } from '../../local/run-report';
import { canonicalBar } from '../../bench/reference-bars';
import { expectedBars, generateTrades, tradesCsv } from './harness';

const ROOT = join(__dirname, '..', '..');

/** `npm run local -- --json <dir>` as a separate process against the suite's emulator. */
function localRun(dir: string): Promise<{ code: number | null; report: LocalRunReport; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'local', 'cli.ts'), '--json', dir], {
      cwd: ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ code, report: JSON.parse(stdout) as LocalRunReport, stderr });
      } catch {
        reject(new Error(`no JSON report (exit ${code}):\n${stderr}`));
      }
    });
  });
}

const canonicalBars = (report: LocalRunReport): LocalRunReport['bars'] => report.bars.map(canonicalBar);

describe('two local runs at once on one emulator', () => {
  const dirs: string[] = [];
  const a = generateTrades(40, { symbols: ['AAPL', 'NVDA'], idPrefix: 'A' });
  const b = generateTrades(70, { symbols: ['MSFT'], idPrefix: 'B', seed: 3 });
  let runs: Awaited<ReturnType<typeof localRun>>[];

  beforeAll(async () => {
    const dirA = mkdtempSync(join(tmpdir(), 'local-run-a-'));
    const dirB = mkdtempSync(join(tmpdir(), 'local-run-b-'));
    dirs.push(dirA, dirB);
    writeFileSync(join(dirA, 'day-a.csv'), tradesCsv(a, ['AAPL,2026-03-10T14:30:30.000Z,-1,5,BADA']));
    writeFileSync(join(dirB, 'day-b.csv.gz'), gzipSync(tradesCsv(b)));
    runs = await Promise.all([localRun(dirA), localRun(dirB)]);
  }, 120_000);
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('give two correct reports, each from its own resources only', () => {
    const [ra, rb] = runs;
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(ra.report.files.map((f) => [f.key, f.accepted, f.rejected, f.status])).toEqual([
      ['incoming/day-a.csv', 40, 1, 'COMPLETED'],
    ]);
    expect(ra.report.stored).toBe(40);
    expect(ra.report.rejects).toEqual([{ file: 'incoming/day-a.csv', line: 42, reason: 'INVALID_PRICE' }]);
    expect(canonicalBars(ra.report)).toEqual(expectedBars(a));
    expect(rb.report.files.map((f) => [f.key, f.accepted, f.rejected, f.status])).toEqual([
      ['incoming/day-b.csv.gz', 70, 0, 'COMPLETED'],
    ]);
    expect(rb.report.stored).toBe(70);
    expect(canonicalBars(rb.report)).toEqual(expectedBars(b));
  });

  it('name every resource with the run id and remove them all when done', async () => {
    const prefixes = runs.map((run) => /resources named ([a-z0-9-]+)-\*/.exec(run.stderr)?.[1]);
    expect(prefixes[0]).toMatch(/^market-data-[a-z][a-z0-9]{5}$/);
    expect(prefixes[1]).toMatch(/^market-data-[a-z][a-z0-9]{5}$/);
    expect(prefixes[0]).not.toBe(prefixes[1]);
    const tables = (await new DynamoDBClient({}).send(new ListTablesCommand({}))).TableNames ?? [];
    const buckets = (await new S3Client({ forcePathStyle: true }).send(new ListBucketsCommand({}))).Buckets ?? [];
    const left = [...tables, ...buckets.map((bucket) => bucket.Name ?? '')].filter((name) =>
      prefixes.some((prefix) => name.startsWith(`${prefix}-`)),
    );
    expect(left).toEqual([]);
  });
});
