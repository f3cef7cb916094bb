import { csv, run, TS } from '../../support/row-input';

describe('tradeId', () => {
  it('rejects control characters in trade ids', () => {
    expect(run(csv(`AAPL,${TS},trade,1,1,,,,,,"T\u00011"`)).rejects[0].reason).toBe('MALFORMED');
  });
});
