import { contentHash, recordContent } from '../../../../functions/lib/domain/record-content';
import { quote, trade } from '../../support/records';

describe('record content', () => {
  it('is the market facts of a row, not where it came from', () => {
    const a = trade();
    const elsewhere = trade({ source: { kind: 'api', uri: 'api://x/y', line: 9 }, originRegion: 'us-west-2' });
    expect(contentHash(elsewhere)).toBe(contentHash(a));
    expect(contentHash(a)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('differs when any fact differs: price, size, time, venue, trade id, or the quote sides', () => {
    const base = contentHash(trade());
    for (const changed of [
      trade({ price: '187.26' }),
      trade({ size: 101 }),
      trade({ timestamp: '2024-03-01T14:30:05.124Z', epochMs: Date.parse('2024-03-01T14:30:05.124Z') }),
      trade({ exchange: 'ARCX' }),
      trade({ exchange: undefined }),
      trade({ tradeId: '0002' }),
    ])
      expect(contentHash(changed)).not.toBe(base);
    expect(contentHash(quote({ bidSize: 1 }))).not.toBe(contentHash(quote()));
  });

  it('keeps free-text values apart even when they contain separators', () => {
    expect(recordContent(trade({ exchange: 'A","B' }))).not.toBe(recordContent(trade({ exchange: 'A', tradeId: 'B' })));
  });
});
