import { JsonPathError, parsePath, readPath, resolveTemplate, writePath } from '../../local/json-path';

describe('JSONPath subset of the local ASL interpreter', () => {
  const doc = { bucket: 'b', validation: { fileId: 'f1', chunks: [{ key: 'k0' }, { key: 'k1' }] }, 'odd key': 1 };

  it('parses dotted, indexed and quoted steps', () => {
    expect(parsePath("$.a.b[2]['c d']")).toEqual({ root: '$', segments: ['a', 'b', 2, 'c d'] });
    expect(parsePath('$$.Map.Item.Value')).toEqual({ root: '$$', segments: ['Map', 'Item', 'Value'] });
  });

  it('reads the state input and the context object', () => {
    expect(readPath('$', doc)).toBe(doc);
    expect(readPath('$.validation.chunks[1].key', doc)).toBe('k1');
    expect(readPath("$['odd key']", doc)).toBe(1);
    expect(readPath('$$.Execution.Input.x', doc, { Execution: { Input: { x: 7 } } })).toBe(7);
  });

  it('fails with States.Runtime on a path that does not exist', () => {
    expect(() => readPath('$.validation.missing', doc)).toThrow(JsonPathError);
    expect(() => readPath('$.validation.missing', doc)).toThrow(/does not exist/);
    expect(() => parsePath('validation')).toThrow(/must start with/);
    expect(() => parsePath('$.a[*]')).toThrow(/unsupported/);
  });

  it('writes a result without mutating the input and creates missing objects', () => {
    const out = writePath('$.results.first', doc, [1]) as Record<string, unknown>;
    expect(out.results).toEqual({ first: [1] });
    expect(out.validation).toBe(doc.validation);
    expect(doc).not.toHaveProperty('results');
    expect(writePath('$', doc, 'x')).toBe('x');
  });

  it('resolves .$ keys of a template recursively and copies the rest', () => {
    const template = {
      'bucket.$': '$.bucket',
      nested: { 'id.$': '$.validation.fileId', fixed: 3 },
      'chunk.$': '$$.Map.Item.Value',
    };
    expect(resolveTemplate(template, doc, { Map: { Item: { Value: { key: 'k0' } } } })).toEqual({
      bucket: 'b',
      nested: { id: 'f1', fixed: 3 },
      chunk: { key: 'k0' },
    });
  });
});
