import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { gunzipStream, hasGzipMagic, isGzipped } from '../../../../functions/lib/ingest/compressed-input';

/** The bytes as an async stream of `size`-byte chunks (what an S3 body delivers). */
function chunksOf(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}
async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

const body = 'symbol,timestamp,price,size\n' + 'AAPL,2024-03-01T14:30:01Z,187.25,100\n'.repeat(2000);
const gz = gzipSync(Buffer.from(body));

describe('gzip detection', () => {
  it('recognises gzip by suffix, by Content-Encoding and by its magic bytes', () => {
    const plain = Buffer.from('symbol,price\n');
    expect(isGzipped({ key: 'incoming/a.csv.gz', head: plain })).toBe(true);
    expect(isGzipped({ key: 'incoming/a.CSV.GZ', head: plain })).toBe(true);
    expect(isGzipped({ key: 'incoming/a.csv', contentEncoding: 'gzip', head: plain })).toBe(true);
    expect(isGzipped({ key: 'incoming/a.csv', contentEncoding: 'aws-chunked, gzip', head: plain })).toBe(true);
    expect(isGzipped({ key: 'incoming/a.csv', head: gz.subarray(0, 10) })).toBe(true);
    expect(isGzipped({ key: 'incoming/a.csv', contentEncoding: 'identity', head: plain })).toBe(false);
    expect(isGzipped({ key: 'incoming/a.csv', contentEncoding: 'gzipped-not', head: plain })).toBe(false);
  });

  it('never mistakes text for gzip (0x8b cannot start a UTF-8 sequence)', () => {
    expect(hasGzipMagic(Buffer.from('\u001f\u008b\u0008'))).toBe(false);
    expect(hasGzipMagic(gz)).toBe(true);
    expect(hasGzipMagic(gz.subarray(0, 2))).toBe(false);
  });
});

describe('gunzipStream', () => {
  it('decompresses a stream split at any byte, and concatenated gzip members', async () => {
    expect(await text(gunzipStream(chunksOf(gz, 7), 'k'))).toBe(body);
    const twoMembers = Buffer.concat([gzipSync(Buffer.from('a,b\n')), gzipSync(Buffer.from('c,d\n'))]);
    expect(await text(gunzipStream(chunksOf(twoMembers, 3), 'k'))).toBe('a,b\nc,d\n');
  });

  it('fails a truncated stream with CorruptFileError saying it is truncated', async () => {
    await expect(
      text(gunzipStream(chunksOf(gz.subarray(0, gz.length - 20), 64), 'incoming/a.csv.gz')),
    ).rejects.toMatchObject({
      name: 'CorruptFileError',
      key: 'incoming/a.csv.gz',
      message: expect.stringMatching(/^incoming\/a\.csv\.gz cannot be read: truncated/),
    });
  });

  it('fails corrupt deflate data and a bad header with CorruptFileError', async () => {
    const corrupt = Buffer.from(gz);
    corrupt.fill(0xff, 20, 60);
    await expect(text(gunzipStream(chunksOf(corrupt, 64), 'k'))).rejects.toMatchObject({
      name: 'CorruptFileError',
      message: expect.stringMatching(/corrupt gzip data/),
    });
    await expect(text(gunzipStream(chunksOf(Buffer.from('not gzip at all'), 64), 'k'))).rejects.toMatchObject({
      name: 'CorruptFileError',
    });
  });

  it('passes a failure of the source (an S3 read error) through unchanged', async () => {
    const failing = new Readable({ read: () => undefined });
    failing.push(gz.subarray(0, 100));
    setImmediate(() => failing.destroy(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })));
    await expect(text(gunzipStream(failing, 'k'))).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
