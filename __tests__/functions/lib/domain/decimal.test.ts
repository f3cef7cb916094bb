import {
  add,
  canonical,
  compare,
  divRound,
  formatUnits,
  mul,
  newScannedPrice,
  parseDecimal,
  PriceScan,
  scanPrice,
  sub,
} from '../../../../functions/lib/domain/decimal';
import { DecimalDivisionByZeroError, InvalidDecimalError } from '../../../../functions/lib/domain/errors';

function scan(text: string) {
  const out = newScannedPrice();
  const status = scanPrice(text, 0, text.length, out);
  return { status, ...out };
}

describe('canonical decimal strings', () => {
  it.each([
    ['0.50', '0.5'],
    ['007', '7'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-0.0', '0'],
    ['+1.10', '1.1'],
    ['123.456000', '123.456'],
    ['0', '0'],
  ])('writes %s as %s', (input, expected) => {
    expect(canonical(input)).toBe(expected);
    expect(parseDecimal(input)).toBe(expected);
  });

  it.each(['1e5', 'NaN', 'Infinity', '', '.', '1.2.3', ' 1', '1,5', '0x10'])('rejects %j', (input) => {
    expect(parseDecimal(input)).toBeUndefined();
    expect(() => canonical(input)).toThrow(InvalidDecimalError);
  });
});

describe('exact arithmetic', () => {
  it('adds 0.1 and 0.2 to exactly 0.3', () => {
    expect(add('0.1', '0.2')).toBe('0.3');
  });

  it('subtracts into negatives and back to a plain zero', () => {
    expect(sub('1.05', '2.1')).toBe('-1.05');
    expect(sub('2.10', '2.1')).toBe('0');
  });

  it('multiplies 12345.6789 by 1,000,000 exactly', () => {
    expect(mul('12345.6789', 1000000)).toBe('12345678900');
    expect(mul('12345.6789', '1000000')).toBe('12345678900');
  });

  it('keeps sums far beyond 2^53 exact', () => {
    expect(add('9007199254740993.12345678', '0.00000001')).toBe('9007199254740993.12345679');
    expect(mul('99999999.99999999', 9007199254740991)).toBe('900719925474099009928007.45259009');
  });

  it('refuses a non-integer multiplier', () => {
    expect(() => mul('1', 1.5)).toThrow(InvalidDecimalError);
  });

  it('compares across scales', () => {
    expect(compare('1.10', '1.1')).toBe(0);
    expect(compare('1.09', '1.1')).toBe(-1);
    expect(compare('-1', '-2')).toBe(1);
  });

  it('divides with half-even rounding', () => {
    expect(divRound('10', '3', 8)).toBe('3.33333333');
    expect(divRound('2', '3', 8)).toBe('0.66666667');
    expect(divRound('0.125', '1', 2)).toBe('0.12'); // tie → even
    expect(divRound('0.135', '1', 2)).toBe('0.14'); // tie → even
    expect(divRound('-0.125', '1', 2)).toBe('-0.12');
    expect(divRound('1', '4', 8)).toBe('0.25');
  });

  it('computes a VWAP from exact sums', () => {
    // Σ(price·size) / Σsize for 100 @ 10.01 and 300 @ 10.02
    const notional = add(mul('10.01', 100), mul('10.02', 300));
    expect(notional).toBe('4007');
    expect(divRound(notional, '400', 8)).toBe('10.0175');
  });

  it('throws a typed error when dividing by zero', () => {
    expect(() => divRound('1', '0.00', 2)).toThrow(DecimalDivisionByZeroError);
  });
});

describe('formatUnits (hot path formatting)', () => {
  it.each([
    [18725, 0, '18725'],
    [41011, 2, '410.11'],
    [5, 1, '0.5'],
    [1, 8, '0.00000001'],
    [1234500, 4, '123.45'],
    [0, 3, '0'],
  ])('formats %d at scale %d as %s', (units, scale, expected) => {
    expect(formatUnits(units, scale)).toBe(expected);
  });
});

describe('scanPrice', () => {
  it('reuses canonical text and reports units and scale', () => {
    expect(scan('187.25')).toMatchObject({ status: PriceScan.Ok, text: '187.25', units: 18725, scale: 2 });
  });

  it('canonicalises leading and trailing zeros', () => {
    expect(scan('0187.2500')).toMatchObject({ status: PriceScan.Ok, text: '187.25', units: 18725, scale: 2 });
    expect(scan('0.50')).toMatchObject({ text: '0.5', units: 5, scale: 1 });
  });

  it('falls back to text-only for values beyond 15 digits', () => {
    expect(scan('1234567890.12345678')).toMatchObject({ status: PriceScan.Ok, units: -1, scale: 8 });
  });

  it.each([
    ['0', PriceScan.NotPositive],
    ['0.000', PriceScan.NotPositive],
    ['-1.5', PriceScan.NotPositive],
    ['1e5', PriceScan.Exponent],
    ['1E-2', PriceScan.Exponent],
    ['NaN', PriceScan.NonFinite],
    ['Infinity', PriceScan.NonFinite],
    ['-Infinity', PriceScan.NonFinite],
    ['abc', PriceScan.NotANumber],
    ['+5', PriceScan.NotANumber],
    ['1.000000001', PriceScan.ScaleTooLarge],
    ['1234567890123456789', PriceScan.TooManyDigits],
  ])('classifies %j', (input, status) => {
    expect(scan(input).status).toBe(status);
  });
});
