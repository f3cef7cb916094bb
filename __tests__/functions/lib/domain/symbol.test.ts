import { isStoredSymbol, SYMBOL_MAX_LENGTH } from '../../../../functions/lib/domain/symbol';
import { validateObjects } from '../../../../functions/lib/ingest/data-path';
import { assertMarketRecord } from '../../../../functions/lib/domain/record-guard';

const CONTRACT = /^[A-Z][A-Z0-9.-]{0,11}$/;
const CANDIDATES = ['AAPL', 'BRK.B', 'BF-B', 'A', 'ABCDEFGHIJKL', 'ABCDEFGHIJKLM', '1AB', '.A', 'A B', 'A_B', 'É', ''];

describe('the symbol rule', () => {
  it('is the data contract pattern for stored (upper-case) symbols', () => {
    for (const symbol of CANDIDATES)
      expect({ symbol, ok: isStoredSymbol(symbol) }).toEqual({ symbol, ok: CONTRACT.test(symbol) });
    expect(isStoredSymbol('aapl')).toBe(false);
    expect(SYMBOL_MAX_LENGTH).toBe(12);
  });

  it('is what the data path accepts after upper-casing, and what the record guard lets through', () => {
    for (const symbol of [...CANDIDATES, 'aapl', 'brk.b']) {
      const result = validateObjects(
        [{ symbol, timestamp: '2026-03-10T14:30:00Z', price: '1', size: 1, tradeId: 'x' }],
        { source: { kind: 'api', uri: 'api://test' }, originRegion: 'us-east-1' },
      );
      const accepted = result.records.length === 1;
      expect({ symbol, accepted }).toEqual({ symbol, accepted: CONTRACT.test(symbol.toUpperCase()) });
      if (accepted) expect(() => assertMarketRecord(result.records[0])).not.toThrow();
    }
  });
});
