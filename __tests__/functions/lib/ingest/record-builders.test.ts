import { csv, run, trade, TS } from '../../support/row-input';

describe('records', () => {
  it('keeps exchange (upper-cased) and trade id only when present', () => {
    const [withBoth, without] = run(csv(`AAPL,${TS},trade,1,1,,,,,xnas,T-1`, trade('AAPL', '1', '1'))).records;
    expect(withBoth).toMatchObject({ exchange: 'XNAS', tradeId: 'T-1', recordId: 't-AAPL-T-1@XNAS' });
    expect(Object.keys(without)).not.toContain('exchange');
    expect(Object.keys(without)).not.toContain('tradeId');
  });
});
