import type { FunctionName } from '../contract';
import type { LAMBDA_RUNTIMES } from './schema';

export type EnvironmentName = 'dev' | 'prod';
export type ApiAuthMode = 'iam' | 'jwt';
export type S3EncryptionMode = 'sse-s3' | 'kms';
export type LambdaRuntime = (typeof LAMBDA_RUNTIMES)[number];

/** Sizing of one function. */
export interface FunctionSettings {
  /** Memory in MB (bounds: `FUNCTION_SETTING_LIMITS`). */
  readonly memoryMb: number;
  /** Timeout in seconds. */
  readonly timeoutSeconds: number;
  /** Reserved concurrency (0 disables the function; -1 means unreserved). */
  readonly reservedConcurrency: number;
}

/**
 * The resolved, validated configuration of one environment. Each key's variable, default and
 * allowed values are defined once, in `CONFIG_SCHEMA` (config/schema.ts); the README's table is
 * rendered from it.
 */
export interface PipelineConfig {
  /** Environment name; part of every resource name and the `Environment` tag. */
  readonly env: EnvironmentName;
  /** Name prefix: resources are named `<namePrefix>-<resource>-<env>`. */
  readonly namePrefix: string;
  /** Value of the `Project` tag. */
  readonly project: string;
  /** Primary region. */
  readonly primaryRegion: string;
  /** Disaster-recovery region. */
  readonly drRegion: string;
  /** Region that runs the 5-minute schedule (one of the two). */
  readonly activeRegion: string;
  /** S3 bucket holding Terraform state of the global and primary stacks. */
  readonly stateBucket: string;
  /** Region of `stateBucket`. */
  readonly stateRegion: string;
  /** S3 bucket holding the DR regional stack's state, so the DR stack plans while the primary region is down. */
  readonly drStateBucket: string;
  /** Region of `drStateBucket`. */
  readonly drStateRegion: string;
  /** Optional e-mail subscribed to the alerts topic. */
  readonly alertEmail?: string;
  /** API authorisation: `iam` (SigV4) or `jwt`. */
  readonly apiAuth: ApiAuthMode;
  /** JWT issuer URL (required when `apiAuth` is `jwt`). */
  readonly jwtIssuer?: string;
  /** JWT audiences (at least one when `apiAuth` is `jwt`). */
  readonly jwtAudience: readonly string[];
  /** API stage throttling: burst limit. */
  readonly apiThrottleBurst: number;
  /** API stage throttling: steady-state requests per second. */
  readonly apiThrottleRate: number;
  /** Largest accepted request body in bytes (larger gets 413). */
  readonly apiMaxBodyBytes: number;
  /** Most records one `POST /ingest` request may carry (more gets 413). */
  readonly apiMaxRecords: number;
  /** S3 encryption: `sse-s3` or `kms` (customer key per region). */
  readonly s3Encryption: S3EncryptionMode;
  /** Deploy functions into an isolated VPC with endpoints (no NAT). */
  readonly vpc: boolean;
  /** CIDR of the optional VPC. */
  readonly vpcCidr: string;
  /** CloudWatch log retention in days (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /** Lambda runtime of every function (`LAMBDA_RUNTIMES`; the first is what the tests run on). */
  readonly lambdaRuntime: LambdaRuntime;
  /** Records per staged chunk in the file workflow. */
  readonly chunkSize: number;
  /** Per-function sizing. */
  readonly functions: Readonly<Record<FunctionName, FunctionSettings>>;
  /** Chunks the StoreChunks Distributed Map stores at once (child executions in flight). */
  readonly storeConcurrency: number;
  /**
   * Longest a file run may take: then it ends TIMED_OUT (and is compensated), and a file item
   * PROCESSING for longer raises the stuck-files alarm.
   */
  readonly fileWorkflowTimeoutMinutes: number;
}
