import { ndjson, run } from '../../support/row-input';

describe('row shape', () => {
  it('infers the type from the fields present', () => {
    const result = run(
      ndjson(
        '{"symbol":"A","ts":"2025-01-02T14:30:00Z","px":"1","qty":2}',
        '{"symbol":"B","ts":"2025-01-02T14:30:00Z","bid":"1","ask":"2","bid_size":1,"ask_size":2}',
      ),
    );
    expect(result.records.map((r) => r.type)).toEqual(['trade', 'quote']);
  });
});
