import { streamFilterPatterns } from '../../contract';
import { FilterPatternError, matchesAnyPattern, matchesPattern } from '../../local/filter-pattern';

/** A stream record as the Lambda event source mapping filters it. */
const record = (
  eventName: string,
  pk: string,
  region: string | undefined,
  image: 'NewImage' | 'OldImage' = 'NewImage',
) => ({
  eventName,
  dynamodb: {
    Keys: { pk: { S: pk }, sk: { S: 'T#1' } },
    [image]: { pk: { S: pk }, ...(region ? { originRegion: { S: region } } : {}) },
  },
});

describe('stream filter patterns as the bars mapping applies them', () => {
  const patterns = streamFilterPatterns('us-east-1');

  it('takes inserts and modifies of market records written in its own region', () => {
    expect(matchesAnyPattern(patterns, record('INSERT', 'REC#AAPL#2026-01-05T14:30', 'us-east-1'))).toBe(true);
    expect(matchesAnyPattern(patterns, record('MODIFY', 'REC#AAPL#2026-01-05T14:30', 'us-east-1'))).toBe(true);
  });

  it('keeps replicated writes from the other region out', () => {
    expect(matchesAnyPattern(patterns, record('INSERT', 'REC#AAPL#2026-01-05T14:30', 'us-west-2'))).toBe(false);
  });

  it('drops items that are not market records (bars, files)', () => {
    expect(matchesAnyPattern(patterns, record('INSERT', 'BAR#AAPL', 'us-east-1'))).toBe(false);
    expect(matchesAnyPattern(patterns, record('INSERT', 'FILE#x', 'us-east-1'))).toBe(false);
  });

  it('matches removals on the old image only', () => {
    expect(matchesAnyPattern(patterns, record('REMOVE', 'REC#AAPL#m', 'us-east-1', 'OldImage'))).toBe(true);
    expect(matchesAnyPattern(patterns, record('REMOVE', 'REC#AAPL#m', 'us-east-1', 'NewImage'))).toBe(false);
  });

  it('does not match a record without originRegion', () => {
    expect(matchesAnyPattern(patterns, record('INSERT', 'REC#AAPL#m', undefined))).toBe(false);
  });
});

describe('filter pattern operators', () => {
  it('supports suffix, anything-but, exists and numeric', () => {
    expect(matchesPattern({ key: [{ suffix: '.csv' }] }, { key: 'incoming/a.csv' })).toBe(true);
    expect(matchesPattern({ key: [{ suffix: '.csv' }] }, { key: 'incoming/a.txt' })).toBe(false);
    expect(matchesPattern({ type: [{ 'anything-but': ['bar'] }] }, { type: 'trade' })).toBe(true);
    expect(matchesPattern({ type: [{ 'anything-but': ['bar'] }] }, { type: 'bar' })).toBe(false);
    expect(matchesPattern({ gone: [{ exists: false }] }, {})).toBe(true);
    expect(matchesPattern({ here: [{ exists: true }] }, {})).toBe(false);
    expect(matchesPattern({ n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 5 })).toBe(true);
    expect(matchesPattern({ n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 6 })).toBe(false);
  });

  it('matches an array value when any element matches', () => {
    expect(matchesPattern({ tags: ['b'] }, { tags: ['a', 'b'] })).toBe(true);
    expect(matchesPattern({ tags: ['c'] }, { tags: ['a', 'b'] })).toBe(false);
  });

  it('rejects operators it does not know instead of matching nothing', () => {
    expect(() => matchesPattern({ a: [{ wildcard: '*' }] }, { a: 'x' })).toThrow(FilterPatternError);
    expect(() => matchesPattern({ a: 'x' }, { a: 'x' })).toThrow(FilterPatternError);
  });
});
