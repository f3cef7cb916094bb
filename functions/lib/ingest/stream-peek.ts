/**
 * Looking at the start of a byte stream without consuming it: format detection needs the
 * first bytes, the parser then needs the whole stream from byte 0.
 */

/** The first bytes of a stream and the stream itself, replayed from the start. */
export interface PeekedStream {
  /** At least `minBytes` bytes (fewer only when the stream is shorter). */
  readonly head: Uint8Array;
  readonly stream: AsyncIterable<Uint8Array>;
}

/** Reads chunks until `minBytes` are buffered, then returns them and a stream that replays them first. */
export async function peekStream(source: AsyncIterable<Uint8Array>, minBytes: number): Promise<PeekedStream> {
  const iterator = source[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < minBytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    buffered.push(next.value);
    size += next.value.length;
  }
  const stream: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      yield* buffered;
      if (done) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    },
  };
  return { head: Buffer.concat(buffered), stream };
}
