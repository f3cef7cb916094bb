import { csv, run, trade } from '../../support/row-input';

describe('reject messages', () => {
  it('names the field and shows the value in messages, safely quoted', () => {
    const reject = run(csv(trade('AAPL', '1e5', '1'))).rejects[0];
    expect(reject.message).toContain('price "1e5"');
    expect(run(csv(trade('AA\u0007PL', '1', '1'))).rejects[0].message).toContain('\\u0007');
  });
});
