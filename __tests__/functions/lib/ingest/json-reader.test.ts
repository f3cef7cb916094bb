import { MAX_ELEMENT_CHARS } from '../../../../functions/lib/ingest/json-scan';
import { content, OBJECTS, pushAll, run } from '../../support/json-input';

describe('JSON containers', () => {
  const ndjson = OBJECTS.map((o) => JSON.stringify(o)).join('\n');
  const array = JSON.stringify(OBJECTS);
  const wrapper = JSON.stringify({ source: 'feed', meta: { records: 'not this' }, records: OBJECTS, count: 4 });
  const pretty = JSON.stringify({ records: OBJECTS }, null, 2);

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

  it('rejects an element longer than the limit and reads the next one', () => {
    const big = JSON.stringify({ ...OBJECTS[0], pad: 'x'.repeat(MAX_ELEMENT_CHARS) });
    const text = `[${big},${JSON.stringify(OBJECTS[3])}]`;
    const chunks = text.match(/[\s\S]{1,8192}/g)!;
    const { records, rejects } = pushAll('json', chunks);
    expect(records.map((r) => r.symbol)).toEqual(['IBM']);
    expect(rejects).toEqual([{ line: 1, reason: 'MALFORMED', message: expect.stringContaining('longer than') }]);
  });
});
