import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputNotFoundError, resolveInputFiles } from '../../local/input-files';
import { formatReport } from '../../local/report-format';
import { fileOfRejectsReport, NOT_RECONCILED, parseRejectLine } from '../../local/run-report';

describe('run report pieces', () => {
  it("maps a version's rejects report back to the file it belongs to", () => {
    const keys = ['incoming/a.csv', 'incoming/sub/a.csv', 'incoming/b.json'];
    expect(fileOfRejectsReport('rejected/a.csv/a-csv-0123456789abcdef.jsonl', keys)).toBe('incoming/a.csv');
    expect(fileOfRejectsReport('rejected/sub/a.csv/sub-a-csv-0123456789abcdef.jsonl', keys)).toBe('incoming/sub/a.csv');
    expect(fileOfRejectsReport('rejected/unknown.csv/x.jsonl', keys)).toBe('rejected/unknown.csv/x.jsonl');
  });

  it('skips the warnings a rejects report also lists (rows that were kept)', () => {
    expect(parseRejectLine('{"line":3,"field":"exchange","warning":"FIELD_DROPPED","message":"x"}')).toBeUndefined();
  });

  it('reads line and reason from a rejects line, whichever field names it uses', () => {
    expect(parseRejectLine('{"line":13,"reason":"INVALID_PRICE","message":"x"}')).toEqual({
      line: 13,
      reason: 'INVALID_PRICE',
    });
    expect(parseRejectLine('{"index":2,"code":"MALFORMED"}')).toEqual({ line: 2, reason: 'MALFORMED' });
    expect(parseRejectLine('   ')).toBeUndefined();
  });

  it('formats files, rejects and bars for a person', () => {
    const text = formatReport(
      {
        files: [
          { key: 'incoming/a.csv', accepted: 2, rejected: 1, reasons: { INVALID_PRICE: 1 }, status: 'COMPLETED' },
        ],
        accepted: 2,
        rejected: 1,
        stored: 2,
        rejects: [{ file: 'incoming/a.csv', line: 3, reason: 'INVALID_PRICE' }],
        bars: [
          {
            symbol: 'AAPL',
            minute: '2026-03-10T14:30:00.000Z',
            open: '1',
            high: '2',
            low: '1',
            close: '2',
            volume: 3,
            trades: 2,
            vwap: '1.66666667',
            notional: '5',
          },
        ],
        drift: { minutes: 1, differences: 0, partials: [], bars: [] },
      },
      { env: 'dev', region: 'us-east-1', endpoint: 'http://127.0.0.1:4599', seconds: 1.23 },
    );
    expect(text).toContain('Reconciled: 1 (symbol, minute) pairs recomputed from the stored trades, drift 0');
    expect(text).toContain('Totals: 2 accepted, 1 rejected, 2 record items stored');
    expect(text).toMatch(/incoming\/a\.csv\s+COMPLETED\s+2\s+1\s+INVALID_PRICE 1/);
    expect(text).toMatch(/AAPL\s+2026-03-10T14:30:00\.000Z\s+1\s+2\s+1\s+2\s+3\s+2\s+1\.66666667\s+5/);
  });

  it('prints at most 50 rejects and bars of a large run, saying how many more --json has', () => {
    const bar = {
      symbol: 'A',
      open: '1',
      high: '1',
      low: '1',
      close: '1',
      volume: 1,
      trades: 1,
      vwap: '1',
      notional: '1',
    };
    const text = formatReport(
      {
        files: [],
        accepted: 0,
        rejected: 70,
        stored: 0,
        rejects: Array.from({ length: 70 }, (_, i) => ({ file: 'incoming/a.csv', line: i + 2, reason: 'MALFORMED' })),
        bars: Array.from({ length: 500 }, (_, i) => ({ ...bar, minute: `m${String(i).padStart(3, '0')}` })),
        drift: NOT_RECONCILED,
      },
      { env: 'dev', region: 'us-east-1', endpoint: 'e', seconds: 1 },
    );
    expect(text).toContain('... and 20 more (--json prints all)');
    expect(text).toContain('... and 450 more (--json prints all)');
    expect(text).not.toContain('m050');
  });

  it('expands folders to their ingestible files (plain and gzipped), recursively and in name order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-run-inputs-'));
    mkdirSync(join(dir, 'sub'));
    for (const name of ['b.csv', 'a.json', 'notes.txt', 'sub/c.csv', 'd.ndjson.gz', 'e.zip'])
      writeFileSync(join(dir, name), '');
    expect(resolveInputFiles([dir]).map((f) => f.slice(dir.length + 1))).toEqual([
      'a.json',
      'b.csv',
      'd.ndjson.gz',
      'sub/c.csv',
    ]);
    expect(resolveInputFiles([join(dir, 'notes.txt')])).toEqual([join(dir, 'notes.txt')]);
    expect(() => resolveInputFiles([join(dir, 'missing.csv')])).toThrow(InputNotFoundError);
  });
});
