import { SecureBucket, noncurrentVersionRule } from '../../../modules/storage/secure-bucket';
import { onlyResource, parsePolicy, statement, synthJson, testStack } from '../../stacks/fixtures';

describe('SecureBucket', () => {
  const stack = testStack();
  const bucket = new SecureBucket(stack, 'Bucket', {
    bucketName: 'example-bucket',
    accessLogs: { bucketName: 'log-bucket', prefix: 'example/' },
  });
  bucket.addPolicyStatement({
    Sid: 'ExtraGrant',
    Principal: { Service: 'logging.s3.amazonaws.com' },
    Action: ['s3:PutObject'],
    Resource: ['arn:x/*'],
  });
  const json = synthJson(stack);

  it('blocks all public access', () => {
    expect(onlyResource(json, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it('disables ACLs (bucket owner enforced)', () => {
    expect(onlyResource(json, 'aws_s3_bucket_ownership_controls').rule).toEqual({
      object_ownership: 'BucketOwnerEnforced',
    });
  });

  it('versions every object', () => {
    expect(onlyResource(json, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
  });

  it('encrypts with SSE-S3 by default', () => {
    expect(onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
  });

  it('encrypts with the customer key and an S3 bucket key when given one', () => {
    const kmsStack = testStack();
    new SecureBucket(kmsStack, 'Bucket', { bucketName: 'kms-bucket', kmsKeyArn: 'arn:key' });
    expect(onlyResource(synthJson(kmsStack), 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:key' },
        bucket_key_enabled: true,
      },
    ]);
  });

  it('denies non-TLS requests', () => {
    const policy = parsePolicy(onlyResource(json, 'aws_s3_bucket_policy').policy);
    expect(statement(policy, 'DenyInsecureTransport')).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:*'],
      Resource: [expect.stringMatching(/\.arn\}$/), expect.stringMatching(/\.arn\}\/\*$/)],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(statement(policy, 'ExtraGrant').Effect).toBe('Allow');
  });

  it('applies the policy only after the public access block exists', () => {
    expect(onlyResource(json, 'aws_s3_bucket_policy').depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_public_access_block\./),
    ]);
  });

  it('sends server access logs to the log bucket under its prefix', () => {
    expect(onlyResource(json, 'aws_s3_bucket_logging')).toMatchObject({
      target_bucket: 'log-bucket',
      target_prefix: 'example/',
    });
  });

  it('noncurrentVersionRule expires old versions and aborts stale uploads for the whole bucket', () => {
    expect(noncurrentVersionRule(30, 7)).toEqual({
      id: 'expire-noncurrent-versions',
      status: 'Enabled',
      filter: [{}],
      noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
    });
  });
});
