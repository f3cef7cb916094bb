import { run, TS } from '../../support/json-input';

describe('JSON objects', () => {
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

  it('does not let __proto__ keys pollute anything', () => {
    run(
      'ndjson',
      '{"__proto__":{"polluted":true},"symbol":"A","timestamp":"2025-01-02T14:30:00Z","price":"1","size":1}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
