import { lastCompletedWindow, summarize } from '../../../../functions/lib/domain/summaries';
import type { MinuteBar } from '../../../../functions/lib/domain/types';

const bar = (symbol: string, minute: string, o: Partial<MinuteBar> = {}): MinuteBar => ({
  symbol,
  minute,
  open: '10',
  high: '11',
  low: '9',
  close: '10.5',
  volume: 10,
  trades: 2,
  notional: '100',
  vwap: '10',
  ...o,
});

describe('summaries', () => {
  it('takes the last fully completed 5-minute window', () => {
    expect(lastCompletedWindow(Date.parse('2024-03-01T14:37:12.000Z'))).toEqual({
      start: '2024-03-01T14:30:00.000Z',
      end: '2024-03-01T14:35:00.000Z',
      lastMinute: '2024-03-01T14:34:00.000Z',
    });
    // Exactly on a boundary: the window that just ended.
    expect(lastCompletedWindow(Date.parse('2024-03-01T15:00:00.000Z')).start).toBe('2024-03-01T14:55:00.000Z');
  });

  it('rolls bars up per symbol: open of the first minute, close of the last, extremes, sums and a summed vwap', () => {
    const window = lastCompletedWindow(Date.parse('2024-03-01T14:35:30.000Z'));
    const summaries = summarize(
      [
        bar('MSFT', '2024-03-01T14:31:00.000Z'),
        bar('AAPL', '2024-03-01T14:34:00.000Z', {
          open: '12',
          close: '12.5',
          high: '13',
          low: '11.5',
          volume: 30,
          trades: 3,
          notional: '370.5',
        }),
        bar('AAPL', '2024-03-01T14:30:00.000Z', {
          open: '10.1',
          close: '11',
          high: '11.2',
          low: '10',
          volume: 10,
          trades: 4,
          notional: '105.3',
        }),
        bar('AAPL', '2024-03-01T14:35:00.000Z', { high: '99' }), // next window: ignored
      ],
      window,
    );
    expect(summaries.map((s) => s.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(summaries[0]).toEqual({
      symbol: 'AAPL',
      windowStart: '2024-03-01T14:30:00.000Z',
      windowEnd: '2024-03-01T14:35:00.000Z',
      open: '10.1',
      close: '12.5',
      high: '13',
      low: '10',
      volume: 40,
      trades: 7,
      notional: '475.8',
      vwap: '11.895',
      minutes: 2,
    });
  });
});
