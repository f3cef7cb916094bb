import { ARCHIVE_PREFIX } from '../../../contract';
import { ArchiveBucket } from '../../../modules/storage/archive-bucket';
import { onlyResource, synthJson, testStack } from '../../stacks/fixtures';

describe('ArchiveBucket', () => {
  const stack = testStack();
  new ArchiveBucket(stack, 'Archive', {
    bucketName: 'archive-bucket',
    accessLogs: { bucketName: 'logs', prefix: 'archive/' },
  });
  const json = synthJson(stack);
  const rules = onlyResource(json, 'aws_s3_bucket_lifecycle_configuration').rule as Record<string, unknown>[];

  it('moves originals to cheaper storage as they age', () => {
    expect(rules).toContainEqual(
      expect.objectContaining({
        filter: [{ prefix: ARCHIVE_PREFIX.originals }],
        transition: [
          { days: 30, storage_class: 'STANDARD_IA' },
          { days: 90, storage_class: 'GLACIER_IR' },
        ],
      }),
    );
  });

  it('never expires anything, current or noncurrent: every version of every original is always kept', () => {
    expect(rules.filter((r) => r.expiration || r.noncurrent_version_expiration)).toEqual([]);
    expect(rules).toContainEqual(
      expect.objectContaining({ filter: [{}], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }),
    );
  });

  it('is private, versioned, SSE-S3 by default, TLS-only and access-logged', () => {
    expect(onlyResource(json, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_policy: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(json, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(JSON.stringify(onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration'))).toContain(
      'AES256',
    );
    expect(onlyResource(json, 'aws_s3_bucket_policy').policy).toContain('aws:SecureTransport');
    expect(onlyResource(json, 'aws_s3_bucket_logging')).toMatchObject({
      target_bucket: 'logs',
      target_prefix: 'archive/',
    });
  });
});
