/**
 * The Terraform state buckets the other stacks' S3 backends need: `stateBucket` in
 * `stateRegion` and `drStateBucket` in `drStateRegion` of every synthesized environment (each
 * bucket once, also when environments share it). Versioned, encrypted, TLS-only, public access
 * blocked, protected from `terraform destroy`.
 *
 * Its backend is the primary state bucket (key `bootstrap.tfstate`), which does not exist before
 * the first apply: that one runs with a local-backend override file, then the state is migrated
 * into the bucket it created (README, "Bootstrap"). Deployed by hand, never by the deploy workflow.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ConfigError, ConfigErrors, defaultTags, type PipelineConfig } from '../config';
import { SecureBucket, noncurrentVersionRule } from '../modules/storage/secure-bucket';
import { declareTerraformRequirements, useS3Backend } from './foundation';

/** Id of the bootstrap stack (deployed by name, never by a glob that matches the pipeline's stacks). */
export const BOOTSTRAP_STACK = 'bootstrap';

/** State key of the bootstrap stack in the primary state bucket. */
export const BOOTSTRAP_STATE_KEY = 'bootstrap.tfstate';

/** Days a replaced state version is kept (state history for recovery). */
const STATE_HISTORY_DAYS = 365;

/** Props of {@link BootstrapStack}. */
export interface BootstrapStackProps {
  /** Configurations of the environments whose state buckets to create. */
  readonly configs: readonly PipelineConfig[];
}

/** One state bucket: its name, its region and the environments that keep state in it. */
export interface StateBucketSpec {
  readonly bucketName: string;
  readonly region: string;
  readonly environments: readonly string[];
}

/**
 * The distinct state buckets of `configs`.
 * @throws ConfigErrors when one bucket name is configured in two regions (S3 names are global).
 */
export function stateBuckets(configs: readonly PipelineConfig[]): StateBucketSpec[] {
  const byName = new Map<string, { region: string; environments: string[] }>();
  for (const config of configs) {
    for (const [bucketName, region, regionKey] of [
      [config.stateBucket, config.stateRegion, 'stateRegion'],
      [config.drStateBucket, config.drStateRegion, 'drStateRegion'],
    ]) {
      const known = byName.get(bucketName);
      if (known && known.region !== region)
        throw new ConfigErrors([
          new ConfigError(
            regionKey,
            region,
            `${known.region}, where ${known.environments.join(', ')} already keep(s) state bucket ${bucketName} ` +
              '(bucket names are global)',
            `environment ${config.env}`,
          ),
        ]);
      if (!known) byName.set(bucketName, { region, environments: [config.env] });
      else if (!known.environments.includes(config.env)) known.environments.push(config.env);
    }
  }
  return [...byName].map(([bucketName, { region, environments }]) => ({ bucketName, region, environments }));
}

/** The state buckets, one provider per region. */
export class BootstrapStack extends TerraformStack {
  readonly buckets: readonly StateBucketSpec[];

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const [first] = props.configs;
    if (!first) throw new Error('BootstrapStack needs at least one environment');
    declareTerraformRequirements(this);
    useS3Backend(this, { bucket: first.stateBucket, region: first.stateRegion, key: BOOTSTRAP_STATE_KEY });
    this.buckets = stateBuckets(props.configs);

    // The buckets serve every environment listed, so the Environment tag names them all.
    const tags = { ...defaultTags(first), Environment: props.configs.map((c) => c.env).join('+') };
    const regions = [...new Set(this.buckets.map((b) => b.region))];
    const providers = new Map(
      regions.map((region, i) => {
        const alias = i === 0 ? undefined : region;
        return [
          region,
          new AwsProvider(this, alias ? `aws-${region}` : 'aws', { region, alias, defaultTags: [{ tags }] }),
        ];
      }),
    );

    for (const spec of this.buckets) {
      const bucket = new SecureBucket(this, `StateBucket-${spec.bucketName}`, {
        bucketName: spec.bucketName,
        lifecycleRules: [noncurrentVersionRule(STATE_HISTORY_DAYS, 7)],
        provider: providers.get(spec.region),
      });
      // Losing a state bucket loses every stack's state: Terraform refuses to plan its deletion.
      bucket.bucket.addOverride('lifecycle.prevent_destroy', true);
      new TerraformOutput(this, `state_bucket_${spec.bucketName.replace(/\W/g, '_')}`, {
        value: bucket.bucketName,
        description: `State bucket in ${spec.region} for ${spec.environments.join(', ')}`,
      });
    }
  }
}
