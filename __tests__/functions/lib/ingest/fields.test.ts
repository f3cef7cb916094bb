import {
  Field,
  FIELD_ALIASES,
  FIELDS,
  normaliseFieldName,
  resolveField,
} from '../../../../functions/lib/ingest/fields';

describe('field names', () => {
  it.each([
    ['symbol', Field.symbol],
    ['Ticker', Field.symbol],
    ['SYM', Field.symbol],
    ['ts', Field.timestamp],
    ['Time', Field.timestamp],
    ['qty', Field.size],
    ['Quantity', Field.size],
    ['px', Field.price],
    ['bid_size', Field.bidSize],
    ['BidSize', Field.bidSize],
    ['bid-size', Field.bidSize],
    [' ask_size ', Field.askSize],
    ['trade_id', Field.tradeId],
    ['TradeID', Field.tradeId],
    ['exchange', Field.exchange],
  ])('maps %j to its field', (name, slot) => {
    expect(resolveField(name)).toBe(slot);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'notes', ''])('ignores %j', (name) => {
    expect(resolveField(name)).toBe(-1);
  });

  it('gives every field its own name as an alias, and no alias to two fields', () => {
    const seen = new Set<string>();
    for (const name of FIELDS) {
      expect(FIELD_ALIASES[name]).toContain(normaliseFieldName(name));
      for (const alias of FIELD_ALIASES[name]) {
        expect(seen.has(alias)).toBe(false);
        seen.add(alias);
      }
    }
  });
});
