/**
 * The S3 operations the handlers need, with "not found" mapped to `FileNotFoundError` and
 * bodies streamed (a file is never loaded whole).
 */
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { s3Client } from '../aws/clients/s3';
import { FileNotFoundError } from '../runtime/workflow-errors';

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchVersion', 'NoSuchBucket']);

/** True when `error` is S3 saying the object (version) does not exist. */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return Boolean(e && ((e.name && NOT_FOUND.has(e.name)) || e.$metadata?.httpStatusCode === 404));
}

/**
 * The version to address: S3 events and unversioned buckets say 'null', which means "the object
 * that has no version id" — omitting it addresses the same object and works on every emulator.
 */
function versionParam(versionId: string | undefined): string | undefined {
  return versionId && versionId !== 'null' ? versionId : undefined;
}

/** An object opened for streaming. */
export interface OpenedObject {
  readonly body: AsyncIterable<Uint8Array>;
  readonly size?: number;
  readonly contentType?: string;
  /** `Content-Encoding` stored with the object (`gzip` for gzipped uploads that say so). */
  readonly contentEncoding?: string;
  /** The object's ETag: identifies its bytes (same upload again → same ETag). */
  readonly etag?: string;
}

/**
 * Opens an object version for streaming.
 * @throws FileNotFoundError when it does not exist.
 */
export async function openObject(
  bucket: string,
  key: string,
  versionId?: string,
  client: S3Client = s3Client(),
): Promise<OpenedObject> {
  try {
    const result = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionParam(versionId) }),
    );
    if (!result.Body) throw new FileNotFoundError(bucket, key, versionId);
    return {
      body: result.Body as unknown as AsyncIterable<Uint8Array>,
      size: result.ContentLength,
      contentType: result.ContentType,
      contentEncoding: result.ContentEncoding,
      etag: result.ETag,
    };
  } catch (error) {
    if (isNotFound(error)) throw new FileNotFoundError(bucket, key, versionId);
    throw error;
  }
}

/**
 * Opens the current version of an object for streaming (objects the pipeline itself wrote).
 * @throws FileNotFoundError when it does not exist.
 */
export async function streamObject(bucket: string, key: string, client: S3Client = s3Client()): Promise<OpenedObject> {
  try {
    const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!result.Body) throw new FileNotFoundError(bucket, key);
    return { body: result.Body as unknown as AsyncIterable<Uint8Array>, size: result.ContentLength, etag: result.ETag };
  } catch (error) {
    if (isNotFound(error)) throw new FileNotFoundError(bucket, key);
    throw error;
  }
}

/**
 * Reads a (small) object as UTF-8 text.
 * @throws FileNotFoundError when it does not exist.
 */
export async function readObjectText(bucket: string, key: string, client: S3Client = s3Client()): Promise<string> {
  try {
    const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!result.Body) throw new FileNotFoundError(bucket, key);
    return await result.Body.transformToString('utf-8');
  } catch (error) {
    if (isNotFound(error)) throw new FileNotFoundError(bucket, key);
    throw error;
  }
}

/** Writes `body` as an object (server-side encryption is the bucket default). */
export async function putObject(
  bucket: string,
  key: string,
  body: string,
  contentType: string,
  client: S3Client = s3Client(),
): Promise<void> {
  // An explicit length: for a '' body the SDK otherwise warns about a stream of unknown length.
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ContentLength: Buffer.byteLength(body, 'utf8'),
    }),
  );
}

/** Version id and size of the current object at `key`, or undefined when there is none. */
export async function headObject(
  bucket: string,
  key: string,
  client: S3Client = s3Client(),
): Promise<{ versionId: string; size?: number } | undefined> {
  try {
    const result = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { versionId: result.VersionId ?? 'null', size: result.ContentLength };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** `CopySource` of an object version: bucket and URL-encoded key (slashes kept), plus the version. */
export function copySource(bucket: string, key: string, versionId?: string): string {
  const encodedKey = key.split('/').map(encodeURIComponent).join('/');
  const version = versionParam(versionId);
  return `${bucket}/${encodedKey}${version ? `?versionId=${encodeURIComponent(version)}` : ''}`;
}

/**
 * Copies an object version to `targetBucket`/`targetKey` (single CopyObject: up to 5 GB).
 * @throws FileNotFoundError when the source does not exist.
 */
export async function copyObject(
  source: { bucket: string; key: string; versionId?: string },
  targetBucket: string,
  targetKey: string,
  client: S3Client = s3Client(),
): Promise<void> {
  try {
    await client.send(
      new CopyObjectCommand({
        CopySource: copySource(source.bucket, source.key, source.versionId),
        Bucket: targetBucket,
        Key: targetKey,
      }),
    );
  } catch (error) {
    if (isNotFound(error)) throw new FileNotFoundError(source.bucket, source.key, source.versionId);
    throw error;
  }
}
