import { evaluateCondition } from '../../bench/condition-expression';
import { UnsupportedExpressionError } from '../../bench/update-expression';

const item = {
  pk: { S: 'a' },
  runs: { SS: ['r1', 'r2'] },
  line: { N: '7' },
  hash: { S: 'h' },
};
const ctx = {
  names: { '#pk': 'pk', '#runs': 'runs', '#line': 'line', '#hash': 'hash', '#gone': 'gone' },
  values: { ':r1': { S: 'r1' }, ':one': { N: '1' }, ':seven': { N: '7' }, ':h': { S: 'h' }, ':x': { S: 'x' } },
};
/** Whether `expression` holds on `on` (null: no item). */
const holds = (expression: string, on: typeof item | null = item) =>
  evaluateCondition(on ?? undefined, expression, ctx);

describe('condition expressions of the counting client', () => {
  it('evaluates existence, comparisons, contains and size as DynamoDB does', () => {
    expect(holds('attribute_not_exists(#pk)')).toBe(false);
    expect(holds('attribute_not_exists(#pk)', null)).toBe(true);
    expect(holds('attribute_exists(#gone)')).toBe(false);
    expect(holds('#line = :seven AND #hash = :h')).toBe(true);
    expect(holds('#line > :one AND #line <= :seven')).toBe(true);
    expect(holds('contains(#runs, :r1) AND size(#runs) = :one')).toBe(false);
    expect(holds('contains(#runs, :r1) AND size(#runs) > :one')).toBe(true);
    // A comparison with a missing attribute is false, `<>` included.
    expect(holds('#gone <> :x')).toBe(false);
  });

  it('applies precedence (NOT, then AND, then OR) and parentheses', () => {
    expect(holds('attribute_not_exists(#pk) OR #hash = :h')).toBe(true);
    expect(holds('attribute_not_exists(#pk) OR #hash = :x AND #line = :seven')).toBe(false);
    expect(holds('(attribute_not_exists(#pk) OR #hash = :h) AND NOT contains(#runs, :x)')).toBe(true);
  });

  it('refuses what it does not understand instead of guessing', () => {
    expect(() => holds('#line BETWEEN :one AND :seven')).toThrow(UnsupportedExpressionError);
    expect(() => holds('#nope = :one')).toThrow(UnsupportedExpressionError);
  });
});
