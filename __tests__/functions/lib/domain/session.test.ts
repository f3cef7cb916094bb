import {
  marketSession,
  newYorkDstBounds,
  newYorkOffsetMinutes,
  newYorkTradingDate,
} from '../../../../functions/lib/domain/session';

const at = (iso: string) => marketSession(Date.parse(iso));

describe('New York daylight-saving time', () => {
  it('starts on the second Sunday of March at 07:00 UTC and ends on the first Sunday of November at 06:00 UTC', () => {
    expect(newYorkDstBounds(2024)).toEqual([Date.parse('2024-03-10T07:00:00Z'), Date.parse('2024-11-03T06:00:00Z')]);
    expect(newYorkDstBounds(2025)).toEqual([Date.parse('2025-03-09T07:00:00Z'), Date.parse('2025-11-02T06:00:00Z')]);
    expect(newYorkDstBounds(2026)).toEqual([Date.parse('2026-03-08T07:00:00Z'), Date.parse('2026-11-01T06:00:00Z')]);
  });

  it('uses the 1987-2006 rule before 2007', () => {
    expect(newYorkDstBounds(2006)).toEqual([Date.parse('2006-04-02T07:00:00Z'), Date.parse('2006-10-29T06:00:00Z')]);
  });

  it('switches offset on both sides of the March Sunday', () => {
    expect(newYorkOffsetMinutes(Date.parse('2024-03-10T06:59:59.999Z'))).toBe(-300);
    expect(newYorkOffsetMinutes(Date.parse('2024-03-10T07:00:00Z'))).toBe(-240);
  });

  it('switches offset on both sides of the November Sunday', () => {
    expect(newYorkOffsetMinutes(Date.parse('2024-11-03T05:59:59.999Z'))).toBe(-240);
    expect(newYorkOffsetMinutes(Date.parse('2024-11-03T06:00:00Z'))).toBe(-300);
  });

  it('agrees with the tz database every hour of 2024', () => {
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'shortOffset' });
    for (let t = Date.parse('2024-01-01T00:00:00Z'); t < Date.parse('2025-01-01T00:00:00Z'); t += 3600000) {
      const name = fmt.formatToParts(t).find((p) => p.type === 'timeZoneName')!.value;
      expect(`${t}:${newYorkOffsetMinutes(t)}`).toBe(`${t}:${name === 'GMT-4' ? -240 : -300}`);
    }
  });
});

describe('US-equities session', () => {
  it('puts session boundaries in the later session (EDT)', () => {
    expect(at('2024-06-03T07:59:59.999Z')).toBe('closed');
    expect(at('2024-06-03T08:00:00Z')).toBe('pre'); // 04:00 New York
    expect(at('2024-06-03T13:29:59.999Z')).toBe('pre');
    expect(at('2024-06-03T13:30:00Z')).toBe('regular'); // 09:30
    expect(at('2024-06-03T19:59:59.999Z')).toBe('regular');
    expect(at('2024-06-03T20:00:00Z')).toBe('post'); // 16:00
    expect(at('2024-06-03T23:59:59.999Z')).toBe('post');
    expect(at('2024-06-04T00:00:00Z')).toBe('closed'); // 20:00
  });

  it('shifts the boundaries by an hour in winter (EST)', () => {
    expect(at('2024-01-08T14:29:59Z')).toBe('pre');
    expect(at('2024-01-08T14:30:00Z')).toBe('regular');
    expect(at('2024-01-08T21:00:00Z')).toBe('post');
  });

  it('is DST-correct on the Monday after each switch', () => {
    expect(at('2024-03-11T13:30:00Z')).toBe('regular'); // first EDT Monday
    expect(at('2024-03-08T13:30:00Z')).toBe('pre'); // last EST Friday: 08:30 New York
    expect(at('2024-11-04T14:30:00Z')).toBe('regular'); // first EST Monday
    expect(at('2024-11-01T13:30:00Z')).toBe('regular'); // last EDT Friday
  });

  it('is closed all weekend, judged in New York time', () => {
    expect(at('2024-06-08T15:00:00Z')).toBe('closed'); // Saturday
    expect(at('2024-06-09T15:00:00Z')).toBe('closed'); // Sunday
    expect(at('2024-06-07T23:00:00Z')).toBe('post'); // Friday 19:00 New York
    expect(at('2024-06-08T01:00:00Z')).toBe('closed'); // Friday 21:00 New York (Saturday in UTC)
    expect(at('2024-06-10T03:00:00Z')).toBe('closed'); // Sunday 23:00 New York (Monday in UTC)
  });
});

describe('newYorkTradingDate', () => {
  it('is the New York calendar date, DST-correct, not the UTC one', () => {
    // 2026-03-10 is after the switch to EDT (UTC-4); 2026-01-15 is EST (UTC-5).
    expect(newYorkTradingDate(Date.parse('2026-03-10T14:30:00Z'))).toBe('2026-03-10');
    expect(newYorkTradingDate(Date.parse('2026-03-11T03:59:59.999Z'))).toBe('2026-03-10');
    expect(newYorkTradingDate(Date.parse('2026-03-11T04:00:00Z'))).toBe('2026-03-11');
    expect(newYorkTradingDate(Date.parse('2026-01-16T04:59:59.999Z'))).toBe('2026-01-15');
    expect(newYorkTradingDate(Date.parse('2026-01-16T05:00:00Z'))).toBe('2026-01-16');
  });
});
