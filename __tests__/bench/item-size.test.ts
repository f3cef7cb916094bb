import { itemBytes, numberBytes, valueBytes, writeUnits } from '../../bench/item-size';

describe('DynamoDB item size', () => {
  it('counts attribute names and string values in UTF-8 bytes', () => {
    // 'pk' 2 + 'ab' 2, 'name' 4 + 'é' 2 bytes in UTF-8
    expect(itemBytes({ pk: { S: 'ab' }, name: { S: 'é' } })).toBe(10);
  });

  it('sizes numbers by significant digits, trimming leading and trailing zeros', () => {
    expect(numberBytes('12')).toBe(2);
    expect(numberBytes('1200')).toBe(2);
    expect(numberBytes('0.0012')).toBe(2);
    expect(numberBytes('123.45')).toBe(4);
    expect(numberBytes('0')).toBe(2);
    expect(numberBytes('-7')).toBe(2);
  });

  it('rejects a number DynamoDB would not accept', () => {
    expect(() => numberBytes('12a')).toThrow(TypeError);
    expect(() => numberBytes('.')).toThrow(TypeError);
  });

  it('charges 1 byte for BOOL and NULL and 3 bytes plus 1 per element for lists and maps', () => {
    expect(valueBytes({ BOOL: true })).toBe(1);
    expect(valueBytes({ NULL: true })).toBe(1);
    expect(valueBytes({ L: [] })).toBe(3);
    expect(valueBytes({ L: [{ S: 'ab' }, { BOOL: false }] })).toBe(3 + (1 + 2) + (1 + 1));
    expect(valueBytes({ M: { k: { S: 'abc' } } })).toBe(3 + 1 + 1 + 3);
  });

  it('sums set elements and binary bytes', () => {
    expect(valueBytes({ SS: ['a', 'bc'] })).toBe(3);
    expect(valueBytes({ NS: ['1', '12345'] })).toBe(2 + 4);
    expect(valueBytes({ B: new Uint8Array(5) })).toBe(5);
  });
});

describe('write units', () => {
  it('bills one unit per started kilobyte, at least one', () => {
    expect(writeUnits(0)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(3000)).toBe(3);
  });
});
