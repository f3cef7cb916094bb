import { Readable } from 'node:stream';
import { peekStream } from '../../../../functions/lib/ingest/stream-peek';

/** A stream delivering each part as one chunk (as an S3 body stream does). */
const chunks = (...parts: string[]): AsyncIterable<Uint8Array> => Readable.from(parts.map((part) => Buffer.from(part)));
async function collect(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(Buffer.from(chunk));
  return Buffer.concat(out).toString();
}

describe('peekStream', () => {
  it('buffers at least minBytes and replays the whole stream from the start', async () => {
    const { head, stream } = await peekStream(chunks('ab', 'cd', 'ef', 'gh'), 3);
    expect(Buffer.from(head).toString()).toBe('abcd');
    expect(await collect(stream)).toBe('abcdefgh');
  });

  it('handles streams shorter than minBytes and empty streams', async () => {
    const short = await peekStream(chunks('xy'), 100);
    expect(Buffer.from(short.head).toString()).toBe('xy');
    expect(await collect(short.stream)).toBe('xy');
    const empty = await peekStream(chunks(), 10);
    expect(empty.head.length).toBe(0);
    expect(await collect(empty.stream)).toBe('');
  });
});
