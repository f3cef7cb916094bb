/**
 * The global stack of one environment: what exists once per environment and spans regions.
 * The primary provider creates the table and the primary data key; the aliased DR provider
 * creates the DR data key (the replica itself is managed through the table's `replica` block).
 */
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { PipelineConfig } from '../config';
import { DataKey } from '../modules/storage/data-key';
import { PipelineTable } from '../modules/storage/pipeline-table';
import { awsProvider, declareTerraformRequirements, useS3Backend } from './foundation';

/** Props of {@link GlobalStack}. */
export interface GlobalStackProps {
  readonly config: PipelineConfig;
}

/** State key of the global stack. */
export const globalStateKey = (config: PipelineConfig): string => `${config.env}/global.tfstate`;

/** Table + replica and one data key per region. */
export class GlobalStack extends TerraformStack {
  readonly table: PipelineTable;
  readonly primaryKey: DataKey;
  readonly drKey: DataKey;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id);
    const { config } = props;
    declareTerraformRequirements(this);
    useS3Backend(this, { bucket: config.stateBucket, region: config.stateRegion, key: globalStateKey(config) });
    const primary = awsProvider(this, 'aws', config, config.primaryRegion);
    const dr = awsProvider(this, 'aws-dr', config, config.drRegion, 'dr');

    this.primaryKey = new DataKey(this, 'PrimaryDataKey', { config, region: config.primaryRegion, provider: primary });
    this.drKey = new DataKey(this, 'DrDataKey', { config, region: config.drRegion, provider: dr });
    this.table = new PipelineTable(this, 'PipelineTable', {
      config,
      provider: primary,
      kmsKeyArn: this.primaryKey.keyArn,
      replica: { region: config.drRegion, kmsKeyArn: this.drKey.keyArn },
    });

    new TerraformOutput(this, 'table_name', {
      value: this.table.tableName,
      description: 'Name of the global table (same in both regions)',
    });
    new TerraformOutput(this, 'table_arn', {
      value: this.table.tableArn,
      description: `ARN of the table in ${config.primaryRegion}`,
    });
    new TerraformOutput(this, 'replica_table_arn', {
      value: this.table.replicaArn,
      description: `ARN of the replica in ${config.drRegion}`,
    });
    new TerraformOutput(this, 'primary_stream_arn', {
      value: this.table.streamArn,
      description: `Table stream in ${config.primaryRegion}`,
    });
    new TerraformOutput(this, 'dr_stream_arn', {
      value: this.table.replicaStreamArn,
      description: `Table stream in ${config.drRegion}`,
    });
    new TerraformOutput(this, 'primary_key_arn', {
      value: this.primaryKey.keyArn,
      description: `Data key in ${config.primaryRegion}`,
    });
    new TerraformOutput(this, 'dr_key_arn', {
      value: this.drKey.keyArn,
      description: `Data key in ${config.drRegion}`,
    });
  }
}
