/**
 * What every stack of the app has: an S3 backend with native locking and its own state key,
 * and AWS providers carrying the default tags.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, type TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { defaultTags, type PipelineConfig } from '../config';

/** Where one stack keeps its state. */
export interface StateLocation {
  readonly bucket: string;
  readonly region: string;
  /** Object key, unique per stack: `<env>/<stack>.tfstate`. */
  readonly key: string;
}

/**
 * S3 backend, encrypted, with S3-native locking. cdktf 0.21's `S3Backend` has no
 * `useLockfile` option, so the flag is set by override.
 */
export function useS3Backend(stack: TerraformStack, state: StateLocation): void {
  new S3Backend(stack, { bucket: state.bucket, region: state.region, key: state.key, encrypt: true });
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}

/** AWS provider for `region` tagging every taggable resource with `defaultTags(config)`. */
export function awsProvider(
  scope: Construct,
  id: string,
  config: PipelineConfig,
  region: string,
  alias?: string,
): AwsProvider {
  return new AwsProvider(scope, id, { region, alias, defaultTags: [{ tags: defaultTags(config) }] });
}
