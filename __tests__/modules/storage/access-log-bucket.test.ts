import { AccessLogBucket } from '../../../modules/storage/access-log-bucket';
import { onlyResource, parsePolicy, statement, synthJson, testStack } from '../../stacks/fixtures';

describe('AccessLogBucket', () => {
  const stack = testStack();
  const logs = new AccessLogBucket(stack, 'Logs', { bucketName: 'log-bucket', accountId: 'acct', retentionDays: 90 });
  logs.acceptLogsFrom('IngestLogs', 'arn:aws:s3:::ingest-bucket', 'ingest/');
  const json = synthJson(stack);

  it('always uses SSE-S3 (S3 cannot deliver access logs to an SSE-KMS bucket)', () => {
    expect(onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
  });

  it('accepts logs only from the S3 logging service, for the named bucket, under its prefix', () => {
    const policy = parsePolicy(onlyResource(json, 'aws_s3_bucket_policy').policy);
    expect(statement(policy, 'IngestLogs')).toEqual({
      Sid: 'IngestLogs',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: ['s3:PutObject'],
      Resource: [expect.stringMatching(/\.arn\}\/ingest\/\*$/)],
      Condition: {
        ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::ingest-bucket' },
        StringEquals: { 'aws:SourceAccount': 'acct' },
      },
    });
    expect(statement(policy, 'DenyInsecureTransport').Effect).toBe('Deny');
  });

  it('expires logs after the retention period', () => {
    expect(onlyResource(json, 'aws_s3_bucket_lifecycle_configuration').rule).toEqual([
      expect.objectContaining({ expiration: [{ days: 90 }], filter: [{}] }),
    ]);
  });
});
