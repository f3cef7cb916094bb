/**
 * Gzipped input, decompressed while it streams (node:zlib, never whole in memory). A file is
 * gzipped when its key ends in `.gz`, when S3 stores it with `Content-Encoding: gzip`, or when it
 * starts with gzip's magic bytes (no CSV or JSON text does: 0x8b is not a valid first UTF-8 byte),
 * so gzip bytes uploaded under a plain `.csv` name are read, not rejected row by row.
 *
 * A truncated or corrupt stream fails the whole file with {@link CorruptFileError}: every row
 * after the damage is unreadable, so reporting thousands of MALFORMED rows would hide the cause.
 */
import { createGunzip } from 'node:zlib';
import { pipeline, Readable } from 'node:stream';
import { CorruptFileError } from '../runtime/workflow-errors';

/** Key suffix of gzipped files. */
export const GZIP_SUFFIX = '.gz';

/** True when `head` starts with the gzip member header (RFC 1952: 1f 8b, deflate method 08). */
export function hasGzipMagic(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;
}

/** How an object says it is gzipped. */
export interface CompressionHints {
  readonly key: string;
  /** The object's `Content-Encoding`, if any. */
  readonly contentEncoding?: string;
  /** The first bytes of the object (at least 3 to recognise gzip by content). */
  readonly head: Uint8Array;
}

/** True when the object is gzipped by name, by its Content-Encoding or by its first bytes. */
export function isGzipped(hints: CompressionHints): boolean {
  return (
    hints.key.toLowerCase().endsWith(GZIP_SUFFIX) ||
    /(^|,)\s*gzip\s*(,|$)/i.test(hints.contentEncoding ?? '') ||
    hasGzipMagic(hints.head)
  );
}

/** What zlib's error codes mean for a reader of the failure notification. */
function describeZlibError(error: NodeJS.ErrnoException): string {
  if (error.code === 'Z_BUF_ERROR') return 'truncated: the gzip stream ends before its end marker';
  if (error.code === 'Z_DATA_ERROR') return `corrupt gzip data (${error.message})`;
  return `gzip stream unreadable (${error.code ?? error.name}: ${error.message})`;
}

/**
 * The decompressed bytes of `stream` (every gzip member, as `gunzip` does). Iterating it throws
 * {@link CorruptFileError} for `key` when the gzip data is truncated or corrupt.
 */
export async function* gunzipStream(stream: AsyncIterable<Uint8Array>, key: string): AsyncGenerator<Uint8Array> {
  const gunzip = createGunzip();
  // pipeline, not pipe: a failing source (an S3 read error) must fail the reader, not hang it.
  pipeline(Readable.from(stream, { objectMode: false }), gunzip, () => undefined);
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
  } catch (error) {
    const zlibError = error as NodeJS.ErrnoException;
    if (typeof zlibError.code === 'string' && zlibError.code.startsWith('Z_'))
      throw new CorruptFileError(key, describeZlibError(zlibError));
    throw error;
  } finally {
    gunzip.destroy();
  }
}
