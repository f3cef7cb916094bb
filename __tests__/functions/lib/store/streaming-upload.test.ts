import '../../support/env';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { MIN_PART_BYTES, StreamingUpload } from '../../../../functions/lib/store/streaming-upload';

const s3 = mockClient(S3Client);
const MiB = 1024 * 1024;
const partSizes = (): number[] =>
  s3.commandCalls(UploadPartCommand).map((c) => (c.args[0].input.Body as Buffer).length);

beforeEach(() => {
  s3.reset();
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
  s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `"e${input.PartNumber}"` }));
  s3.on(CompleteMultipartUploadCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
});

/** One rejects-report line of about 80 bytes. */
const line = (i: number): string =>
  `${JSON.stringify({ line: i, reason: 'INVALID_PRICE', message: 'price is not a decimal' })}\n`;

describe('StreamingUpload', () => {
  it('writes an object smaller than a part with one PutObject, an empty one included', async () => {
    const small = new StreamingUpload('b', 'rejected/a.jsonl', { contentType: 'application/x-ndjson' });
    await small.write(line(1));
    expect(await small.close()).toEqual({ bytes: line(1).length, parts: 0 });
    const empty = new StreamingUpload('b', 'rejected/empty.jsonl', { contentType: 'application/x-ndjson' });
    await empty.close();
    expect(s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input.Body])).toEqual([
      ['rejected/a.jsonl', line(1)],
      ['rejected/empty.jsonl', ''],
    ]);
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
  });

  it('sends parts of at least 5 MiB (all but the last), in order, and completes with their ETags', async () => {
    const upload = new StreamingUpload('b', 'rejected/big.jsonl', {
      contentType: 'application/x-ndjson',
      partBytes: MIN_PART_BYTES,
    });
    let written = 0;
    for (let i = 0; written < 12 * MiB; i++) {
      await upload.write(line(i));
      written += line(i).length;
    }
    const summary = await upload.close();
    const sizes = partSizes();
    expect(sizes).toHaveLength(3);
    expect(sizes.slice(0, -1).every((size) => size >= MIN_PART_BYTES)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(written);
    expect(summary).toEqual({ bytes: written, parts: 3 });
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0].args[0].input).toMatchObject({
      Bucket: 'b',
      Key: 'rejected/big.jsonl',
      ContentType: 'application/x-ndjson',
    });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input).toEqual({
      Bucket: 'b',
      Key: 'rejected/big.jsonl',
      UploadId: 'u1',
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: '"e1"' },
          { PartNumber: 2, ETag: '"e2"' },
          { PartNumber: 3, ETag: '"e3"' },
        ],
      },
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('holds at most two parts in memory however many lines are written (400,000 rejects, 29 MiB)', async () => {
    const upload = new StreamingUpload('b', 'rejected/huge.jsonl', {
      contentType: 'application/x-ndjson',
      partBytes: MIN_PART_BYTES,
    });
    let written = 0;
    for (let i = 0; i < 400_000; i++) {
      const text = line(i);
      written += text.length;
      await upload.write(text);
    }
    await upload.close();
    expect(written).toBeGreaterThan(5 * MIN_PART_BYTES);
    expect(upload.peakBufferedBytes).toBeLessThanOrEqual(2 * MIN_PART_BYTES + 200);
    expect(partSizes().reduce((a, b) => a + b, 0)).toBe(written);
  });

  it('aborts a started multipart upload, so no parts are left behind', async () => {
    const upload = new StreamingUpload('b', 'rejected/x.jsonl', {
      contentType: 'application/x-ndjson',
      partBytes: MIN_PART_BYTES,
    });
    await upload.write('x'.repeat(MIN_PART_BYTES));
    await upload.abort();
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0].args[0].input).toEqual({
      Bucket: 'b',
      Key: 'rejected/x.jsonl',
      UploadId: 'u1',
    });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('fails the next write when a part could not be uploaded', async () => {
    s3.on(UploadPartCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));
    const upload = new StreamingUpload('b', 'rejected/x.jsonl', {
      contentType: 'application/x-ndjson',
      partBytes: MIN_PART_BYTES,
    });
    await upload.write('x'.repeat(MIN_PART_BYTES));
    await expect(upload.write('y'.repeat(MIN_PART_BYTES))).rejects.toMatchObject({ name: 'SlowDown' });
  });

  it('refuses parts below the S3 minimum', () => {
    expect(() => new StreamingUpload('b', 'k', { contentType: 'text/plain', partBytes: MiB })).toThrow(RangeError);
  });
});
