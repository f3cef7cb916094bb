import { ratioOf, round, summarize } from '../../bench/stats';

describe('summarize', () => {
  it('takes the middle value of an odd number of runs, whatever their order', () => {
    expect(summarize([30, 10, 20])).toEqual({ median: 20, min: 10, max: 30, runs: 3 });
  });

  it('averages the two middle values of an even number of runs', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
  });

  it('does not let one outlier move the median', () => {
    expect(summarize([100, 101, 5000]).median).toBe(101);
  });

  it('refuses to summarise nothing or a non-number, rather than print NaN', () => {
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => summarize([1, Number.NaN])).toThrow(/non-finite/);
  });
});

describe('ratioOf', () => {
  it('divides and rounds to three decimals', () => {
    expect(ratioOf(1, 3)).toBe(0.333);
    expect(ratioOf(2500, 10000)).toBe(0.25);
  });

  it('rejects a zero or negative baseline', () => {
    expect(() => ratioOf(1, 0)).toThrow(RangeError);
    expect(() => ratioOf(1, -2)).toThrow(RangeError);
  });
});

describe('round', () => {
  it('rounds halves away from zero', () => {
    expect(round(2.5)).toBe(3);
    expect(round(-2.5)).toBe(-3);
    expect(round(1.005 * 1000, 0)).toBe(1005);
    expect(round(0.1234, 2)).toBe(0.12);
  });
});
