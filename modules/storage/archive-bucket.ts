/**
 * The archive/audit bucket of one region: every original file version (`originals/<key>/<file
 * id>`) and its lineage record (`lineage/<file id>.json`) are kept here, each version under its
 * own key. Nothing in it ever expires, current or noncurrent: originals only move to cheaper
 * storage classes as they age, since they are read rarely after the first weeks (an audit, a
 * replay) and Glacier Instant Retrieval still answers in milliseconds.
 */
import { Construct } from 'constructs';
import type { AccessLogTarget } from './secure-bucket';
import { SecureBucket } from './secure-bucket';
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
  /** Days before an incomplete multipart upload is aborted. Default 7. */
  readonly abortMultipartDays?: number;
  /** Server access logging target. Default: not logged. */
  readonly accessLogs?: AccessLogTarget;
}

/** Private, versioned, encrypted archive of originals and lineage. No version of anything in it ever expires. */
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
        {
          // Only unfinished uploads are cleaned up; no object version of the archive expires.
          id: 'abort-incomplete-uploads',
          status: 'Enabled',
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortMultipartDays ?? 7 }],
        },
        {
          id: 'tier-originals',
          status: 'Enabled',
          filter: [{ prefix: ARCHIVE_PREFIX.originals }],
          transition: [
            { days: props.infrequentAccessDays ?? 30, storageClass: 'STANDARD_IA' },
            { days: props.glacierDays ?? 90, storageClass: 'GLACIER_IR' },
          ],
          // Versions an identical retry of the archive step left behind move down too.
          noncurrentVersionTransition: [
            { noncurrentDays: props.infrequentAccessDays ?? 30, storageClass: 'STANDARD_IA' },
            { noncurrentDays: props.glacierDays ?? 90, storageClass: 'GLACIER_IR' },
          ],
        },
      ],
    });
    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.bucketArn;
  }
}
