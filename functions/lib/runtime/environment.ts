/**
 * Environment variables of the handlers, read lazily: a handler that never touches the bus
 * does not need EVENT_BUS_NAME, and a missing variable fails the invocation that needs it with
 * a message naming it (instead of a cold-start crash with `undefined` somewhere downstream).
 */
import { ENV } from '../../../contract';

/** A required environment variable is not set on the function. */
export class MissingEnvironmentError extends Error {
  constructor(readonly variable: string) {
    super(`Environment variable ${variable} is not set on this function`);
    this.name = 'MissingEnvironmentError';
  }
}

/** An environment variable is set but its value is not usable. */
export class InvalidEnvironmentError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly allowed: string,
  ) {
    super(`Environment variable ${variable}=${JSON.stringify(value)} is invalid; allowed: ${allowed}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/**
 * The value of `name`.
 * @throws MissingEnvironmentError when it is unset or empty.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new MissingEnvironmentError(name);
  return value;
}

/**
 * A positive integer from `name`. There is no fallback: limits have their defaults in config/ only,
 * and the stacks always set them.
 * @throws MissingEnvironmentError when unset; InvalidEnvironmentError when not a positive integer.
 */
export function positiveIntEnv(name: string): number {
  const value = requireEnv(name);
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidEnvironmentError(name, value, 'a positive integer');
  return Number(value);
}

/**
 * The region this copy of the pipeline runs in (stamped on records as `originRegion`):
 * PIPELINE_REGION, else the Lambda runtime's AWS_REGION.
 */
export function pipelineRegion(): string {
  const value = process.env[ENV.pipelineRegion] || process.env.AWS_REGION;
  if (!value) throw new MissingEnvironmentError(ENV.pipelineRegion);
  return value;
}

/**
 * Every region of the pipeline (PIPELINE_REGIONS, comma-separated), which must include this one.
 * @throws MissingEnvironmentError when unset; InvalidEnvironmentError when malformed.
 */
function pipelineRegions(): string[] {
  const value = requireEnv(ENV.pipelineRegions);
  const regions = value.split(',').map((r) => r.trim());
  const own = pipelineRegion();
  if (regions.some((r) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) || !regions.includes(own))
    throw new InvalidEnvironmentError(ENV.pipelineRegions, value, `comma-separated AWS regions including ${own}`);
  return regions;
}

/** Typed accessors for the variables in `ENV` (each read when called). */
export const env = {
  tableName: (): string => requireEnv(ENV.tableName),
  eventBusName: (): string => requireEnv(ENV.eventBusName),
  ingestBucket: (): string => requireEnv(ENV.ingestBucket),
  archiveBucket: (): string => requireEnv(ENV.archiveBucket),
  stateMachineArn: (): string => requireEnv(ENV.stateMachineArn),
  notificationsTopicArn: (): string => requireEnv(ENV.notificationsTopicArn),
  /** Largest accepted API body in bytes (config `apiMaxBodyBytes`). */
  maxBodyBytes: (): number => positiveIntEnv(ENV.maxBodyBytes),
  /** Most records one API request may carry (config `apiMaxRecords`). */
  maxRecordsPerRequest: (): number => positiveIntEnv(ENV.maxRecordsPerRequest),
  /** Records per staged chunk (config `chunkSize`). */
  chunkSize: (): number => positiveIntEnv(ENV.chunkSize),
  /** Every region of the pipeline, this one included: whose partial bars a reader merges. */
  pipelineRegions,
  /** Longest a file run may take, in minutes (required: the watchdog's notion of "stuck"). */
  fileWorkflowTimeoutMinutes: (): number => positiveIntEnv(ENV.fileWorkflowTimeoutMinutes),
};
