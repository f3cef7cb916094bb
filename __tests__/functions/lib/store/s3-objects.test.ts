import { copySource, isNotFound } from '../../../../functions/lib/store/s3-objects';

describe('s3 objects', () => {
  it('URL-encodes the copy source key but keeps its slashes, and addresses the version', () => {
    expect(copySource('b', 'incoming/day 1/a+b?.csv', 'v/1')).toBe('b/incoming/day%201/a%2Bb%3F.csv?versionId=v%2F1');
    // 'null' is S3's name for "no version id": the object is addressed without one.
    expect(copySource('b', 'incoming/a.csv', 'null')).toBe('b/incoming/a.csv');
  });

  it('recognises S3 not-found errors by name or status', () => {
    expect(isNotFound({ name: 'NoSuchKey' })).toBe(true);
    expect(isNotFound({ name: 'Unknown', $metadata: { httpStatusCode: 404 } })).toBe(true);
    expect(isNotFound({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })).toBe(false);
  });
});
