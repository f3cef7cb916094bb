import { barDifferences, canonicalDecimal, referenceBars, ReferenceBars } from '../../bench/reference-bars';

const trade = (timestamp: string, price: string, size: number, recordId?: string) => ({
  symbol: 'AAPL',
  timestamp,
  price,
  size,
  ...(recordId ? { recordId } : {}),
});

describe('reference bars', () => {
  it('opens and closes by time, ties broken by record id, whatever the order trades arrive in', () => {
    const trades = [
      trade('2026-03-10T14:30:05.000Z', '10.50', 100, 'b'),
      trade('2026-03-10T14:30:01.000Z', '10.00', 10, 'z'),
      trade('2026-03-10T14:30:01.000Z', '10.20', 10, 'a'),
      trade('2026-03-10T14:30:59.999Z', '9.90', 5, 'c'),
      trade('2026-03-10T14:30:59.999Z', '9.80', 5, 'd'),
    ];
    const [bar] = referenceBars(trades);
    expect(bar).toEqual({
      symbol: 'AAPL',
      minute: '2026-03-10T14:30:00.000Z',
      open: '10.2',
      high: '10.5',
      low: '9.8',
      close: '9.8',
      volume: 130,
      trades: 5,
      notional: '1350.5',
      vwap: '10.38846154',
    });
    expect(referenceBars([...trades].reverse())).toEqual([bar]);
  });

  it('rounds vwap half-even at 8 decimals and keeps notional exact', () => {
    const reference = new ReferenceBars();
    reference.add(trade('2026-03-10T14:31:00.000Z', '0.00000001', 1));
    reference.add(trade('2026-03-10T14:31:01.000Z', '0.00000002', 1));
    const [bar] = reference.bars();
    // notional 0.00000003 over volume 2: 0.000000015 rounds half-even to 0.00000002.
    expect([bar.notional, bar.vwap]).toEqual(['0.00000003', '0.00000002']);
    expect(canonicalDecimal('187.2500')).toBe('187.25');
  });

  it('says which bars are missing, unexpected or different, with examples', () => {
    const expected = referenceBars([
      trade('2026-03-10T14:30:00.000Z', '1', 1),
      trade('2026-03-10T14:31:00.000Z', '2', 1),
    ]);
    const found = [
      { ...expected[0], close: '1.00', volume: 2 },
      { ...expected[1], minute: '2026-03-10T14:32:00.000Z' },
    ];
    const diff = barDifferences(expected, found);
    expect(diff).toMatchObject({ missing: 1, unexpected: 1, different: 1 });
    expect(diff.examples).toEqual([
      'AAPL 2026-03-10T14:30:00.000Z: volume 1 → 2',
      'AAPL 2026-03-10T14:31:00.000Z: missing',
      'AAPL 2026-03-10T14:32:00.000Z: unexpected',
    ]);
    expect(
      barDifferences(
        expected,
        expected.map((b) => ({ ...b, open: `${b.open}.000` })),
      ),
    ).toMatchObject({
      missing: 0,
      unexpected: 0,
      different: 0,
    });
  });
});
