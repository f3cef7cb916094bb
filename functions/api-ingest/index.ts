/**
 * HTTP API (payload 2.0): `POST /ingest` validates market records and puts the accepted ones on
 * the bus (→ queue → processor), answering 202 with per-record rejects; `POST /files` starts a
 * file-workflow run for an object already in the ingest bucket. Bad input is always a 4xx
 * naming the problem; anything unexpected is a 500 carrying only the request id.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, badRequest } from '../shared/api-errors';
import { API_ROUTES, DETAIL_TYPES, type FileWorkflowInput, INGEST_SUFFIXES, KEY_PREFIX, PROCESSING_TYPES, type ProcessingType } from '../shared/contract';
import { validateObjects } from '../shared/data-path';
import { env, pipelineRegion } from '../shared/environment';
import { putEvents } from '../shared/event-publisher';
import { fileIdFor, requestedExecutionName } from '../shared/file-ids';
import { bodyText, errorResponse, header, jsonResponse, parseJson, requireMediaType } from '../shared/http';
import { count, instrumented, logger, METRIC } from '../shared/observability';
import { headObject } from '../shared/s3-objects';
import { startFileExecution } from '../shared/workflow-starter';

/** Most records one request may carry (more → 413: split the request). */
export const MAX_RECORDS_PER_REQUEST = 1000;
const JSON_TYPES = ['application/json'] as const;
const RECORD_TYPES = ['application/json', 'application/x-ndjson'] as const;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;
const FILE_NAME_MAX_BYTES = 1024;

/** One rejected record in a response. */
export interface ApiReject {
  readonly index: number;
  readonly reason: string;
  readonly message: string;
}

/** Body of the /ingest answer (202, or 400 when nothing was accepted). */
export interface IngestResponseBody {
  readonly accepted: number;
  readonly rejected: number;
  readonly rejects: ApiReject[];
}

/**
 * The records of an /ingest body: one record object, an array, `{ "records": [...] }`, or
 * NDJSON (one object per line).
 * @throws ApiError 400 for an unusable shape or invalid JSON, 413 beyond MAX_RECORDS_PER_REQUEST.
 */
export function recordsOfBody(text: string, type: string): unknown[] {
  let records: unknown[];
  if (type === 'application/x-ndjson') {
    records = text
      .split('\n')
      .map((line, i) => ({ line: line.trim(), i }))
      .filter(({ line }) => line.length > 0)
      .map(({ line, i }) => parseJson(line, `Line ${i + 1} of the body`));
  } else {
    const value = parseJson(text);
    if (Array.isArray(value)) records = value;
    else if (value !== null && typeof value === 'object' && Array.isArray((value as { records?: unknown }).records)) records = (value as { records: unknown[] }).records;
    else if (value !== null && typeof value === 'object' && !('records' in value)) records = [value];
    else throw badRequest('InvalidBody', 'The body must be a record object, an array of records, or {"records": [...]}');
  }
  if (records.length === 0) throw badRequest('NoRecords', 'The body contains no records');
  if (records.length > MAX_RECORDS_PER_REQUEST) {
    throw new ApiError(413, 'TooManyRecords', `The body contains ${records.length} records; at most ${MAX_RECORDS_PER_REQUEST} are accepted per request`, { maxRecords: MAX_RECORDS_PER_REQUEST });
  }
  return records;
}

/**
 * The object key a /files request names: under `incoming/` (the prefix is optional in the
 * request), relative, without `..` segments or control characters, with a supported suffix.
 * @throws ApiError 400 naming what is wrong.
 */
export function ingestKeyOf(fileName: unknown): string {
  if (typeof fileName !== 'string' || fileName.length === 0) throw badRequest('InvalidFileName', 'fileName must be a non-empty string');
  if (Buffer.byteLength(fileName) > FILE_NAME_MAX_BYTES) throw badRequest('InvalidFileName', `fileName must be at most ${FILE_NAME_MAX_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(fileName)) throw badRequest('InvalidFileName', 'fileName must not contain control characters');
  if (fileName.startsWith('/') || fileName.includes('\\')) throw badRequest('InvalidFileName', 'fileName must be a relative key with forward slashes');
  if (fileName.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    throw badRequest('InvalidFileName', 'fileName must not contain empty, "." or ".." path segments');
  }
  const key = fileName.startsWith(KEY_PREFIX.incoming) ? fileName : `${KEY_PREFIX.incoming}${fileName}`;
  if (!INGEST_SUFFIXES.some((suffix) => key.endsWith(suffix))) throw badRequest('InvalidFileName', `fileName must end with ${INGEST_SUFFIXES.join(' or ')}`);
  return key;
}

/** The processing type of a /files request. @throws ApiError 400 naming the allowed values. */
export function processingTypeOf(value: unknown): ProcessingType {
  if (typeof value === 'string' && (PROCESSING_TYPES as readonly string[]).includes(value)) return value as ProcessingType;
  throw badRequest('InvalidProcessingType', `processingType must be one of ${PROCESSING_TYPES.join(', ')}; got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
}

async function ingest(event: APIGatewayProxyEventV2, requestId: string): Promise<APIGatewayProxyStructuredResultV2> {
  const type = requireMediaType(event, RECORD_TYPES);
  const objects = recordsOfBody(bodyText(event, env.maxBodyBytes()), type);
  const idempotencyKey = header(event, 'idempotency-key');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw badRequest('InvalidIdempotencyKey', 'Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 _ . : -');
  }
  // Records without a tradeId get their id from source + index: with an Idempotency-Key, a
  // retried request produces the same ids, so it overwrites instead of duplicating.
  const result = validateObjects(objects, { source: { kind: 'api', uri: `api://${idempotencyKey ?? requestId}` }, originRegion: pipelineRegion() });
  const rejects: ApiReject[] = result.rejects.map((r) => ({ index: r.line, reason: r.reason, message: r.message }));
  const body: IngestResponseBody = { accepted: result.records.length, rejected: rejects.length, rejects };
  count(METRIC.recordsRejected, rejects.length);
  if (result.records.length === 0) {
    return jsonResponse(400, { error: 'NoValidRecords', message: 'No record in the request is valid', ...body, requestId });
  }
  const outcome = await putEvents(
    result.records.map((record) => ({ detailType: DETAIL_TYPES.marketRecord, detail: record })),
    { busName: env.eventBusName(), maxAttempts: 4, concurrency: 5 },
  );
  count(METRIC.eventsPublished, outcome.published);
  if (outcome.failed.length > 0) {
    logger.error('Accepted records not put on the bus', { failed: outcome.failed.length, errorCode: outcome.failed[0].errorCode });
    throw new ApiError(503, 'EventsNotAccepted', `${outcome.failed.length} of ${result.records.length} valid records could not be queued; retry the request`, {
      failed: outcome.failed.length,
      queued: outcome.published,
      rejected: rejects.length,
      rejects,
    });
  }
  count(METRIC.recordsAccepted, result.records.length);
  logger.info('Records accepted', { accepted: body.accepted, rejected: body.rejected });
  return jsonResponse(202, body);
}

async function processFile(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  requireMediaType(event, JSON_TYPES);
  const value = parseJson(bodyText(event, env.maxBodyBytes()));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('InvalidBody', 'The body must be {"fileName": "...", "processingType": "..."}');
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
  const input: FileWorkflowInput = { bucket, key, versionId: object.versionId, size: object.size, processingType, requestedAt: new Date().toISOString() };
  const execution = await startFileExecution(env.stateMachineArn(), requestedExecutionName(fileId, processingType), input);
  if (!execution.alreadyStarted) count(METRIC.executionsStarted);
  logger.info('File processing requested', { fileId, key, versionId: object.versionId, processingType, alreadyStarted: execution.alreadyStarted });
  return jsonResponse(execution.alreadyStarted ? 200 : 202, {
    executionArn: execution.executionArn,
    fileId,
    key,
    versionId: object.versionId,
    processingType,
    status: execution.alreadyStarted ? 'ALREADY_STARTED' : 'STARTED',
  });
}

/** `POST /ingest` style route key of the request (from routeKey, or method + path for $default). */
export function routeOf(event: APIGatewayProxyEventV2): string {
  if (event.routeKey && event.routeKey !== '$default') return event.routeKey;
  const path = event.rawPath ?? '';
  return `${event.requestContext?.http?.method ?? ''} ${path.replace(/^\/[^/]+(?=\/(ingest|files)$)/, '')}`;
}

/** HTTP API handler of `POST /ingest` and `POST /files`. */
export const handler = instrumented(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const requestId = event.requestContext?.requestId ?? 'unknown';
  try {
    switch (routeOf(event)) {
      case API_ROUTES.ingest:
        return await ingest(event, requestId);
      case API_ROUTES.processFile:
        return await processFile(event);
      default:
        throw new ApiError(404, 'RouteNotFound', `No route ${routeOf(event)}; use ${Object.values(API_ROUTES).join(' or ')}`);
    }
  } catch (error) {
    if (error instanceof ApiError) {
      if (error.statusCode >= 500) logger.warn('Request refused', { code: error.code, requestId });
      return errorResponse(error, requestId);
    }
    logger.error('Unexpected error', { requestId, error: error as Error });
    return jsonResponse(500, { error: 'InternalError', message: 'The request could not be processed', requestId });
  }
});
