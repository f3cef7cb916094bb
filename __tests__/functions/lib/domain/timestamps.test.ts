import {
  civilFromDays,
  daysFromCivil,
  EPOCH_MS_MIN,
  formatUtcTimestamp,
  newScannedTimestamp,
  parseTimestamp,
  scanTimestamp,
  TimestampScan,
  toMinuteKey,
} from '../../../../functions/lib/domain/timestamps';

function scan(text: string) {
  const out = newScannedTimestamp();
  const status = scanTimestamp(text, 0, text.length, out);
  return { status, ...out };
}

describe('ISO-8601 timestamps', () => {
  it.each([
    ['2024-03-11T14:30:00.123Z', '2024-03-11T14:30:00.123Z'],
    ['2024-03-11T10:30:00.123-04:00', '2024-03-11T14:30:00.123Z'],
    ['2024-03-11T19:30:00+0500', '2024-03-11T14:30:00.000Z'],
    ['2024-03-11T16:30+02', '2024-03-11T14:30:00.000Z'],
    ['2024-03-11 14:30:00Z', '2024-03-11T14:30:00.000Z'],
    ['2024-03-11t14:30:00.5z', '2024-03-11T14:30:00.500Z'],
    ['2024-03-11T14:30:00,25Z', '2024-03-11T14:30:00.250Z'],
    ['2024-03-11T14:30:00.123999999Z', '2024-03-11T14:30:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2024-01-01T00:30:00+01:00', '2023-12-31T23:30:00.000Z'],
  ])('reads %s as %s', (input, expected) => {
    const epochMs = parseTimestamp(input);
    expect(epochMs).toBe(Date.parse(expected));
    expect(formatUtcTimestamp(epochMs!)).toBe(expected);
  });

  it('marks only the exact UTC millisecond form as canonical (reusable as is)', () => {
    expect(scan('2024-03-11T14:30:00.123Z').canonical).toBe(true);
    expect(scan('2024-03-11T14:30:00.123+00:00').canonical).toBe(false);
    expect(scan('2024-03-11T14:30:00Z').canonical).toBe(false);
    // ISO-8601 allows a decimal comma; it is read, but never stored verbatim.
    expect(scan('2024-03-11T14:30:00,123Z').canonical).toBe(false);
    expect(scan('2024-03-11T14:30:00,123Z').epochMs).toBe(Date.parse('2024-03-11T14:30:00.123Z'));
  });

  it.each([
    ['2024-03-11T14:30:00', TimestampScan.NoZone],
    ['2024-03-11T14:30:00.123', TimestampScan.NoZone],
    ['2024-03-11T23:59:60Z', TimestampScan.LeapSecond],
    ['2024-02-30T00:00:00Z', TimestampScan.OutOfRange],
    ['2023-02-29T00:00:00Z', TimestampScan.OutOfRange],
    ['2024-03-11T24:00:00Z', TimestampScan.OutOfRange],
    ['2024-13-01T00:00:00Z', TimestampScan.OutOfRange],
    ['1969-12-31T23:59:59Z', TimestampScan.OutOfRange],
    ['2024-03-11T14:30:00+25:00', TimestampScan.OutOfRange],
    ['2024-03-11', TimestampScan.Unparseable],
    ['11/03/2024 14:30', TimestampScan.Unparseable],
    ['2024-03-11T14:30:00Q', TimestampScan.Unparseable],
    ['2024-03-11T14:30:00.Z', TimestampScan.Unparseable],
    ['yesterday', TimestampScan.Unparseable],
    ['', TimestampScan.Unparseable],
  ])('rejects %j', (input, status) => {
    expect(scan(input).status).toBe(status);
  });
});

describe('epoch milliseconds', () => {
  it('accepts epoch milliseconds', () => {
    expect(parseTimestamp('1710167400123')).toBe(1710167400123);
  });

  it('rejects values that look like epoch seconds', () => {
    expect(scan('1710167400').status).toBe(TimestampScan.EpochSeconds);
    expect(scan(String(EPOCH_MS_MIN - 1)).status).toBe(TimestampScan.EpochSeconds);
    expect(scan(String(EPOCH_MS_MIN)).status).toBe(TimestampScan.Ok);
  });

  it('rejects fractional, negative and absurdly long values', () => {
    expect(scan('1710167400123.5').status).toBe(TimestampScan.Unparseable);
    expect(scan('-1710167400123').status).toBe(TimestampScan.Unparseable);
    expect(scan('1710167400123000000').status).toBe(TimestampScan.OutOfRange);
  });
});

describe('calendar arithmetic', () => {
  it('round-trips day numbers over four centuries', () => {
    for (let days = -1000; days < 150000; days += 37) {
      const ymd = civilFromDays(days);
      expect(daysFromCivil(Math.floor(ymd / 10000), Math.floor(ymd / 100) % 100, ymd % 100)).toBe(days);
      expect(new Date(days * 86400000).toISOString().slice(0, 10)).toBe(
        `${Math.floor(ymd / 10000)}-${String(Math.floor(ymd / 100) % 100).padStart(2, '0')}-` +
          `${String(ymd % 100).padStart(2, '0')}`,
      );
    }
  });

  it('formats the minute key', () => {
    expect(toMinuteKey(Date.parse('2024-03-11T14:30:59.999Z'))).toBe('2024-03-11T14:30:00.000Z');
  });
});
