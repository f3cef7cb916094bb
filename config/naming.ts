import type { PipelineConfig } from './types';

/** The keys every resource name is built from. */
export type NamingConfig = Pick<PipelineConfig, 'namePrefix' | 'env'>;

/**
 * Resource names: `<namePrefix>-<resource>-<env>`; names that are global (S3 buckets) or must be
 * unique per account across regions (IAM roles) also carry the region.
 */
export function resourceName(config: NamingConfig, resource: string, region?: string): string {
  return region
    ? `${config.namePrefix}-${resource}-${config.env}-${region}`
    : `${config.namePrefix}-${resource}-${config.env}`;
}

/** The table (one name in every region: it is a global table). */
export const tableName = (config: NamingConfig): string => resourceName(config, 'pipeline');
/** Ingest bucket of `region`. */
export const ingestBucketName = (config: NamingConfig, region: string): string =>
  resourceName(config, 'ingest', region);
/** Archive/audit bucket of `region`. */
export const archiveBucketName = (config: NamingConfig, region: string): string =>
  resourceName(config, 'archive', region);
/** Custom event bus (regional resource, same name per region). */
export const eventBusName = (config: NamingConfig): string => resourceName(config, 'events');
/** Processing queue and its DLQ. */
export const processingQueueName = (config: NamingConfig): string => resourceName(config, 'processing');
export const processingDlqName = (config: NamingConfig): string => resourceName(config, 'processing-dlq');
/** File workflow state machine. */
export const stateMachineName = (config: NamingConfig): string => resourceName(config, 'file-workflow');
/** Lambda function name of `fn`. */
export const functionName = (config: NamingConfig, fn: string): string => resourceName(config, fn);
/** SNS topics. */
export const alertsTopicName = (config: NamingConfig): string => resourceName(config, 'alerts');
export const notificationsTopicName = (config: NamingConfig): string => resourceName(config, 'notifications');
/** KMS alias of the per-region data key created by the global stack. */
export const dataKeyAlias = (config: NamingConfig): string => `alias/${resourceName(config, 'data')}`;

/** Tags on every taggable resource (provider default_tags). */
export function defaultTags(config: Pick<PipelineConfig, 'env' | 'project'>): Record<string, string> {
  return { Environment: config.env, Project: config.project, ManagedBy: 'cdktf' };
}
