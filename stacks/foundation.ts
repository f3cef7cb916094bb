/**
 * What every stack of the app has: the Terraform version it requires, an S3 backend with native
 * locking and its own state key, and AWS providers carrying the default tags.
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
 * Terraform version every stack requires: 1.10 introduced S3-native state locking
 * (`use_lockfile`), which the backends rely on instead of a DynamoDB lock table.
 */
export const TERRAFORM_VERSION_CONSTRAINT = '>= 1.10';

/**
 * Declares what running the stack needs: Terraform {@link TERRAFORM_VERSION_CONSTRAINT}; the AWS
 * provider constraint (the exact version the `@cdktf/provider-aws` bindings were generated for)
 * is written by cdktf itself under `required_providers`.
 */
export function declareTerraformRequirements(stack: TerraformStack): void {
  stack.addOverride('terraform.required_version', TERRAFORM_VERSION_CONSTRAINT);
  // cdktf 0.21's HCL renderer writes the terraform block's plain attributes as a list of their
  // names (`0 = "required_version"`, invalid HCL); restore the attribute in `cdktf synth --hcl`.
  const toHcl = stack.toHclTerraform.bind(stack);
  stack.toHclTerraform = () => {
    const rendered = toHcl();
    return {
      ...rendered,
      hcl: String(rendered.hcl).replace(
        /^(\s*)\d+ = "required_version"$/m,
        `$1required_version = "${TERRAFORM_VERSION_CONSTRAINT}"`,
      ),
    };
  };
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
