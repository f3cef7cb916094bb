import { nextSequenceNumber } from '../../local/stream-poller';

describe('stream poller sequence numbers', () => {
  it('numbers records strictly increasing in shard order, as DynamoDB does, when the emulator repeats a number', () => {
    // moto 5.2.5 under concurrent writes: two records created at the same moment share a number.
    const own = [
      '1100000000017454423009',
      '1100000000017454423010',
      '1100000000017454423010',
      '1100000000017454423011',
    ];
    const numbered: string[] = [];
    let last: bigint | undefined;
    for (const sequence of own) numbered.push(String((last = nextSequenceNumber(last, sequence))));
    expect(numbered).toEqual([
      '1100000000017454423009',
      '1100000000017454423010',
      '1100000000017454423011',
      '1100000000017454423012',
    ]);
  });

  it('keeps the numbers the emulator gives while they increase', () => {
    expect(nextSequenceNumber(10n, '25')).toBe(25n);
    expect(nextSequenceNumber(undefined, '7')).toBe(7n);
  });
});
