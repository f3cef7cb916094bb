/**
 * `POST /files`: start a file-workflow run, with a processing profile, for an object already in
 * the ingest bucket. One run per object version at a time: while another run of the version is
 * in progress the request gets 409 RunInProgress naming that execution. Kept apart from the
 * /ingest path so that only this route loads the S3 and Step Functions clients (the handler
 * imports this module on first use).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, badRequest } from '../lib/runtime/api-errors';
import {
  type FileWorkflowInput,
  hasIngestSuffix,
  INGEST_SUFFIXES,
  KEY_PREFIX,
  PROCESSING_TYPES,
  type ProcessingType,
} from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { fileIdFor, requestedExecutionName } from '../lib/store/file-ids';
import { bodyText, jsonResponse, parseJson, requireMediaType } from '../lib/runtime/http';
import { count, logger, METRIC } from '../lib/runtime/observability';
import { headObject } from '../lib/store/s3-objects';
import { startFileRun } from '../lib/aws/workflow-starter';

const JSON_TYPES = ['application/json'] as const;
const FILE_NAME_MAX_BYTES = 1024;

/**
 * The object key a /files request names: under `incoming/` (the prefix is optional in the
 * request), relative, without `..` segments or control characters, with a supported suffix.
 * @throws ApiError 400 naming what is wrong.
 */
export function ingestKeyOf(fileName: unknown): string {
  if (typeof fileName !== 'string' || fileName.length === 0)
    throw badRequest('InvalidFileName', 'fileName must be a non-empty string');
  if (Buffer.byteLength(fileName) > FILE_NAME_MAX_BYTES)
    throw badRequest('InvalidFileName', `fileName must be at most ${FILE_NAME_MAX_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex -- matching control characters is the point: they are refused
  if (/[\u0000-\u001f\u007f]/.test(fileName))
    throw badRequest('InvalidFileName', 'fileName must not contain control characters');
  if (fileName.startsWith('/') || fileName.includes('\\'))
    throw badRequest('InvalidFileName', 'fileName must be a relative key with forward slashes');
  if (fileName.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    throw badRequest('InvalidFileName', 'fileName must not contain empty, "." or ".." path segments');
  }
  const key = fileName.startsWith(KEY_PREFIX.incoming) ? fileName : `${KEY_PREFIX.incoming}${fileName}`;
  if (!hasIngestSuffix(key))
    throw badRequest(
      'InvalidFileName',
      `fileName must end with ${INGEST_SUFFIXES.slice(0, -1).join(', ')} or ${INGEST_SUFFIXES.at(-1)}`,
    );
  return key;
}

/** The processing type of a /files request. @throws ApiError 400 naming the allowed values. */
export function processingTypeOf(value: unknown): ProcessingType {
  if (typeof value === 'string' && (PROCESSING_TYPES as readonly string[]).includes(value))
    return value as ProcessingType;
  throw badRequest(
    'InvalidProcessingType',
    `processingType must be one of ${PROCESSING_TYPES.join(', ')}; ` +
      `got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
  );
}

/** Handles `POST /files` (body `{fileName, processingType}`). */
export async function processFile(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  requireMediaType(event, JSON_TYPES);
  const value = parseJson(bodyText(event, env.maxBodyBytes()));
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badRequest('InvalidBody', 'The body must be {"fileName": "...", "processingType": "..."}');
  const request = value as { fileName?: unknown; processingType?: unknown };
  const key = ingestKeyOf(request.fileName);
  const processingType = processingTypeOf(request.processingType);
  const bucket = env.ingestBucket();
  const object = await headObject(bucket, key).catch((error: unknown) => {
    // Without s3:ListBucket, S3 answers 403 (not 404) for a missing key; this function may read
    // every key under incoming/, so a 403 here means the object is not there.
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403) return undefined;
    throw error;
  });
  if (!object) throw new ApiError(404, 'FileNotFound', `No object ${key} in the ingest bucket`);
  const fileId = fileIdFor(bucket, key, object.versionId);
  const input: FileWorkflowInput = {
    bucket,
    key,
    versionId: object.versionId,
    size: object.size,
    processingType,
    requestedAt: new Date().toISOString(),
  };
  const runId = requestedExecutionName(fileId, processingType);
  const outcome = await startFileRun(
    { stateMachineArn: env.stateMachineArn(), tableName: env.tableName(), region: pipelineRegion() },
    runId,
    input,
  );
  if (outcome.kind === 'inProgress') {
    count(METRIC.runsInProgress);
    throw new ApiError(
      409,
      'RunInProgress',
      `Version ${object.versionId} of ${key} (file ${fileId}) is being processed by execution ` +
        `${outcome.runId}; request it again when that run has finished`,
      { executionArn: outcome.executionArn, fileId, key, versionId: object.versionId },
    );
  }
  const alreadyStarted = outcome.kind === 'duplicate';
  if (!alreadyStarted) count(METRIC.executionsStarted);
  logger.info('File processing requested', {
    fileId,
    key,
    versionId: object.versionId,
    processingType,
    alreadyStarted,
  });
  return jsonResponse(alreadyStarted ? 200 : 202, {
    executionArn: outcome.executionArn,
    fileId,
    key,
    versionId: object.versionId,
    processingType,
    status: alreadyStarted ? 'ALREADY_STARTED' : 'STARTED',
  });
}
