import { Testing } from 'cdktf';
import { GlobalStack } from '../../stacks/global-stack';
import { onlyResource, resourcesOf, synthJson, testConfig } from './fixtures';

describe('GlobalStack', () => {
  const stack = new GlobalStack(Testing.app(), 'global-prod', { config: testConfig({}, 'prod') });
  const json = synthJson(stack);

  it('keeps its state under its own key with encryption and native S3 locking', () => {
    expect(json.terraform?.backend?.s3).toEqual({
      bucket: 'market-data-terraform-state',
      region: 'us-east-1',
      key: 'prod/global.tfstate',
      encrypt: true,
      use_lockfile: true,
    });
  });

  it('has a primary provider and an aliased DR provider, both tagging every resource', () => {
    const providers = json.provider?.aws ?? [];
    expect(providers).toEqual([
      expect.objectContaining({ region: 'us-east-1' }),
      expect.objectContaining({ region: 'us-west-2', alias: 'dr' }),
    ]);
    for (const p of providers) {
      expect(p.default_tags).toEqual([
        { tags: { Environment: 'prod', Project: 'market-data-pipeline', ManagedBy: 'cdktf' } },
      ]);
    }
  });

  it('creates one rotating data key per region, the DR one through the DR provider', () => {
    const keys = resourcesOf(json, 'aws_kms_key');
    expect(keys).toHaveLength(2);
    expect(keys.map((k) => k.provider).sort()).toEqual(['aws', 'aws.dr']);
    for (const key of keys) expect(key.enable_key_rotation).toBe(true);
    expect(resourcesOf(json, 'aws_kms_alias').map((a) => a.name)).toEqual([
      'alias/market-data-data-prod',
      'alias/market-data-data-prod',
    ]);
  });

  it('creates the global table in the primary region with its replica encrypted by the DR key', () => {
    const table = onlyResource(json, 'aws_dynamodb_table');
    expect(table.provider).toBe('aws');
    expect(table.name).toBe('market-data-pipeline-prod');
    expect(table.server_side_encryption).toEqual({
      enabled: true,
      kms_key_arn: expect.stringMatching(/PrimaryDataKey/),
    });
    expect(table.replica).toEqual([
      expect.objectContaining({ region_name: 'us-west-2', kms_key_arn: expect.stringMatching(/DrDataKey/) }),
    ]);
  });

  it('outputs the table, its streams per region and the key ARNs', () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual(
      [
        'dr_key_arn',
        'dr_stream_arn',
        'primary_key_arn',
        'primary_stream_arn',
        'replica_table_arn',
        'table_arn',
        'table_name',
      ].sort(),
    );
  });
});
