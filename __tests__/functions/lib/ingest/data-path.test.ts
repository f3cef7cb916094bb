import { Readable } from 'node:stream';
import {
  detectFormat,
  processStream,
  processText,
  RowProcessor,
  validateObjects,
  type DataPathOptions,
} from '../../../../functions/lib/ingest/data-path';
import { DataPathUsageError } from '../../../../functions/lib/domain/errors';
import type { ValidationResult } from '../../../../functions/lib/domain/types';

const OPTS: DataPathOptions = {
  format: 'csv',
  source: { kind: 's3', uri: 's3://bucket/incoming/day.csv', versionId: '3HL4kqtJlcpXroDTDmJ' },
  originRegion: 'us-west-2',
  now: Date.parse('2025-01-02T15:00:00Z'),
};
const TS = '2025-01-02T14:30:00.000Z';
const CSV = `symbol,timestamp,price,size,trade_id\nAAPL,${TS},187.25,100,\nMSFT,${TS},410.5,7,\nIBM,${TS},200,1,X-1\n`;

describe('detectFormat', () => {
  it.each([
    ['incoming/a.csv', undefined, 'csv'],
    ['incoming/A.CSV', undefined, 'csv'],
    ['incoming/a.ndjson', undefined, 'ndjson'],
    ['incoming/a.jsonl', undefined, 'ndjson'],
    ['incoming/a.json', undefined, 'json'],
    ['incoming/a.json', '[{"symbol":"A"}]', 'json'],
    ['incoming/a.json', '{\n  "records": [\n    {"symbol":"A"}\n  ]\n}', 'json'],
    ['incoming/a.json', '{"symbol":"A"}\n{"symbol":"B"}\n', 'ndjson'],
    ['incoming/a.json', '\uFEFF{"symbol":"A"}\r\n{"symbol":"B"}', 'ndjson'],
    ['incoming/a.txt', undefined, undefined],
    ['incoming/a.json.gz', undefined, 'json'],
    ['incoming/a.CSV.GZ', undefined, 'csv'],
    ['incoming/a.ndjson.gz', undefined, 'ndjson'],
    ['incoming/a.json.gz', '{"symbol":"A"}\n{"symbol":"B"}\n', 'ndjson'],
    ['incoming/a.zip', undefined, undefined],
    ['incoming/a.gz', undefined, undefined],
  ])('%s (head %j) → %s', (key, head, expected) => {
    expect(detectFormat(key, head)).toBe(expected);
  });
});

describe('RowProcessor', () => {
  it('stamps source lineage and origin region on every record', () => {
    const [record] = processText(CSV, OPTS).records;
    expect(record).toEqual({
      recordId: expect.stringMatching(/^f-[0-9a-f]{16}-2$/),
      type: 'trade',
      symbol: 'AAPL',
      timestamp: TS,
      epochMs: Date.parse(TS),
      minute: '2025-01-02T14:30:00.000Z',
      session: 'regular',
      price: '187.25',
      size: 100,
      notional: '18725',
      source: { kind: 's3', uri: OPTS.source.uri, versionId: OPTS.source.versionId, line: 2 },
      originRegion: 'us-west-2',
    });
  });

  it('throws typed errors for misuse, never for data', () => {
    expect(() => new RowProcessor({ ...OPTS, format: 'xml' as never })).toThrow(DataPathUsageError);
    expect(() => new RowProcessor({ ...OPTS, originRegion: '' })).toThrow(DataPathUsageError);
    expect(() => new RowProcessor({ ...OPTS, source: { kind: 's3', uri: '' } })).toThrow(DataPathUsageError);
    const processor = new RowProcessor(OPTS);
    processor.push('\u0000\u0001garbage"""\n,,,');
    processor.end();
    expect(() => processor.push('x')).toThrow(DataPathUsageError);
    expect(() => processor.end()).toThrow(DataPathUsageError);
  });

  it('decodes UTF-8 split across chunks', () => {
    const bytes = new TextEncoder().encode(`symbol,timestamp,price,size,notes\nAAPL,${TS},1,1,é€😀\n`);
    const processor = new RowProcessor(OPTS);
    const parts = Array.from(bytes, (b) => processor.push(new Uint8Array([b])));
    const last = processor.end();
    expect([...parts.flatMap((p) => p.rejects), ...last.rejects]).toEqual([]);
    expect([...parts.flatMap((p) => p.records), ...last.records]).toHaveLength(1);
  });

  it('rejects a row cut off by truncated UTF-8 at end of input', () => {
    const bytes = new TextEncoder().encode(`symbol,timestamp,price,size,notes\nAAPL,${TS},1,1,€`);
    const processor = new RowProcessor(OPTS);
    const first = processor.push(bytes.subarray(0, bytes.length - 1));
    const last = processor.end();
    expect([...first.rejects, ...last.rejects].map((r) => r.reason)).toEqual(['MALFORMED']);
  });
});

describe('stored timestamps', () => {
  it('normalises a decimal-comma timestamp to the canonical UTC form', () => {
    const text = `{"symbol":"AAPL","timestamp":"2025-01-02T14:30:00,250Z","price":"1","size":1}\n`;
    const { records, rejects } = processText(text, { ...OPTS, format: 'ndjson' });
    expect(rejects).toEqual([]);
    expect(records[0].timestamp).toBe('2025-01-02T14:30:00.250Z');
  });
});

describe('processStream', () => {
  it('yields the same records as processText', async () => {
    function* slices() {
      const bytes = new TextEncoder().encode(CSV);
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const chunks = (): AsyncIterable<Uint8Array> => Readable.from(slices());
    const collected: ValidationResult = { records: [], rejects: [], warnings: [] };
    for await (const part of processStream(chunks(), OPTS)) {
      expect(part.records.length + part.rejects.length).toBeGreaterThan(0);
      collected.records.push(...part.records);
      collected.rejects.push(...part.rejects);
    }
    expect(collected).toEqual(processText(CSV, OPTS));
  });
});

describe('deterministic record ids', () => {
  it('gives the same input the same ids', () => {
    expect(processText(CSV, OPTS).records.map((r) => r.recordId)).toEqual(
      processText(CSV, OPTS).records.map((r) => r.recordId),
    );
  });

  it('gives different lines different ids, and another file version other ids', () => {
    const ids = processText(CSV, OPTS).records.map((r) => r.recordId);
    expect(new Set(ids).size).toBe(ids.length);
    const other = processText(CSV, { ...OPTS, source: { ...OPTS.source, versionId: 'v2' } }).records.map(
      (r) => r.recordId,
    );
    expect(other[0]).not.toBe(ids[0]);
  });

  it('derives trade-id based ids from symbol and trade id, independent of line and file', () => {
    const moved = `symbol,timestamp,price,size,trade_id\n\n\n\n\nIBM,${TS},200,1,X-1\n`;
    const a = processText(CSV, OPTS).records.find((r) => r.symbol === 'IBM')!;
    const b = processText(moved, { ...OPTS, source: { kind: 's3', uri: 's3://bucket/incoming/other.csv' } }).records[0];
    expect(a.recordId).toBe('t-IBM-X-1');
    expect(b.recordId).toBe(a.recordId);
    expect(b.source.line).not.toBe(a.source.line);
  });
});

describe('validateObjects (HTTP API)', () => {
  const api = { source: { kind: 'api' as const, uri: 'req-7f3a' }, originRegion: 'us-east-1', now: OPTS.now };

  it('validates parsed objects with 0-based indexes as lines and ids from the request id', () => {
    const body = JSON.parse(
      `[{"symbol":"aapl","timestamp":"${TS}","price":"12345.6789","size":1000000},` +
        `{"__proto__":{"polluted":1},"symbol":"MSFT","ts":"${TS}","bid":"1","ask":"0.5","bidSize":1,"askSize":1},` +
        `"nope",{"symbol":"X","timestamp":"${TS}","price":[1],"size":1},` +
        `{"symbol":"Y","timestamp":"${TS}","price":1e21,"size":1}]`,
    ) as unknown[];
    const { records, rejects } = validateObjects(body, api);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      symbol: 'AAPL',
      notional: '12345678900',
      recordId: expect.stringMatching(/^a-[0-9a-f]{16}-0$/),
      source: { kind: 'api', uri: 'req-7f3a', line: 0 },
    });
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'CROSSED_QUOTE'],
      [2, 'MALFORMED'],
      [3, 'MALFORMED'],
      [4, 'INVALID_PRICE'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws only when not given an array', () => {
    expect(() => validateObjects({} as never, api)).toThrow(DataPathUsageError);
    expect(validateObjects([], api)).toEqual({ records: [], rejects: [], warnings: [] });
  });
});
