import { CSV_HEADER, generateCsv, mulberry32, readMarketRecords, symbolNames } from '../../bench/market-data';

describe('synthetic market data', () => {
  it('is the same file for the same seed and a different one for another seed', () => {
    expect(generateCsv({ rows: 50 })).toBe(generateCsv({ rows: 50 }));
    expect(generateCsv({ rows: 50, seed: 7 })).not.toBe(generateCsv({ rows: 50 }));
  });

  it('has a header and one line per row, time-ordered', () => {
    const lines = generateCsv({ rows: 200, minutes: 2 }).trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines).toHaveLength(201);
    const times = lines.slice(1).map((l) => Date.parse(l.split(',')[1]));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(times[times.length - 1] - times[0]).toBeLessThan(2 * 60_000);
  });

  it('is entirely valid for the pipeline reader, with trades and quotes, and ids of both kinds', () => {
    const records = readMarketRecords(generateCsv({ rows: 1000 }), 's3://bucket/incoming/x.csv', 'us-east-1');
    expect(records).toHaveLength(1000);
    const trades = records.filter((r) => r.type === 'trade');
    expect(trades.length).toBeGreaterThan(600);
    expect(trades.length).toBeLessThan(800);
    expect(records.some((r) => r.recordId.startsWith('t-'))).toBe(true);
    expect(records.some((r) => r.recordId.startsWith('f-'))).toBe(true);
    expect(new Set(records.map((r) => r.originRegion))).toEqual(new Set(['us-east-1']));
  });

  it('makes valid symbols and uniform-looking random numbers', () => {
    expect(symbolNames(3)).toEqual(['SYM00', 'SYM01', 'SYM02']);
    const random = mulberry32(1);
    const values = Array.from({ length: 1000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
  });
});
