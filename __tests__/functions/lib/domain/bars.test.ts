import { computeBar, sameBar } from '../../../../functions/lib/domain/bars';
import type { BarTrade } from '../../../../functions/lib/store/items';
import { mulberry32 } from '../../../../bench/market-data';

const MINUTE = '2024-03-01T14:30:00.000Z';
const BASE = Date.parse(MINUTE);

function randomTrades(random: () => number, count: number): BarTrade[] {
  return Array.from({ length: count }, (_, i) => {
    const units = 1 + Math.floor(random() * 50_000_000); // up to 5000.0000 at 4 dp
    const raw = (units / 10_000).toFixed(4).replace(/\.?0+$/, '');
    return {
      recordId: `r${Math.floor(random() * 1e6).toString(36)}-${i}`,
      // Few distinct timestamps so ties on time happen and the recordId tie-break matters.
      epochMs: BASE + Math.floor(random() * 5) * 10_000,
      price: raw,
      size: 1 + Math.floor(random() * 1000),
    };
  });
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Reference bar with BigInt fixed-point (scale 8), written independently of decimal.ts. */
function referenceBar(trades: BarTrade[]): Record<string, string | number> {
  const SCALE = 10n ** 8n;
  const toFixed = (price: string): bigint => {
    const [int, frac = ''] = price.split('.');
    return BigInt(int) * SCALE + BigInt((frac + '00000000').slice(0, 8));
  };
  const format = (value: bigint, scale: bigint): string => {
    const int = value / scale;
    const frac = (value % scale)
      .toString()
      .padStart(scale.toString().length - 1, '0')
      .replace(/0+$/, '');
    return frac ? `${int}.${frac}` : `${int}`;
  };
  const unique = [...new Map(trades.map((t) => [t.recordId, t])).values()];
  const byTime = [...unique].sort((a, b) => a.epochMs - b.epochMs || (a.recordId < b.recordId ? -1 : 1));
  const prices = unique.map((t) => toFixed(t.price));
  const volume = unique.reduce((s, t) => s + BigInt(t.size), 0n);
  const notional = unique.reduce((s, t) => s + toFixed(t.price) * BigInt(t.size), 0n); // scale 8
  // vwap at scale 8, half-even: notional(scale 8)/volume.
  let q = notional / volume;
  const r = notional % volume;
  if (r * 2n > volume || (r * 2n === volume && q % 2n === 1n)) q += 1n;
  return {
    open: format(toFixed(byTime[0].price), SCALE),
    close: format(toFixed(byTime[byTime.length - 1].price), SCALE),
    high: format(
      prices.reduce((a, b) => (b > a ? b : a)),
      SCALE,
    ),
    low: format(
      prices.reduce((a, b) => (b < a ? b : a)),
      SCALE,
    ),
    volume: Number(volume),
    trades: unique.length,
    notional: format(notional, SCALE),
    vwap: format(q, SCALE),
  };
}

describe('computeBar', () => {
  it('computes open/close by time with recordId tie-breaks, high, low, volume and exact notional/vwap', () => {
    const bar = computeBar('AAPL', MINUTE, [
      { recordId: 'b', epochMs: BASE + 1000, price: '10.1', size: 3 },
      { recordId: 'a', epochMs: BASE + 1000, price: '10.2', size: 1 },
      { recordId: 'c', epochMs: BASE + 59_000, price: '9.9', size: 2 },
      { recordId: 'd', epochMs: BASE + 59_000, price: '10.05', size: 1 },
    ]);
    expect(bar).toEqual({
      symbol: 'AAPL',
      minute: MINUTE,
      open: '10.2', // earliest time, smallest recordId
      close: '10.05', // latest time, largest recordId
      high: '10.2',
      low: '9.9',
      volume: 7,
      trades: 4,
      notional: '70.35',
      vwap: '10.05', // 70.35 / 7
    });
  });

  it('keeps decimals exact where floats would drift', () => {
    const bar = computeBar('X', MINUTE, [
      { recordId: 'a', epochMs: BASE, price: '0.1', size: 1 },
      { recordId: 'b', epochMs: BASE + 1, price: '0.2', size: 1 },
    ]);
    expect(bar?.notional).toBe('0.3');
    expect(bar?.vwap).toBe('0.15');
  });

  it('rounds the vwap half to even', () => {
    // 0.000000125 / 1 → 8 dp: exactly half between ...12 and ...13 → even 12.
    const bar = computeBar('X', MINUTE, [{ recordId: 'a', epochMs: BASE, price: '0.000000125', size: 1 }]);
    expect(bar?.vwap).toBe('0.00000012');
    const odd = computeBar('X', MINUTE, [{ recordId: 'a', epochMs: BASE, price: '0.000000135', size: 1 }]);
    expect(odd?.vwap).toBe('0.00000014');
  });

  it('has no bar without trades', () => {
    expect(computeBar('X', MINUTE, [])).toBeUndefined();
  });

  it('gives the same bar for any arrival order and any duplication (seeded property test)', () => {
    const random = mulberry32(20240301);
    for (let round = 0; round < 150; round++) {
      const trades = randomTrades(random, 1 + Math.floor(random() * 40));
      const expected = referenceBar(trades);
      const baseline = computeBar('SYM', MINUTE, trades)!;
      expect(baseline).toMatchObject(expected);
      const duplicated = [...trades, ...trades.filter(() => random() < 0.4)];
      const replayed = computeBar('SYM', MINUTE, shuffle(duplicated, random))!;
      expect(replayed).toEqual(baseline);
    }
  });

  it('compares bars numerically (N attributes come back normalised)', () => {
    const a = computeBar('X', MINUTE, [{ recordId: 'a', epochMs: BASE, price: '1.5', size: 2 }])!;
    expect(sameBar(a, { ...a, notional: '3.0' })).toBe(true);
    expect(sameBar(a, { ...a, close: '1.6' })).toBe(false);
    expect(sameBar(a, { ...a, volume: 3 })).toBe(false);
  });
});
