import { TerraformOutput } from 'cdktf';
import { TABLE } from '../../../contract';
import { PipelineTable } from '../../../modules/storage/pipeline-table';
import { onlyResource, synthJson, testConfig, testStack } from '../../stacks/fixtures';

describe('PipelineTable', () => {
  const stack = testStack();
  const table = new PipelineTable(stack, 'Table', {
    config: testConfig(),
    kmsKeyArn: 'arn:primary-key',
    replica: { region: 'us-west-2', kmsKeyArn: 'arn:dr-key' },
  });
  new TerraformOutput(stack, 'replica_stream', { value: table.replicaStreamArn });
  const json = synthJson(stack);
  const resource = onlyResource(json, 'aws_dynamodb_table');

  it('is one on-demand table keyed by pk/sk', () => {
    expect(resource).toMatchObject({
      name: 'market-data-pipeline-dev',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      range_key: 'sk',
    });
    expect(resource.attribute).toEqual(
      expect.arrayContaining([
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
      ]),
    );
  });

  it('has the status and time-series GSIs from the contract', () => {
    expect(resource.global_secondary_index).toEqual([
      expect.objectContaining({
        name: TABLE.statusIndex.name,
        hash_key: 'gsi1pk',
        range_key: 'gsi1sk',
        projection_type: 'ALL',
      }),
      expect.objectContaining({
        name: TABLE.timeSeriesIndex.name,
        hash_key: 'gsi2pk',
        range_key: 'gsi2sk',
        projection_type: 'ALL',
      }),
    ]);
  });

  it('streams new and old images, with PITR, TTL, KMS encryption and deletion protection', () => {
    expect(resource).toMatchObject({
      stream_enabled: true,
      stream_view_type: 'NEW_AND_OLD_IMAGES',
      point_in_time_recovery: { enabled: true },
      ttl: { attribute_name: TABLE.ttl, enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: 'arn:primary-key' },
      deletion_protection_enabled: true,
    });
  });

  it('replicates to the DR region with its own key, PITR and tags', () => {
    expect(resource.replica).toEqual([
      {
        region_name: 'us-west-2',
        kms_key_arn: 'arn:dr-key',
        point_in_time_recovery: true,
        propagate_tags: true,
        deletion_protection_enabled: true,
      },
    ]);
    expect(json.output?.replica_stream.value).toMatch(
      /^\$\{tolist\(aws_dynamodb_table\.\w+\.replica\)\.0\.stream_arn\}$/,
    );
  });
});
