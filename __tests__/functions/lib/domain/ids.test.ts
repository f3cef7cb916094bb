import {
  apiRequestIdentity,
  apiRequestOf,
  elementRecordId,
  isVerbatimTradeId,
  lineRecordId,
  sourceIdPrefix,
  tradeRecordId,
} from '../../../../functions/lib/domain/ids';

describe('record ids', () => {
  const file = { kind: 's3' as const, uri: 's3://bucket/incoming/a.csv', versionId: 'v1' };

  it('gives the same file the same prefix, computed from uri and version', () => {
    expect(sourceIdPrefix(file)).toBe(sourceIdPrefix({ ...file }));
    expect(sourceIdPrefix(file)).toMatch(/^f-[0-9a-f]{16}$/);
    expect(sourceIdPrefix({ ...file, versionId: 'v2' })).not.toBe(sourceIdPrefix(file));
    expect(sourceIdPrefix({ ...file, uri: 's3://bucket/incoming/b.csv' })).not.toBe(sourceIdPrefix(file));
  });

  it('keys file ids on the bytes (ETag) when known, so a re-upload of the same bytes keeps its ids', () => {
    const tagged = { ...file, contentTag: '"etag-1"' };
    expect(sourceIdPrefix({ ...tagged, versionId: 'v2' })).toBe(sourceIdPrefix(tagged));
    expect(sourceIdPrefix({ ...tagged, contentTag: '"etag-2"' })).not.toBe(sourceIdPrefix(tagged));
    expect(sourceIdPrefix({ ...tagged, uri: 's3://bucket/incoming/b.csv' })).not.toBe(sourceIdPrefix(tagged));
  });

  it('distinguishes API requests from files', () => {
    expect(sourceIdPrefix({ kind: 'api', uri: 'req-1' })).toMatch(/^a-[0-9a-f]{16}$/);
  });

  it('differs per line and per JSON element, and the two never collide', () => {
    const prefix = sourceIdPrefix(file);
    expect(lineRecordId(prefix, 2)).not.toBe(lineRecordId(prefix, 3));
    expect(elementRecordId(prefix, 2)).not.toBe(lineRecordId(prefix, 2));
  });

  it('uses a plain trade id verbatim with the symbol', () => {
    expect(tradeRecordId('AAPL', 'T-123:45.6_7')).toBe('t-AAPL-T-123:45.6_7');
  });

  it('hashes odd or over-long trade ids into a separate namespace', () => {
    const odd = tradeRecordId('AAPL', 'trade id/with spaces');
    expect(odd).toMatch(/^th-AAPL-[0-9a-f]{24}$/);
    expect(tradeRecordId('AAPL', 'trade id/with spaces')).toBe(odd);
    const long = tradeRecordId('AAPL', 'x'.repeat(65));
    expect(long).toMatch(/^th-AAPL-[0-9a-f]{24}$/);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(isVerbatimTradeId('x'.repeat(64), 0, 64)).toBe(true);
    expect(isVerbatimTradeId('x'.repeat(65), 0, 65)).toBe(false);
  });

  it('makes the venue part of a trade identity, unambiguously', () => {
    expect(tradeRecordId('AAPL', '1001', 'XNAS')).toBe('t-AAPL-1001@XNAS');
    expect(tradeRecordId('AAPL', '1001', 'ARCX')).not.toBe(tradeRecordId('AAPL', '1001', 'XNAS'));
    expect(tradeRecordId('AAPL', '1001')).toBe('t-AAPL-1001');
    // A trade id that looks like another's venue suffix still gets another id (no '@' in verbatim ids).
    expect(tradeRecordId('AAPL', 'XNAS-1001')).not.toBe(tradeRecordId('AAPL', '1001', 'XNAS'));
    const spaced = tradeRecordId('AAPL', '1001', 'NYSE ARCA');
    expect(spaced).toMatch(/^th-AAPL-[0-9a-f]{24}$/);
    expect(spaced).not.toBe(tradeRecordId('AAPL', '1001'));
    expect(tradeRecordId('AAPL', 'odd id', 'XNAS')).not.toBe(tradeRecordId('AAPL', 'odd id'));
    expect(tradeRecordId('ABCDEFGHIJKL', 'x'.repeat(64), 'Y'.repeat(16)).length).toBeLessThanOrEqual(100);
  });

  it('identifies an API request by caller and key, never exposing the caller', () => {
    const request = apiRequestIdentity('iam:arn:aws:iam::123456789012:user/feed', 'order-1');
    expect(request.uri).toMatch(/^api:\/\/[0-9a-f]{16}\/order-1$/);
    expect(request.uri).not.toContain('123456789012');
    expect(request.runId).toMatch(/^api-[0-9a-f]{16}$/);
    expect(apiRequestIdentity('iam:other', 'order-1').uri).not.toBe(request.uri);
    expect(apiRequestOf(request.uri)).toEqual(request);
    expect(apiRequestOf('s3://b/k.csv')).toBeUndefined();
  });
});
