import { createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ReferenceBars } from '../../bench/reference-bars';
import { tickers, writeTradingDay, type TradingDay } from '../../bench/trading-day';
import { gunzipStream } from '../../functions/lib/ingest/compressed-input';
import { detectFormat, processStream } from '../../functions/lib/ingest/data-path';

describe('a generated trading day', () => {
  const dir = mkdtempSync(join(tmpdir(), 'day-'));
  let day: TradingDay;

  beforeAll(async () => {
    day = await writeTradingDay(dir, { rows: 30_000, badShare: 0.002 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships trades as gzipped CSV and quotes as NDJSON, the afternoon quotes gzipped', () => {
    expect(readdirSync(dir).sort()).toEqual([
      'quotes-2026-03-10-am.ndjson',
      'quotes-2026-03-10-pm.ndjson.gz',
      'trades-2026-03-10-am.csv.gz',
      'trades-2026-03-10-pm.csv.gz',
    ]);
    expect(day.files.reduce((sum, f) => sum + f.rows, 0)).toBe(30_000);
    const bad = Object.values(day.rejects).reduce((a, b) => a + b, 0);
    expect(day.trades + day.quotes + bad).toBe(30_000);
  });

  it('skews activity as markets do: the 10 most active of ~500 symbols carry a large share of the trades', () => {
    expect(day.top10TradeShare).toBeGreaterThan(0.35);
    expect(new Set(day.bars.map((b) => b.symbol)).size).toBeGreaterThan(300);
  });

  it('has bad rows of every kind, which the pipeline rejects with exactly the counted reasons', async () => {
    expect(Object.keys(day.rejects).sort()).toEqual([
      'CROSSED_QUOTE',
      'INVALID_PRICE',
      'INVALID_SIZE',
      'INVALID_SYMBOL',
      'INVALID_TIMESTAMP',
      'MISSING_FIELD',
    ]);
    const reasons: Record<string, number> = {};
    const accepted = new ReferenceBars();
    let quotes = 0;
    for (const file of day.files) {
      const raw = createReadStream(file.path) as AsyncIterable<Uint8Array>;
      const stream = file.path.endsWith('.gz') ? gunzipStream(raw, file.path) : raw;
      const format = detectFormat(basename(file.path));
      for await (const result of processStream(stream, {
        format: format!,
        source: { kind: 's3', uri: `s3://b/${basename(file.path)}`, versionId: 'v1' },
        originRegion: 'us-east-1',
        now: Date.parse('2026-03-11T00:00:00Z'),
      })) {
        for (const reject of result.rejects) reasons[reject.reason] = (reasons[reject.reason] ?? 0) + 1;
        for (const record of result.records) {
          if (record.type === 'trade') accepted.add(record);
          else quotes++;
        }
      }
    }
    expect(reasons).toEqual(day.rejects);
    expect(quotes).toBe(day.quotes);
    // The generator's own bars are those of exactly the trades the pipeline accepts.
    expect(accepted.trades).toBe(day.trades);
    expect(accepted.bars()).toEqual(day.bars);
  });

  it('is the same day for the same shape', async () => {
    const again = mkdtempSync(join(tmpdir(), 'day-'));
    try {
      const second = await writeTradingDay(again, { rows: 30_000, badShare: 0.002 });
      expect(second.bars).toEqual(day.bars);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('names symbols as valid tickers', () => {
    expect(tickers(28)).toEqual([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'AA', 'AB']);
  });
});
