/**
 * The single pipeline table: on-demand, PK/SK, two sparse GSIs (files by status and late bar
 * changes; partial minute bars as a time series), streams with both images, PITR, TTL,
 * customer-key encryption, deletion protection, and a global-table replica in the DR region.
 */
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { tableName, type NamingConfig } from '../../config';
import { TABLE } from '../../contract';

/** Props of {@link PipelineTable}. */
export interface PipelineTableProps {
  readonly config: NamingConfig;
  /** KMS key of the primary-region table. */
  readonly kmsKeyArn: string;
  /** Replica region and its key. */
  readonly replica: { readonly region: string; readonly kmsKeyArn: string };
  /** Provider of the primary region. Default: the stack's default provider. */
  readonly provider?: AwsProvider;
  /** Refuse deletion through the API. Default true. */
  readonly deletionProtection?: boolean;
}

/** The global table; its name is the same in every region. */
export class PipelineTable extends Construct {
  readonly tableName: string;
  readonly tableArn: string;
  /** Stream of the primary-region table. */
  readonly streamArn: string;
  /** Stream of the replica in the DR region. */
  readonly replicaStreamArn: string;
  readonly replicaArn: string;

  constructor(scope: Construct, id: string, props: PipelineTableProps) {
    super(scope, id);
    const { statusIndex, timeSeriesIndex } = TABLE;
    const table = new DynamodbTable(this, 'Table', {
      provider: props.provider,
      name: tableName(props.config),
      billingMode: 'PAY_PER_REQUEST',
      hashKey: TABLE.partitionKey,
      rangeKey: TABLE.sortKey,
      attribute: [
        TABLE.partitionKey,
        TABLE.sortKey,
        statusIndex.partitionKey,
        statusIndex.sortKey,
        timeSeriesIndex.partitionKey,
        timeSeriesIndex.sortKey,
      ].map((name) => ({ name, type: 'S' })),
      // Sparse: only items carrying the index keys are projected.
      globalSecondaryIndex: [statusIndex, timeSeriesIndex].map((index) => ({
        name: index.name,
        hashKey: index.partitionKey,
        rangeKey: index.sortKey,
        projectionType: 'ALL',
      })),
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      pointInTimeRecovery: { enabled: true },
      ttl: { attributeName: TABLE.ttl, enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      deletionProtectionEnabled: props.deletionProtection ?? true,
      replica: [
        {
          regionName: props.replica.region,
          kmsKeyArn: props.replica.kmsKeyArn,
          pointInTimeRecovery: true,
          propagateTags: true,
          deletionProtectionEnabled: props.deletionProtection ?? true,
        },
      ],
    });
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.streamArn = table.streamArn;
    this.replicaStreamArn = table.replica.get(0).streamArn;
    this.replicaArn = table.replica.get(0).arn;
  }
}
