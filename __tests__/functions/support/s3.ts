/** S3 GetObject bodies for mocked clients: streamable and `transformToString`-able like the SDK's. */
import { Readable } from 'node:stream';

/** A GetObject `Body` delivering `text` (or raw bytes) in chunks of `chunkBytes`. */
export function s3Body(text: string | Buffer, chunkBytes = 64 * 1024): never {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkBytes) chunks.push(bytes.subarray(i, i + chunkBytes));
  return Object.assign(Readable.from(chunks), {
    transformToString: () => Promise.resolve(bytes.toString('utf8')),
  }) as never;
}

/** The error S3 returns for a missing key. */
export const noSuchKey = (): Error =>
  Object.assign(new Error('The specified key does not exist.'), {
    name: 'NoSuchKey',
    $metadata: { httpStatusCode: 404 },
  });
