/**
 * HTTP API (payload 2.0): `POST /ingest` validates market records and puts the accepted ones on
 * the bus (→ queue → processor), answering 202 with per-record rejects; `POST /files` starts a
 * file-workflow run for an object already in the ingest bucket (see `process-file.ts`). Bad input is always a 4xx
 * naming the problem; anything unexpected is a 500 carrying only the request id.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, badRequest } from '../lib/runtime/api-errors';
import { API_ROUTES, DETAIL_TYPES } from '../../contract';
import { validateObjects } from '../lib/ingest/data-path';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { putEvents } from '../lib/aws/event-publisher';
import { bodyText, errorResponse, header, jsonResponse, parseJson, requireMediaType } from '../lib/runtime/http';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';

/** Most records one request may carry (more → 413: split the request). */
export const MAX_RECORDS_PER_REQUEST = 1000;
const RECORD_TYPES = ['application/json', 'application/x-ndjson'] as const;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

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
    else if (value !== null && typeof value === 'object' && Array.isArray((value as { records?: unknown }).records))
      records = (value as { records: unknown[] }).records;
    else if (value !== null && typeof value === 'object' && !('records' in value)) records = [value];
    else
      throw badRequest('InvalidBody', 'The body must be a record object, an array of records, or {"records": [...]}');
  }
  if (records.length === 0) throw badRequest('NoRecords', 'The body contains no records');
  if (records.length > MAX_RECORDS_PER_REQUEST) {
    throw new ApiError(
      413,
      'TooManyRecords',
      `The body contains ${records.length} records; at most ${MAX_RECORDS_PER_REQUEST} are accepted per request`,
      { maxRecords: MAX_RECORDS_PER_REQUEST },
    );
  }
  return records;
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
  const result = validateObjects(objects, {
    source: { kind: 'api', uri: `api://${idempotencyKey ?? requestId}` },
    originRegion: pipelineRegion(),
  });
  const rejects: ApiReject[] = result.rejects.map((r) => ({ index: r.line, reason: r.reason, message: r.message }));
  const body: IngestResponseBody = { accepted: result.records.length, rejected: rejects.length, rejects };
  count(METRIC.recordsRejected, rejects.length);
  if (result.records.length === 0) {
    return jsonResponse(400, {
      error: 'NoValidRecords',
      message: 'No record in the request is valid',
      ...body,
      requestId,
    });
  }
  const outcome = await putEvents(
    result.records.map((record) => ({ detailType: DETAIL_TYPES.marketRecord, detail: record })),
    { busName: env.eventBusName(), maxAttempts: 4, concurrency: 5 },
  );
  count(METRIC.eventsPublished, outcome.published);
  if (outcome.failed.length > 0) {
    logger.error('Accepted records not put on the bus', {
      failed: outcome.failed.length,
      errorCode: outcome.failed[0].errorCode,
    });
    throw new ApiError(
      503,
      'EventsNotAccepted',
      `${outcome.failed.length} of ${result.records.length} valid records could not be queued; retry the request`,
      {
        failed: outcome.failed.length,
        queued: outcome.published,
        rejected: rejects.length,
        rejects,
      },
    );
  }
  count(METRIC.recordsAccepted, result.records.length);
  logger.info('Records accepted', { accepted: body.accepted, rejected: body.rejected });
  return jsonResponse(202, body);
}

/** `POST /ingest` style route key of the request (from routeKey, or method + path for $default). */
export function routeOf(event: APIGatewayProxyEventV2): string {
  if (event.routeKey && event.routeKey !== '$default') return event.routeKey;
  const path = event.rawPath ?? '';
  return `${event.requestContext?.http?.method ?? ''} ${path.replace(/^\/[^/]+(?=\/(ingest|files)$)/, '')}`;
}

/** HTTP API handler of `POST /ingest` and `POST /files`. */
export const handler = instrumented(
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = event.requestContext?.requestId ?? 'unknown';
    try {
      switch (routeOf(event)) {
        case API_ROUTES.ingest:
          return await ingest(event, requestId);
        case API_ROUTES.processFile: {
          // Loaded on first use: only this route needs the S3 and Step Functions clients, so the
          // high-volume /ingest path does not pay for loading them at cold start.
          const route = await import('./process-file');
          return await route.processFile(event);
        }
        default:
          throw new ApiError(
            404,
            'RouteNotFound',
            `No route ${routeOf(event)}; use ${Object.values(API_ROUTES).join(' or ')}`,
          );
      }
    } catch (error) {
      if (error instanceof ApiError) {
        if (error.statusCode >= 500) logger.warn('Request refused', { code: error.code, requestId });
        return errorResponse(error, requestId);
      }
      logger.error('Unexpected error', { requestId, error: error as Error });
      return jsonResponse(500, { error: 'InternalError', message: 'The request could not be processed', requestId });
    }
  },
);
