import { MalformedRecordError, assertMarketRecord } from '../../../../functions/lib/domain/record-guard';
import { quote, trade } from '../../support/records';

describe('record guard', () => {
  it('accepts well-formed trades and quotes', () => {
    expect(assertMarketRecord(JSON.parse(JSON.stringify(trade())))).toEqual(trade());
    expect(assertMarketRecord(quote())).toEqual(quote());
  });

  it.each([
    ['not an object', 'x', 'record'],
    ['lower-case symbol', { ...trade(), symbol: 'aapl' }, 'symbol'],
    ['float price', { ...trade(), price: 187.25 }, 'price'],
    ['non-canonical price', { ...trade(), price: '187.250' }, 'price'],
    ['fractional size', { ...trade(), size: 1.5 }, 'size'],
    ['epochMs out of step with timestamp', { ...trade(), epochMs: 0 }, 'epochMs'],
    ['wrong minute', { ...trade(), minute: '2024-03-01T14:31:00.000Z' }, 'minute'],
    ['unknown type', { ...trade(), type: 'bar' }, 'type'],
    ['missing source', { ...trade(), source: undefined }, 'source'],
    ['quote without mid', { ...quote(), mid: undefined }, 'mid'],
  ])('rejects %s, naming the field', (_name, value, field) => {
    expect(() => assertMarketRecord(value)).toThrow(MalformedRecordError);
    try {
      assertMarketRecord(value);
    } catch (error) {
      expect((error as MalformedRecordError).field).toBe(field);
    }
  });
});
