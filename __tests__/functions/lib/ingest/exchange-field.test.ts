import { csv, run, TS } from '../../support/row-input';

describe('exchange', () => {
  it('takes exchange as free text: trimmed, inner spaces collapsed, upper-cased', () => {
    const records = run(
      csv(
        `AAPL,${TS},trade,1,1,,,,,NYSE Arca,`,
        `AAPL,${TS},trade,1,1,,,,,"  Cboe   BZX ",`,
        `AAPL,${TS},trade,1,1,,,,,Börse,`,
      ),
    ).records;
    expect(records.map((r) => r.exchange)).toEqual(['NYSE ARCA', 'CBOE BZX', 'BÖRSE']);
  });
});
