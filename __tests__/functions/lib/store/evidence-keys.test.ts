import {
  extensionOf,
  lineageKeyFor,
  originalArchiveKeyFor,
  quarantineKeyFor,
  rejectsKeyFor,
} from '../../../../functions/lib/store/evidence-keys';

describe('evidence keys', () => {
  const key = 'incoming/2024/trades.csv';

  it('keys every piece of evidence of a version by its file id, under the object key', () => {
    expect(rejectsKeyFor(key, 'f1')).toBe('rejected/2024/trades.csv/f1.jsonl');
    expect(quarantineKeyFor(key, 'f1')).toBe('quarantine/incoming/2024/trades.csv/f1.csv');
    expect(originalArchiveKeyFor(key, 'f1')).toBe('originals/incoming/2024/trades.csv/f1.csv');
    expect(lineageKeyFor('f1')).toBe('lineage/f1.json');
  });

  it('gives two versions of one key different evidence keys', () => {
    expect(rejectsKeyFor(key, 'f1')).not.toBe(rejectsKeyFor(key, 'f2'));
    expect(originalArchiveKeyFor(key, 'f1')).not.toBe(originalArchiveKeyFor(key, 'f2'));
  });

  it("keeps the original's extension so the copy opens like the file", () => {
    expect(extensionOf('incoming/feed.ndjson.json')).toBe('.json');
    expect(extensionOf('incoming/README')).toBe('');
    expect(extensionOf('incoming/day/trades.csv.gz')).toBe('.csv.gz');
    expect(extensionOf('incoming/day/quotes.ndjson.gz')).toBe('.ndjson.gz');
    expect(extensionOf('incoming/x.gz')).toBe('.gz');
    expect(extensionOf('incoming/.hidden')).toBe('');
  });
});
