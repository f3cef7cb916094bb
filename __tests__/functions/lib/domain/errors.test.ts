import {
  DataPathUsageError,
  DecimalDivisionByZeroError,
  InvalidDecimalError,
} from '../../../../functions/lib/domain/errors';

describe('typed errors', () => {
  it('name what went wrong and keep the offending input', () => {
    const error = new InvalidDecimalError('1e5', 'exponent');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidDecimalError');
    expect(error.input).toBe('1e5');
    expect(error.message).toContain('"1e5"');
  });

  it('shorten long inputs in the message', () => {
    expect(new InvalidDecimalError('9'.repeat(100), 'x').message.length).toBeLessThan(80);
  });

  it('have distinct names for division by zero and API misuse', () => {
    expect(new DecimalDivisionByZeroError().name).toBe('DecimalDivisionByZeroError');
    expect(new DataPathUsageError('push() after end()').name).toBe('DataPathUsageError');
  });
});
