/**
 * The environment variables a deployed function finds, for running handlers and bundles outside
 * Lambda. Values are placeholders: nothing here is used to call AWS.
 */
import { join } from 'node:path';
import { ENV } from '../contract';

/** Lambda-like variables, with NODE_PATH at `root`/node_modules so external `@aws-sdk/*` resolve. */
export function lambdaLikeEnvironment(root: string): Record<string, string> {
  return {
    NODE_PATH: join(root, 'node_modules'),
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: 'bench-init-probe',
    [ENV.pipelineRegion]: 'us-east-1',
    [ENV.pipelineRegions]: 'us-east-1,us-west-2',
    [ENV.tableName]: 'bench-table',
    [ENV.eventBusName]: 'bench-bus',
    [ENV.ingestBucket]: 'bench-ingest',
    [ENV.archiveBucket]: 'bench-archive',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
}
