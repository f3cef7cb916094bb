/**
 * Opening an ingest file for the data path: the object version streamed from S3, gunzipped on the
 * way when it is gzipped, and its format recognised from the key and the first decompressed bytes.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { detectFormat } from './data-path';
import { gunzipStream, isGzipped } from './compressed-input';
import { peekStream } from './stream-peek';
import type { InputFormat } from '../domain/types';
import { openObject } from '../store/s3-objects';
import { FileTooLargeError, UnsupportedFileError } from '../runtime/workflow-errors';

/** Bytes looked at to recognise gzip and the format. */
const SNIFF_BYTES = 4096;

/** An ingest file ready to be parsed. */
export interface FileSource {
  readonly format: InputFormat;
  /** The (decompressed) bytes from the first one. */
  readonly stream: AsyncIterable<Uint8Array>;
  /** True when the object was gzipped. */
  readonly compressed: boolean;
  /** Stored size of the object (compressed size for gzipped files). */
  readonly size?: number;
  /** The object's ETag (identifies its bytes; part of the ids of rows without a trade id). */
  readonly etag?: string;
}

/** Where the file is and how big it may be. */
export interface FileSourceRequest {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  /** Size reported by the notification, used when S3 does not say. */
  readonly size?: number;
  /** Largest stored size accepted. */
  readonly maxBytes: number;
}

/**
 * Opens `request`'s object version for the data path.
 * @throws FileNotFoundError, FileTooLargeError, UnsupportedFileError (neither CSV nor JSON),
 *   CorruptFileError (a gzip header that does not decompress; later damage surfaces while reading).
 */
export async function openFileSource(request: FileSourceRequest, client?: S3Client): Promise<FileSource> {
  const object = await openObject(request.bucket, request.key, request.versionId, client);
  const size = object.size ?? request.size;
  if (size !== undefined && size > request.maxBytes) throw new FileTooLargeError(request.key, size, request.maxBytes);
  const raw = await peekStream(object.body, SNIFF_BYTES);
  const compressed = isGzipped({ key: request.key, contentEncoding: object.contentEncoding, head: raw.head });
  const { head, stream } = compressed ? await peekStream(gunzipStream(raw.stream, request.key), SNIFF_BYTES) : raw;
  const format = detectFormat(request.key, Buffer.from(head).toString('utf8'));
  if (!format) throw new UnsupportedFileError(request.key, 'content is neither CSV nor JSON/NDJSON');
  return { format, stream, compressed, size, etag: object.etag };
}
