/**
 * Writing an object of unknown, possibly huge size without holding it: text is appended as it is
 * produced and sent as multipart-upload parts, so memory stays at about two parts (one being
 * filled, one uploading) however large the object grows. An object that never fills a part is
 * written with one PutObject (an empty one included).
 *
 * S3's rules shape it: every part but the last is at least 5 MiB, and an upload has at most
 * 10,000 parts (so with 8 MiB parts an object may reach ~78 GiB).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { s3Client } from '../aws/clients/s3';
import { putObject } from './s3-objects';

/** S3's smallest part (all but the last). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3's largest part count per upload. */
export const MAX_PARTS = 10_000;
/** Default part size: above the minimum, small enough that two parts are a modest amount of memory. */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/** The object is larger than `MAX_PARTS` parts allow. */
export class ObjectTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly partBytes: number,
  ) {
    super(`${key} would need more than ${MAX_PARTS} parts of ${partBytes} bytes`);
    this.name = 'ObjectTooLargeError';
  }
}

/** Options of {@link StreamingUpload}. */
export interface StreamingUploadOptions {
  readonly contentType: string;
  /** Bytes per part (at least {@link MIN_PART_BYTES}). Default {@link DEFAULT_PART_BYTES}. */
  readonly partBytes?: number;
  readonly client?: S3Client;
}

/** What was written. */
export interface UploadSummary {
  readonly bytes: number;
  /** 0 when the object was small enough for a single PutObject. */
  readonly parts: number;
}

/**
 * An object written as it is produced.
 *
 * @example
 * const report = new StreamingUpload(bucket, 'rejected/a.csv.jsonl', { contentType: 'application/x-ndjson' });
 * for (const reject of rejects) await report.write(`${JSON.stringify(reject)}\n`);
 * await report.close();
 */
export class StreamingUpload {
  private readonly client: S3Client;
  private readonly partBytes: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private uploadId: string | undefined;
  private readonly parts: { PartNumber: number; ETag: string | undefined }[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private scheduling: Promise<void> = Promise.resolve();
  private totalBytes = 0;
  private closed = false;
  /** Most bytes held at once (the part being filled plus the one uploading); tests assert on it. */
  peakBufferedBytes = 0;
  private uploadingBytes = 0;

  constructor(
    private readonly bucket: string,
    private readonly key: string,
    private readonly options: StreamingUploadOptions,
  ) {
    this.client = options.client ?? s3Client();
    this.partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
    if (this.partBytes < MIN_PART_BYTES) throw new RangeError(`partBytes must be at least ${MIN_PART_BYTES}`);
  }

  /** Appends `text`; resolves once it is buffered (waits while a full part is still uploading). */
  async write(text: string): Promise<void> {
    if (this.closed) throw new Error(`write() after close() on ${this.key}`);
    if (text.length === 0) return;
    this.pending.push(text);
    const bytes = Buffer.byteLength(text, 'utf8');
    this.pendingBytes += bytes;
    this.totalBytes += bytes;
    this.peakBufferedBytes = Math.max(this.peakBufferedBytes, this.pendingBytes + this.uploadingBytes);
    if (this.pendingBytes >= this.partBytes) await this.sendPart();
  }

  /** Sends what is left and completes the object. */
  async close(): Promise<UploadSummary> {
    if (this.closed) throw new Error(`close() called twice on ${this.key}`);
    this.closed = true;
    await this.scheduling;
    if (this.uploadId === undefined) {
      await putObject(this.bucket, this.key, this.pending.join(''), this.options.contentType, this.client);
      this.pending = [];
      return { bytes: this.totalBytes, parts: 0 };
    }
    if (this.pendingBytes > 0) await this.sendPart();
    await this.inFlight;
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: this.key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: this.parts },
      }),
    );
    return { bytes: this.totalBytes, parts: this.parts.length };
  }

  /**
   * Gives up: discards a started multipart upload so no parts are left behind (the bucket's
   * lifecycle rule is the backstop). Never throws: it runs on a path that is already failing.
   */
  async abort(): Promise<void> {
    this.closed = true;
    this.pending = [];
    await Promise.allSettled([this.scheduling, this.inFlight]);
    if (this.uploadId === undefined) return;
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId }),
      );
    } catch {
      // Left to the bucket's abort-incomplete-multipart-uploads lifecycle rule.
    }
  }

  /**
   * Takes the buffered text as the next part and uploads it once the previous part is done.
   * Scheduling is chained, so concurrent writers can never start two uploads or reorder parts,
   * and a failed part fails every later step.
   */
  private sendPart(): Promise<void> {
    const body = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    const step = this.scheduling.then(async () => {
      await this.inFlight;
      this.uploadId ??= await this.createUpload();
      const partNumber = this.parts.length + 1;
      if (partNumber > MAX_PARTS) throw new ObjectTooLargeError(this.key, this.partBytes);
      const slot = { PartNumber: partNumber, ETag: undefined as string | undefined };
      this.parts.push(slot);
      this.uploadingBytes = body.length;
      const uploadId = this.uploadId;
      this.inFlight = (async () => {
        const result = await this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: this.key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: body,
            ContentLength: body.length,
          }),
        );
        slot.ETag = result.ETag;
        this.uploadingBytes = 0;
      })();
      // A failed part surfaces on the next step or on close; keep it from being "unhandled" meanwhile.
      this.inFlight.catch(() => undefined);
    });
    this.scheduling = step;
    return step;
  }

  private async createUpload(): Promise<string> {
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, ContentType: this.options.contentType }),
    );
    if (!created.UploadId) throw new Error(`CreateMultipartUpload for ${this.key} returned no UploadId`);
    return created.UploadId;
  }
}
