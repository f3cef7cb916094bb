import { Testing } from 'cdktf';
import { BootstrapStack, stateBuckets } from '../../stacks/bootstrap-stack';
import { parsePolicy, resourcesOf, synthJson, testConfig, type TerraformJson } from './fixtures';

const dev = testConfig({}, 'dev');
const prod = testConfig({}, 'prod');

/** The resources of `type` that belong to the bucket named `bucket` (by the bucket's Terraform id). */
function ofBucket(json: TerraformJson, type: string, bucket: string): Record<string, unknown>[] {
  const [id] = Object.entries(json.resource?.aws_s3_bucket ?? {}).find(([, b]) => b.bucket === bucket) ?? [];
  if (!id) throw new Error(`no bucket ${bucket}`);
  return resourcesOf(json, type).filter((r) => r.bucket === `\${aws_s3_bucket.${id}.id}`);
}

describe('BootstrapStack', () => {
  const stack = new BootstrapStack(Testing.app(), 'bootstrap', { configs: [dev, prod] });
  const json = synthJson(stack);
  const buckets = resourcesOf(json, 'aws_s3_bucket');

  it('creates each state bucket once, in its region, also when both environments share them', () => {
    expect(buckets.map((b) => [b.bucket, b.provider]).sort()).toEqual([
      ['market-data-terraform-state', 'aws'],
      ['market-data-terraform-state-us-west-2', 'aws.us-west-2'],
    ]);
    expect(json.provider?.aws).toEqual([
      expect.objectContaining({ region: 'us-east-1' }),
      expect.objectContaining({ region: 'us-west-2', alias: 'us-west-2' }),
    ]);
  });

  it('makes every state bucket versioned, encrypted, TLS-only, private and undeletable by terraform destroy', () => {
    for (const bucket of buckets) {
      const name = bucket.bucket as string;
      expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
      expect(ofBucket(json, 'aws_s3_bucket_versioning', name)).toEqual([
        expect.objectContaining({ versioning_configuration: { status: 'Enabled' } }),
      ]);
      expect(ofBucket(json, 'aws_s3_bucket_server_side_encryption_configuration', name)).toEqual([
        expect.objectContaining({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] }),
      ]);
      expect(ofBucket(json, 'aws_s3_bucket_public_access_block', name)).toEqual([
        expect.objectContaining({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        }),
      ]);
      const [policy] = ofBucket(json, 'aws_s3_bucket_policy', name);
      expect(parsePolicy(policy.policy).Statement).toEqual([
        expect.objectContaining({
          Effect: 'Deny',
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]);
      expect(ofBucket(json, 'aws_s3_bucket_lifecycle_configuration', name)).toEqual([
        expect.objectContaining({
          rule: [expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 365 }] })],
        }),
      ]);
    }
  });

  it('keeps its own state in the primary state bucket it creates, under its own key', () => {
    expect(json.terraform?.backend?.s3).toEqual({
      bucket: 'market-data-terraform-state',
      region: 'us-east-1',
      key: 'bootstrap.tfstate',
      encrypt: true,
      use_lockfile: true,
    });
  });

  it('outputs every bucket name', () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual([
      'state_bucket_market_data_terraform_state',
      'state_bucket_market_data_terraform_state_us_west_2',
    ]);
  });
});

describe('stateBuckets', () => {
  it('lists the buckets of every environment with the environments using each', () => {
    const separate = testConfig({ environments: { prod: { stateBucket: 'prod-state' } } }, 'prod');
    expect(stateBuckets([dev, separate])).toEqual([
      { bucketName: 'market-data-terraform-state', region: 'us-east-1', environments: ['dev'] },
      { bucketName: 'market-data-terraform-state-us-west-2', region: 'us-west-2', environments: ['dev', 'prod'] },
      { bucketName: 'prod-state', region: 'us-east-1', environments: ['prod'] },
    ]);
  });

  it('refuses one bucket name in two regions (S3 names are global)', () => {
    const elsewhere = testConfig({ environments: { prod: { stateRegion: 'eu-west-1' } } }, 'prod');
    expect(() => stateBuckets([dev, elsewhere])).toThrow(
      'stateRegion = "eu-west-1" (from environment prod); allowed: us-east-1, where dev already keep(s) ' +
        'state bucket market-data-terraform-state (bucket names are global)',
    );
  });
});
