import { csv, run, trade } from '../../support/row-input';

describe('symbol', () => {
  it('upper-cases lowercase symbols', () => {
    expect(run(csv(trade('brk.b', '1', '1'))).records[0].symbol).toBe('BRK.B');
  });
});
