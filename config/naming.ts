import type { PipelineConfig } from './types';

/**
 * Resource names: `<namePrefix>-<resource>-<env>`; names that are global (S3 buckets) or must be
 * unique per account across regions (IAM roles) also carry the region.
 */
export function resourceName(
  config: Pick<PipelineConfig, 'namePrefix' | 'env'>,
  resource: string,
  region?: string,
): string {
  return region
    ? `${config.namePrefix}-${resource}-${config.env}-${region}`
    : `${config.namePrefix}-${resource}-${config.env}`;
}

/** The table (one name in every region: it is a global table). */
export const tableName = (config: PipelineConfig): string => resourceName(config, 'pipeline');
/** Ingest bucket of `region`. */
export const ingestBucketName = (config: PipelineConfig, region: string): string =>
  resourceName(config, 'ingest', region);
/** Archive/audit bucket of `region`. */
export const archiveBucketName = (config: PipelineConfig, region: string): string =>
  resourceName(config, 'archive', region);
/** Custom event bus (regional resource, same name per region). */
export const eventBusName = (config: PipelineConfig): string => resourceName(config, 'events');
/** Processing queue and its DLQ. */
export const processingQueueName = (config: PipelineConfig): string => resourceName(config, 'processing');
export const processingDlqName = (config: PipelineConfig): string => resourceName(config, 'processing-dlq');
/** File workflow state machine. */
export const stateMachineName = (config: PipelineConfig): string => resourceName(config, 'file-workflow');
/** Lambda function name of `fn`. */
export const functionName = (config: PipelineConfig, fn: string): string => resourceName(config, fn);
/** SNS topics. */
export const alertsTopicName = (config: PipelineConfig): string => resourceName(config, 'alerts');
export const notificationsTopicName = (config: PipelineConfig): string => resourceName(config, 'notifications');
/** KMS alias of the per-region data key created by the global stack. */
export const dataKeyAlias = (config: PipelineConfig): string => `alias/${resourceName(config, 'data')}`;

/** Tags on every taggable resource (provider default_tags). */
export function defaultTags(config: PipelineConfig): Record<string, string> {
  return { Environment: config.env, Project: config.project, ManagedBy: 'cdktf' };
}
