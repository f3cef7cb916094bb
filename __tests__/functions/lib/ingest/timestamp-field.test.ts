import { csv, run, trade } from '../../support/row-input';

describe('timestamp', () => {
  it('says when a timestamp looks like epoch seconds', () => {
    expect(run(csv(trade('AAPL', '1', '1', '1735828200'))).rejects[0].message).toContain('looks like epoch seconds');
  });
});
