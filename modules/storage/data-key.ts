/**
 * The customer-managed KMS key of one region (created by the global stack, found by alias in
 * the regional stacks). Encrypts the table replica, log groups, topics, queues and, with
 * `s3Encryption: kms`, the buckets. The key policy delegates to IAM in the account and lets
 * only the services that encrypt on the pipeline's behalf use it.
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { dataKeyAlias, type PipelineConfig } from '../../config';
import { PolicyDocument } from '../iam/policy-document';

/** Props of {@link DataKey}. */
export interface DataKeyProps {
  readonly config: Pick<PipelineConfig, 'namePrefix' | 'env' | 'project'>;
  /** Region of the key (its provider must be for this region). */
  readonly region: string;
  /** Provider of `region`. Default: the stack's default provider. */
  readonly provider?: AwsProvider;
  /** Days before a scheduled deletion happens (7-30). Default 30. */
  readonly deletionWindowDays?: number;
}

/** Actions the account root keeps on the key, so IAM policies in the account can use and manage it. */
export const KEY_ACCOUNT_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** A rotating customer key with its alias `config/naming dataKeyAlias`. */
export class DataKey extends Construct {
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName: string;
  readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    const { config, region, provider } = props;
    const identity = new DataAwsCallerIdentity(this, 'Account', { provider });
    const partition = new DataAwsPartition(this, 'Partition', { provider });
    const account = identity.accountId;

    this.policy = new PolicyDocument(`key ${dataKeyAlias(config)} (${region})`, { starMeansThisResource: true })
      .add({
        Sid: 'AccountManagesKeyThroughIam',
        Principal: { AWS: `arn:${partition.partition}:iam::${account}:root` },
        Action: KEY_ACCOUNT_ACTIONS,
        Resource: ['*'],
      })
      .add({
        Sid: 'CloudWatchLogsEncryptsOwnLogGroups',
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:DescribeKey',
        ],
        Resource: ['*'],
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${partition.partition}:logs:${region}:${account}:log-group:*`,
          },
        },
      })
      .add({
        // CloudWatch publishes alarms to the encrypted alerts topic; EventBridge delivers to encrypted queues.
        Sid: 'ServicesDeliverToEncryptedTargets',
        Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: ['*'],
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      });

    const key = new KmsKey(this, 'Key', {
      provider,
      description: `${config.project} ${config.env} data key (${region})`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: this.policy.toJson(),
    });
    this.keyArn = key.arn;
    this.keyId = key.keyId;
    const alias = new KmsAlias(this, 'Alias', { provider, name: dataKeyAlias(config), targetKeyId: key.keyId });
    this.aliasName = alias.name;
  }
}
