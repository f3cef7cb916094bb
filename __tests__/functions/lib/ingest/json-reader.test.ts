import { processText, RowProcessor, type DataPathOptions } from '../../../../functions/lib/ingest/data-path';
import { MAX_ELEMENT_CHARS } from '../../../../functions/lib/ingest/json-reader';
import type { MarketRecord, ValidationResult } from '../../../../functions/lib/domain/types';

const BASE: Omit<DataPathOptions, 'format'> = {
  source: { kind: 's3', uri: 's3://bucket/incoming/t.json' },
  originRegion: 'us-east-1',
  now: Date.parse('2025-01-02T15:00:00Z'),
};
const TS = '2025-01-02T14:30:00.000Z';
const OBJECTS = [
  { symbol: 'AAPL', timestamp: TS, type: 'trade', price: '187.25', size: 100, tradeId: 'T1' },
  { sym: 'msft', ts: 1735828200000, bid: 410.1, ask: '410.12', bid_size: 3, ask_size: 4, exchange: 'xnas' },
  { symbol: 'BAD', timestamp: TS, price: 0, size: 1 },
  { symbol: 'IBM', timestamp: '2025-01-02T09:30:00-05:00', px: '0.50', qty: '10', meta: { nested: [1, { a: '}' }] } },
];

const run = (format: DataPathOptions['format'], text: string) => processText(text, { ...BASE, format });

function pushAll(format: DataPathOptions['format'], chunks: string[]): ValidationResult {
  const processor = new RowProcessor({ ...BASE, format });
  const out: ValidationResult = { records: [], rejects: [], warnings: [] };
  for (const chunk of [...chunks.map((c) => processor.push(c)), processor.end()]) {
    out.records.push(...chunk.records);
    out.rejects.push(...chunk.rejects);
    out.warnings.push(...chunk.warnings);
  }
  return out;
}

/** The domain content of a record (ids and lineage differ by container). */
const content = ({ recordId: _id, source: _source, ...rest }: MarketRecord) => rest;

describe('JSON containers', () => {
  const ndjson = OBJECTS.map((o) => JSON.stringify(o)).join('\n');
  const array = JSON.stringify(OBJECTS);
  const wrapper = JSON.stringify({ source: 'feed', meta: { records: 'not this' }, records: OBJECTS, count: 4 });
  const pretty = JSON.stringify({ records: OBJECTS }, null, 2);

  it('reads NDJSON', () => {
    const { records, rejects } = run('ndjson', ndjson);
    expect(records.map((r) => r.symbol)).toEqual(['AAPL', 'MSFT', 'IBM']);
    expect(rejects).toEqual([{ line: 3, reason: 'INVALID_PRICE', message: expect.any(String) }]);
  });

  it('reads CRLF NDJSON like LF', () => {
    expect(run('ndjson', ndjson.replace(/\n/g, '\r\n'))).toEqual(run('ndjson', ndjson));
  });

  it.each([
    ['an array', array],
    ['{"records": [...]} with other keys', wrapper],
    ['a pretty-printed wrapper', pretty],
    ['a sequence of top-level objects', ndjson],
  ])('reads %s to the same records as NDJSON', (_name, text) => {
    const expected = run('ndjson', ndjson);
    const actual = run('json', text);
    expect(actual.records.map(content)).toEqual(expected.records.map(content));
    expect(actual.rejects.map((r) => r.reason)).toEqual(['INVALID_PRICE']);
  });

  it('gives elements of a one-line array distinct, stable ids', () => {
    const { records } = run('json', array);
    expect(new Set(records.map((r) => r.recordId)).size).toBe(records.length);
    expect(run('json', array).records.map((r) => r.recordId)).toEqual(records.map((r) => r.recordId));
    expect(records[1].source).toMatchObject({ line: 1, element: 1 });
  });

  it('reports the line where each element starts in a pretty-printed file', () => {
    const { rejects } = run('json', pretty);
    const badLine = pretty.split('\n').findIndex((l) => l.includes('"BAD"')) + 1;
    expect(rejects[0].line).toBe(badLine - 1); // the element's "{" is on the line before its first key
  });

  it('streams an array split at every offset to the same result', () => {
    const oneShot = run('json', wrapper);
    for (let cut = 0; cut <= wrapper.length; cut++) {
      expect(pushAll('json', [wrapper.slice(0, cut), wrapper.slice(cut)])).toEqual(oneShot);
    }
  });

  it('streams NDJSON split at every offset to the same result', () => {
    const oneShot = run('ndjson', ndjson);
    for (let cut = 0; cut <= ndjson.length; cut += 3) {
      expect(pushAll('ndjson', [ndjson.slice(0, cut), ndjson.slice(cut)])).toEqual(oneShot);
    }
  });
});

describe('JSON errors', () => {
  it('rejects non-object elements and keeps reading', () => {
    const { records, rejects } = run('json', `[1, "x", [2], ${JSON.stringify(OBJECTS[0])}, null]`);
    expect(records).toHaveLength(1);
    expect(rejects.map((r) => r.reason)).toEqual(['MALFORMED', 'MALFORMED', 'MALFORMED', 'MALFORMED']);
  });

  it('reports a missing comma and an empty element', () => {
    const o = JSON.stringify(OBJECTS[0]);
    expect(run('json', `[${o} ${o}]`).rejects.map((r) => r.message)).toEqual(['missing comma between array elements']);
    expect(run('json', `[${o},,${o}]`).rejects.map((r) => r.message)).toEqual(['empty array element (extra comma)']);
  });

  it('reports text outside any JSON value', () => {
    expect(run('json', `garbage\n${JSON.stringify(OBJECTS[0])}`).rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'MALFORMED'],
    ]);
  });

  it('reports an unclosed array', () => {
    const { records, rejects } = run('json', `[${JSON.stringify(OBJECTS[0])}`);
    expect(records).toHaveLength(1);
    expect(rejects[0].message).toContain('not closed');
  });

  it('decodes escaped strings', () => {
    const { records } = run(
      'ndjson',
      '{"sym\\u0062ol":"\\u0041APL","timestamp":"2025-01-02T14:30:00Z","price":"1","size":1,"x":"a\\"b"}',
    );
    expect(records[0].symbol).toBe('AAPL');
  });

  it('treats null as absent', () => {
    expect(
      run('ndjson', `{"symbol":"A","timestamp":"${TS}","price":"1","size":1,"exchange":null}`).records[0],
    ).not.toHaveProperty('exchange');
  });

  it('keeps number tokens exact (never a float round trip)', () => {
    const { records } = run('ndjson', `{"symbol":"A","timestamp":"${TS}","price":0.1000000000000000055,"size":3}`);
    expect(records).toEqual([]);
    const exact = run('ndjson', `{"symbol":"A","timestamp":"${TS}","price":1234567890.12345678,"size":3}`).records[0];
    expect(exact).toMatchObject({ price: '1234567890.12345678', notional: '3703703670.37037034' });
  });

  it('rejects an element longer than the limit and reads the next one', () => {
    const big = JSON.stringify({ ...OBJECTS[0], pad: 'x'.repeat(MAX_ELEMENT_CHARS) });
    const text = `[${big},${JSON.stringify(OBJECTS[3])}]`;
    const chunks = text.match(/[\s\S]{1,8192}/g)!;
    const { records, rejects } = pushAll('json', chunks);
    expect(records.map((r) => r.symbol)).toEqual(['IBM']);
    expect(rejects).toEqual([{ line: 1, reason: 'MALFORMED', message: expect.stringContaining('longer than') }]);
  });

  it('rejects an NDJSON line longer than the limit and reads the next one', () => {
    const big = JSON.stringify({ ...OBJECTS[0], pad: 'x'.repeat(MAX_ELEMENT_CHARS) });
    const text = `${big}\n${JSON.stringify(OBJECTS[3])}\n`;
    const { records, rejects } = pushAll('ndjson', text.match(/[\s\S]{1,8192}/g)!);
    expect(records.map((r) => r.source.line)).toEqual([2]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[1, 'MALFORMED']]);
  });
});
