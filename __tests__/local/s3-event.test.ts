import { encodeS3EventKey, matchingNotification, objectCreatedRecord } from '../../local/s3-event';

describe('S3 notification events as S3 sends them', () => {
  const filters = [
    { id: 'incoming-json', events: ['s3:ObjectCreated:*'], prefix: 'incoming/', suffix: '.json' },
    { id: 'incoming-csv', events: ['s3:ObjectCreated:*'], prefix: 'incoming/', suffix: '.csv' },
  ];

  it('URL-encodes keys with + for spaces and keeps slashes', () => {
    expect(encodeS3EventKey('incoming/my trades (1).csv')).toBe('incoming/my+trades+%281%29.csv');
    expect(encodeS3EventKey('incoming/a+b.csv')).toBe('incoming/a%2Bb.csv');
    expect(decodeURIComponent(encodeS3EventKey('incoming/ü ñ.json').replace(/\+/g, ' '))).toBe('incoming/ü ñ.json');
  });

  it('fires only for keys under incoming/ with an accepted suffix', () => {
    expect(matchingNotification(filters, 'incoming/a.csv')?.id).toBe('incoming-csv');
    expect(matchingNotification(filters, 'incoming/a.json')?.id).toBe('incoming-json');
    expect(matchingNotification(filters, 'incoming/a.txt')).toBeUndefined();
    expect(matchingNotification(filters, 'staged/a.csv')).toBeUndefined();
    expect(matchingNotification(filters, 'incoming/a.CSV')).toBeUndefined();
  });

  it('builds an eventVersion 2.1 ObjectCreated:Put record with growing sequencers', () => {
    const object = {
      region: 'us-east-1',
      bucket: 'b',
      key: 'incoming/x y.csv',
      size: 10,
      eTag: '"abc"',
      versionId: 'v1',
    };
    const first = objectCreatedRecord(object, 'incoming-csv');
    const second = objectCreatedRecord(object, 'incoming-csv');
    expect(first).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventName: 'ObjectCreated:Put',
      s3: {
        configurationId: 'incoming-csv',
        bucket: { name: 'b', arn: 'arn:aws:s3:::b' },
        object: { key: 'incoming/x+y.csv', size: 10, eTag: 'abc', versionId: 'v1' },
      },
    });
    expect(first.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(second.s3.object.sequencer > first.s3.object.sequencer).toBe(true);
  });
});
