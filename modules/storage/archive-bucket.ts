/**
 * The archive/audit bucket of one region: every original file (`originals/`) and its lineage
 * record (`lineage/`) are kept here, moving to cheaper storage classes as they age.
 */
import { Construct } from 'constructs';
import type { AccessLogTarget } from './secure-bucket';
import { SecureBucket, noncurrentVersionRule } from './secure-bucket';
import { ARCHIVE_PREFIX } from '../../contract';

/** Props of {@link ArchiveBucket}. */
export interface ArchiveBucketProps {
  readonly bucketName: string;
  /** KMS key for default encryption. Default: SSE-S3. */
  readonly kmsKeyArn?: string;
  /** Days before originals move to STANDARD_IA. Default 30. */
  readonly infrequentAccessDays?: number;
  /** Days before originals move to GLACIER_IR. Default 90. */
  readonly glacierDays?: number;
  /** Days after which noncurrent versions expire. Default 30. */
  readonly noncurrentVersionDays?: number;
  /** Server access logging target. Default: not logged. */
  readonly accessLogs?: AccessLogTarget;
}

/** Private, versioned, encrypted archive of originals and lineage. Nothing in it ever expires. */
export class ArchiveBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    const bucket = new SecureBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      kmsKeyArn: props.kmsKeyArn,
      accessLogs: props.accessLogs,
      lifecycleRules: [
        noncurrentVersionRule(props.noncurrentVersionDays ?? 30, 7),
        {
          id: 'tier-originals',
          status: 'Enabled',
          filter: [{ prefix: ARCHIVE_PREFIX.originals }],
          transition: [
            { days: props.infrequentAccessDays ?? 30, storageClass: 'STANDARD_IA' },
            { days: props.glacierDays ?? 90, storageClass: 'GLACIER_IR' },
          ],
        },
      ],
    });
    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.bucketArn;
  }
}
