/**
 * Target of the S3 server access logs of the ingest and archive buckets. Always SSE-S3: S3
 * server access logging cannot deliver to a bucket whose default encryption is SSE-KMS.
 */
import { Construct } from 'constructs';
import { SecureBucket } from './secure-bucket';

/** Props of {@link AccessLogBucket}. */
export interface AccessLogBucketProps {
  readonly bucketName: string;
  /** Account whose buckets may deliver logs here (aws:SourceAccount). */
  readonly accountId: string;
  /** Days access logs are kept. */
  readonly retentionDays: number;
}

/** A private bucket that only the S3 logging service may write to, under `<source>/` prefixes. */
export class AccessLogBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  private readonly bucket: SecureBucket;
  private readonly accountId: string;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new SecureBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{}],
          expiration: [{ days: props.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    this.bucketName = this.bucket.bucketName;
    this.bucketArn = this.bucket.bucketArn;
    this.accountId = props.accountId;
  }

  /**
   * Lets the S3 logging service deliver the logs of `sourceBucketArn` under `prefix`
   * (bucket-policy grant; ACL grants are disabled by BucketOwnerEnforced).
   */
  acceptLogsFrom(sid: string, sourceBucketArn: string, prefix: string): void {
    this.bucket.addPolicyStatement({
      Sid: sid,
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: ['s3:PutObject'],
      Resource: [`${this.bucket.bucketArn}/${prefix}*`],
      Condition: {
        ArnLike: { 'aws:SourceArn': sourceBucketArn },
        StringEquals: { 'aws:SourceAccount': this.accountId },
      },
    });
  }
}
