import { addDecimal, applyUpdateExpression, UnsupportedExpressionError } from '../../bench/update-expression';

describe('applyUpdateExpression', () => {
  const key = { pk: { S: 'BAR#A' }, sk: { S: 'm' } };

  it('sets values through name and value placeholders', () => {
    const after = applyUpdateExpression(key, 'SET #o = :o, volume = :v', {
      names: { '#o': 'open' },
      values: { ':o': { N: '10.5' }, ':v': { N: '3' } },
    });
    expect(after).toEqual({ ...key, open: { N: '10.5' }, volume: { N: '3' } });
  });

  it('keeps an existing value under if_not_exists and fills a missing one', () => {
    const before = { ...key, first: { S: 'kept' } };
    const after = applyUpdateExpression(
      before,
      'SET first = if_not_exists(first, :x), second = if_not_exists(second, :x)',
      {
        values: { ':x': { S: 'new' } },
      },
    );
    expect(after.first).toEqual({ S: 'kept' });
    expect(after.second).toEqual({ S: 'new' });
  });

  it('does exact decimal arithmetic for SET a = a + :n and ADD', () => {
    const before = { ...key, notional: { N: '0.1' }, trades: { N: '2' } };
    const after = applyUpdateExpression(before, 'SET notional = notional + :d ADD trades :one, fresh :one', {
      values: { ':d': { N: '0.2' }, ':one': { N: '1' } },
    });
    expect(after.notional).toEqual({ N: '0.3' });
    expect(after.trades).toEqual({ N: '3' });
    expect(after.fresh).toEqual({ N: '1' });
  });

  it('removes attributes and edits sets', () => {
    const before = { ...key, gone: { S: 'x' }, tags: { SS: ['a', 'b'] } };
    const after = applyUpdateExpression(before, 'REMOVE gone ADD tags :add DELETE tags :del', {
      values: { ':add': { SS: ['c'] }, ':del': { SS: ['a'] } },
    });
    expect(after.gone).toBeUndefined();
    expect(after.tags).toEqual({ SS: ['b', 'c'] });
  });

  it('does not modify the item it was given', () => {
    const before = { ...key, volume: { N: '1' } };
    applyUpdateExpression(before, 'SET volume = :v', { values: { ':v': { N: '9' } } });
    expect(before.volume).toEqual({ N: '1' });
  });

  it('refuses nested paths and unknown placeholders instead of guessing', () => {
    expect(() => applyUpdateExpression(key, 'SET a.b = :v', { values: { ':v': { N: '1' } } })).toThrow(
      UnsupportedExpressionError,
    );
    expect(() => applyUpdateExpression(key, 'SET a = :missing', { values: {} })).toThrow(/:missing/);
    expect(() => applyUpdateExpression(key, 'a = :v', {})).toThrow(UnsupportedExpressionError);
  });
});

describe('addDecimal', () => {
  it('adds and subtracts decimal strings without float error', () => {
    expect(addDecimal('0.1', '0.2', 1)).toBe('0.3');
    expect(addDecimal('100', '0.25', -1)).toBe('99.75');
    expect(addDecimal('1.5', '2.5', -1)).toBe('-1');
    expect(addDecimal('-0.5', '0.25', 1)).toBe('-0.25');
  });
});
