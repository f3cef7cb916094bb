import { MAX_ELEMENT_CHARS } from '../../../../functions/lib/ingest/json-scan';
import { OBJECTS, pushAll, run } from '../../support/json-input';

describe('NDJSON', () => {
  const ndjson = OBJECTS.map((o) => JSON.stringify(o)).join('\n');

  it('reads NDJSON', () => {
    const { records, rejects } = run('ndjson', ndjson);
    expect(records.map((r) => r.symbol)).toEqual(['AAPL', 'MSFT', 'IBM']);
    expect(rejects).toEqual([{ line: 3, reason: 'INVALID_PRICE', message: expect.any(String) }]);
  });

  it('reads CRLF NDJSON like LF', () => {
    expect(run('ndjson', ndjson.replace(/\n/g, '\r\n'))).toEqual(run('ndjson', ndjson));
  });

  it('streams NDJSON split at every offset to the same result', () => {
    const oneShot = run('ndjson', ndjson);
    for (let cut = 0; cut <= ndjson.length; cut += 3) {
      expect(pushAll('ndjson', [ndjson.slice(0, cut), ndjson.slice(cut)])).toEqual(oneShot);
    }
  });
});

describe('NDJSON errors', () => {
  it('rejects an NDJSON line longer than the limit and reads the next one', () => {
    const big = JSON.stringify({ ...OBJECTS[0], pad: 'x'.repeat(MAX_ELEMENT_CHARS) });
    const text = `${big}\n${JSON.stringify(OBJECTS[3])}\n`;
    const { records, rejects } = pushAll('ndjson', text.match(/[\s\S]{1,8192}/g)!);
    expect(records.map((r) => r.source.line)).toEqual([2]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([[1, 'MALFORMED']]);
  });
});
