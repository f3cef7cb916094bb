/**
 * Reading JSON Lines objects (chunk manifests, Distributed Map result files) a line at a time:
 * the object streams, so only the current line is held, whatever the object's size.
 */
import { StringDecoder } from 'node:string_decoder';
import type { S3Client } from '@aws-sdk/client-s3';
import { streamObject } from './s3-objects';

/** The non-empty lines of a byte stream, decoded as UTF-8 (LF or CRLF). */
export async function* textLines(stream: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of stream) {
    const text = carry + decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (trimmed.length > 0) yield trimmed;
    }
  }
  const last = (carry + decoder.end()).replace(/\r$/, '');
  if (last.length > 0) yield last;
}

/**
 * Each line of the JSON Lines object `bucket`/`key`, parsed.
 * @throws FileNotFoundError when the object does not exist.
 */
export async function* readJsonLines(bucket: string, key: string, client?: S3Client): AsyncGenerator<unknown> {
  const object = await streamObject(bucket, key, client);
  for await (const line of textLines(object.body)) yield JSON.parse(line) as unknown;
}
