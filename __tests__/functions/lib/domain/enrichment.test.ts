import { newScannedPrice, scanPrice } from '../../../../functions/lib/domain/decimal';
import {
  compareScanned,
  MinuteCache,
  minuteInfo,
  newQuoteMetrics,
  notionalOf,
  quoteMetrics,
  quoteMetricsOf,
  tradeNotional,
} from '../../../../functions/lib/domain/enrichment';

function price(text: string) {
  const out = newScannedPrice();
  scanPrice(text, 0, text.length, out);
  return out;
}

describe('trade notional', () => {
  it('is exact price × size', () => {
    expect(tradeNotional(price('12345.6789'), 1000000)).toBe('12345678900');
    expect(tradeNotional(price('0.1'), 3)).toBe('0.3');
    expect(tradeNotional(price('187.25'), 100)).toBe('18725');
  });

  it('stays exact past 2^53 (BigInt path)', () => {
    expect(tradeNotional(price('99999.99999999'), 9007199254740991)).toBe(
      notionalOf('99999.99999999', 9007199254740991),
    );
    expect(tradeNotional(price('99999.99999999'), 9007199254740991)).toBe('900719925474009028007.45259009');
  });
});

describe('quote metrics', () => {
  it('computes mid, spread and spread in bps exactly', () => {
    expect(quoteMetricsOf('410.10', '410.12')).toEqual({ mid: '410.11', spread: '0.02', spreadBps: '0.4877' });
    expect(quoteMetricsOf('1.5', '1.51')).toEqual({ mid: '1.505', spread: '0.01', spreadBps: '66.4452' });
    expect(quoteMetricsOf('10', '10')).toEqual({ mid: '10', spread: '0', spreadBps: '0' });
  });

  it('rounds spread bps half-even', () => {
    expect(quoteMetricsOf('0.9375', '1.0625').spreadBps).toBe('1250');
    // exactly 0.00025 and 0.00015 bps: ties go to the even digit
    expect(quoteMetricsOf('3.99999995', '4.00000005').spreadBps).toBe('0.0002');
    expect(quoteMetricsOf('3.99999997', '4.00000003').spreadBps).toBe('0.0002');
    const out = newQuoteMetrics();
    quoteMetrics(price('3.99999995'), price('4.00000005'), out);
    expect(out.spreadBps).toBe('0.0002');
  });

  it('gives the fast path the same answers as the exact path on random quotes', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const out = newQuoteMetrics();
    for (let i = 0; i < 3000; i++) {
      const scale = Math.floor(random() * 5);
      const bidUnits = 1 + Math.floor(random() * 10 ** (3 + scale));
      const askUnits = bidUnits + Math.floor(random() * 50);
      const bidText = (bidUnits / 10 ** scale).toFixed(scale);
      const askText = (askUnits / 10 ** Math.min(scale, 4)).toFixed(Math.min(scale, 4));
      const bid = price(bidText);
      const ask = price(askText);
      if (compareScanned(bid, ask) > 0) continue;
      quoteMetrics(bid, ask, out);
      expect({ ...out, q: `${bidText}/${askText}` }).toEqual({
        ...quoteMetricsOf(bid.text, ask.text),
        q: `${bidText}/${askText}`,
      });
    }
  });

  it('compares scanned prices across scales', () => {
    expect(compareScanned(price('10.5'), price('10.50'))).toBe(0);
    expect(compareScanned(price('10.51'), price('10.5'))).toBe(1);
    expect(compareScanned(price('1234567890.12345678'), price('1234567890.12345679'))).toBe(-1);
  });
});

describe('minute cache', () => {
  it('returns the minute key and session of the containing minute', () => {
    const cache = new MinuteCache();
    const info = cache.get(Date.parse('2024-06-03T13:30:42.123Z'));
    expect(info).toEqual({
      minuteMs: Date.parse('2024-06-03T13:30:00Z'),
      prefix: '2024-06-03T13:30:',
      key: '2024-06-03T13:30:00.000Z',
      session: 'regular',
    });
    expect(cache.get(Date.parse('2024-06-03T13:30:59.999Z'))).toBe(info);
  });

  it('never serves a stale entry from a colliding slot', () => {
    const cache = new MinuteCache();
    const a = Date.parse('2024-06-03T13:30:00Z');
    const b = a + 4096 * 60000; // same slot, different minute
    cache.get(a);
    expect(cache.get(b)).toEqual(minuteInfo(b));
    expect(cache.get(a)).toEqual(minuteInfo(a));
  });
});
