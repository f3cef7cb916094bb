/**
 * Secure defaults shared by every bucket of the pipeline, in one visible place: versioning,
 * default encryption, all four public-access blocks, owner-enforced object ownership (no ACLs),
 * a TLS-only bucket policy, optional server access logging and lifecycle rules.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import * as serverSideEncryption from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { PolicyDocument, denyInsecureTransport, type PolicyStatement } from '../iam/policy-document';

/** Where a bucket sends its server access logs. */
export interface AccessLogTarget {
  /** Target bucket name. */
  readonly bucketName: string;
  /** Key prefix inside the target, e.g. `ingest/`. */
  readonly prefix: string;
}

/** Props of {@link SecureBucket}. */
export interface SecureBucketProps {
  /** Bucket name (globally unique: carries the region). */
  readonly bucketName: string;
  /**
   * Customer KMS key for default encryption (`aws:kms` with an S3 bucket key, which cuts KMS
   * requests). Default: SSE-S3 (`AES256`).
   */
  readonly kmsKeyArn?: string;
  /** Lifecycle rules. Default none. */
  readonly lifecycleRules?: S3BucketLifecycleConfigurationRule[];
  /** Server access logging target. Default: not logged. */
  readonly accessLogs?: AccessLogTarget;
  /** Provider of every resource (a stack with one provider per region). Default: the stack's default provider. */
  readonly provider?: TerraformProvider;
}

/** A private, versioned, encrypted, TLS-only bucket. */
export class SecureBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  /** Bucket id (name) as a Terraform reference, for resources that must wait for the bucket. */
  readonly bucketId: string;
  /** The bucket policy; constructs add service grants to it before synth. */
  readonly policy: PolicyDocument;
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'Bucket', { bucket: props.bucketName, provider: props.provider });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.bucketId = this.bucket.id;

    new S3BucketVersioningA(this, 'Versioning', {
      provider: props.provider,
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new serverSideEncryption.S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      provider: props.provider,
      bucket: this.bucket.id,
      rule: [
        props.kmsKeyArn
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      provider: props.provider,
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'Ownership', {
      provider: props.provider,
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });

    this.policy = new PolicyDocument(`bucket ${props.bucketName}`);
    this.policy.add(denyInsecureTransport('s3:*', [this.bucket.arn, `${this.bucket.arn}/*`]));
    // The public access block must exist first, or S3 may evaluate the policy against an open bucket.
    new S3BucketPolicy(this, 'Policy', {
      provider: props.provider,
      bucket: this.bucket.id,
      policy: this.policy.toJson(),
      dependsOn: [publicAccess],
    });

    if (props.lifecycleRules && props.lifecycleRules.length > 0) {
      new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
        provider: props.provider,
        bucket: this.bucket.id,
        rule: props.lifecycleRules,
      });
    }
    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'AccessLogs', {
        provider: props.provider,
        bucket: this.bucket.id,
        targetBucket: props.accessLogs.bucketName,
        targetPrefix: props.accessLogs.prefix,
      });
    }
  }

  /** Adds a statement to the bucket policy (checked for least privilege). */
  addPolicyStatement(statement: PolicyStatement): void {
    this.policy.add(statement);
  }
}

/** Lifecycle rule: delete noncurrent versions after `days` and abort stale multipart uploads. */
export function noncurrentVersionRule(days: number, abortMultipartDays: number): S3BucketLifecycleConfigurationRule {
  return {
    id: 'expire-noncurrent-versions',
    status: 'Enabled',
    filter: [{}],
    noncurrentVersionExpiration: [{ noncurrentDays: days }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortMultipartDays }],
  };
}
