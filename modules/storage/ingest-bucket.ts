/**
 * The ingest bucket of one region: files land under `incoming/`; the file workflow writes
 * `staged/`, `rejected/` and `quarantine/`. Object-created notifications for each accepted
 * suffix invoke the file-trigger function.
 */
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { Construct } from 'constructs';
import { INGEST_SUFFIXES, KEY_PREFIX } from '../../contract';
import type { AccessLogTarget } from './secure-bucket';
import { SecureBucket, noncurrentVersionRule } from './secure-bucket';
import type { FunctionHandle } from '../compute/function-handle';

/** Props of {@link IngestBucket}. */
export interface IngestBucketProps {
  readonly bucketName: string;
  /** Account id (the Lambda permission is scoped to buckets of this account). */
  readonly accountId: string;
  /** Function invoked for every created object under `incoming/` with an accepted suffix. */
  readonly trigger: FunctionHandle;
  /** KMS key for default encryption. Default: SSE-S3. */
  readonly kmsKeyArn?: string;
  /** Days after which noncurrent versions expire. Default 30. */
  readonly noncurrentVersionDays?: number;
  /** Days after which incomplete multipart uploads are aborted. Default 7. */
  readonly abortMultipartDays?: number;
  /** Days staged chunks are kept (the workflow needs them only while it runs). Default 7. */
  readonly stagedDays?: number;
  /** Server access logging target. Default: not logged. */
  readonly accessLogs?: AccessLogTarget;
}

/** Ingest bucket with its notification to the file-trigger function. */
export class IngestBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: IngestBucketProps) {
    super(scope, id);
    const bucket = new SecureBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      kmsKeyArn: props.kmsKeyArn,
      accessLogs: props.accessLogs,
      lifecycleRules: [
        noncurrentVersionRule(props.noncurrentVersionDays ?? 30, props.abortMultipartDays ?? 7),
        {
          id: 'expire-staged-chunks',
          status: 'Enabled',
          filter: [{ prefix: KEY_PREFIX.staged }],
          expiration: [{ days: props.stagedDays ?? 7 }],
        },
      ],
    });
    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.bucketArn;

    const permission = new LambdaPermission(this, 'InvokeTrigger', {
      statementId: 'AllowIngestBucketNotifications',
      action: 'lambda:InvokeFunction',
      functionName: props.trigger.functionName,
      principal: 's3.amazonaws.com',
      sourceArn: bucket.bucketArn,
      sourceAccount: props.accountId,
    });
    // The function only triggers on what the workflow accepts; its own writes (staged/, ...) never re-trigger it.
    new S3BucketNotification(this, 'Notification', {
      bucket: bucket.bucketId,
      lambdaFunction: INGEST_SUFFIXES.map((suffix) => ({
        id: `incoming${suffix.replaceAll('.', '-')}`,
        lambdaFunctionArn: props.trigger.arn,
        events: ['s3:ObjectCreated:*'],
        filterPrefix: KEY_PREFIX.incoming,
        filterSuffix: suffix,
      })),
      dependsOn: [permission],
    });
  }
}
