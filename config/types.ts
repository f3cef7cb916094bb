import type { FunctionName } from '../contract';

export type EnvironmentName = 'dev' | 'prod';
export type ApiAuthMode = 'iam' | 'jwt';
export type S3EncryptionMode = 'sse-s3' | 'kms';

/** Sizing of one function. */
export interface FunctionSettings {
  /** Memory in MB (128-10240). */
  readonly memoryMb: number;
  /** Timeout in seconds (1-900). */
  readonly timeoutSeconds: number;
  /** Reserved concurrency (0 disables the function; -1 means unreserved). */
  readonly reservedConcurrency: number;
}

/** The resolved, validated configuration of one environment. Every key is documented in README.md. */
export interface PipelineConfig {
  /** Environment name; part of every resource name and the `Environment` tag. */
  readonly env: EnvironmentName;
  /** Name prefix: resources are named `<namePrefix>-<resource>-<env>`. Default `market-data`. */
  readonly namePrefix: string;
  /** Value of the `Project` tag. Default `market-data-pipeline`. */
  readonly project: string;
  /** Primary region. Default `us-east-1`. */
  readonly primaryRegion: string;
  /** Disaster-recovery region. Default `us-west-2`. */
  readonly drRegion: string;
  /** Region that runs the 5-minute schedule (one of the two). Default: the primary region. */
  readonly activeRegion: string;
  /** S3 bucket holding Terraform state of the global and primary stacks. */
  readonly stateBucket: string;
  /** Region of `stateBucket`. Default: the primary region. */
  readonly stateRegion: string;
  /** S3 bucket holding the DR regional stack's state, so the DR stack plans while the primary region is down. */
  readonly drStateBucket: string;
  /** Region of `drStateBucket`. Default: the DR region. */
  readonly drStateRegion: string;
  /** Optional e-mail subscribed to the alerts topic. */
  readonly alertEmail?: string;
  /** API authorisation: `iam` (SigV4) or `jwt`. Default `iam`. */
  readonly apiAuth: ApiAuthMode;
  /** JWT issuer URL (required when `apiAuth` is `jwt`). */
  readonly jwtIssuer?: string;
  /** JWT audiences (at least one when `apiAuth` is `jwt`). */
  readonly jwtAudience: readonly string[];
  /** API stage throttling: burst limit. Default 200. */
  readonly apiThrottleBurst: number;
  /** API stage throttling: steady-state requests per second. Default 100. */
  readonly apiThrottleRate: number;
  /** Largest accepted request body in bytes (larger gets 413). Default 1 MiB. */
  readonly apiMaxBodyBytes: number;
  /** S3 encryption: `sse-s3` (default) or `kms` (customer key per region). */
  readonly s3Encryption: S3EncryptionMode;
  /** Deploy functions into an isolated VPC with endpoints (no NAT). Default false. */
  readonly vpc: boolean;
  /** CIDR of the optional VPC. Default `10.40.0.0/16`. */
  readonly vpcCidr: string;
  /** CloudWatch log retention in days (a value CloudWatch accepts). Default 365. */
  readonly logRetentionDays: number;
  /** Records per staged chunk in the file workflow. Default 1000. */
  readonly chunkSize: number;
  /** Per-function sizing. */
  readonly functions: Readonly<Record<FunctionName, FunctionSettings>>;
}
