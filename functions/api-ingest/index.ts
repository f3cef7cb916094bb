/**
 * HTTP API (payload 2.0): `POST /ingest` validates market records and puts the accepted ones on
 * the bus (→ queue → processor), answering 202 with each accepted record's id and per-record
 * rejects; `POST /files` starts a file-workflow run for an object already in the ingest bucket
 * (see `process-file.ts`). The contract is api/openapi.yaml: request envelopes and headers are
 * checked by validators compiled from it (`generated/`), each record by the data path. Bad input
 * is always a 4xx naming the problem; anything unexpected is a 500 carrying only the request id.
 *
 * Retry contract of /ingest (following it never creates a duplicate, with or without a key):
 * a request is identified by its caller and its Idempotency-Key — the caller's, or, when none is
 * sent, one derived from the body (`auto-<hash>`), so the same body sent again is the same
 * request. Records get their ids from that identity and their index. On a 503 or no answer,
 * send the same body again (with the same key, if one was sent): records already queued are
 * stored once. A key sent again with another body gets 409 IdempotencyKeyReused.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, badRequest } from '../lib/runtime/api-errors';
import { API_ROUTES, DETAIL_TYPES } from '../../contract';
import { validateObjects } from '../lib/ingest/data-path';
import { apiRequestIdentity } from '../lib/domain/ids';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { callerOf } from '../lib/runtime/caller';
import { putEvents } from '../lib/aws/event-publisher';
import { bodyText, errorResponse, header, jsonResponse, parseJson, requireMediaType } from '../lib/runtime/http';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import type { ValidationWarning } from '../lib/domain/types';
import { schemaViolation } from '../lib/runtime/schema-violation';
import { validateIdempotencyKey, validateIngestRequest } from './generated/request-validators';

const RECORD_TYPES = ['application/json', 'application/x-ndjson'] as const;

/** One rejected record in a response. */
export interface ApiReject {
  readonly index: number;
  readonly reason: string;
  readonly message: string;
}

/** One accepted record in a response: where it was in the request, and the id it is stored under. */
export interface ApiRecordRef {
  readonly index: number;
  readonly recordId: string;
}

/** A kept record that lost an optional field. */
export interface ApiWarning {
  readonly index: number;
  readonly field: ValidationWarning['field'];
  readonly warning: ValidationWarning['warning'];
  readonly message: string;
}

/** Body of the /ingest answer (202, or 422 when nothing was accepted). */
export interface IngestResponseBody {
  readonly accepted: number;
  readonly rejected: number;
  /** The request's Idempotency-Key: the caller's, or the one derived from the body. */
  readonly idempotencyKey: string;
  readonly records: ApiRecordRef[];
  readonly rejects: ApiReject[];
  readonly warnings: ApiWarning[];
}

/** A piece of output text, queued between the values still to serialise. */
class Text {
  constructor(readonly text: string) {}
}

/**
 * Canonical JSON of a parsed body (object keys sorted, no whitespace): the same records sent
 * again, re-serialised, hash the same. Iterative, so a hostile body nested 100 000 levels deep
 * costs time, not the stack.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const work: unknown[] = [value];
  while (work.length > 0) {
    const next = work.pop();
    if (next instanceof Text) {
      out.push(next.text);
    } else if (Array.isArray(next)) {
      work.push(new Text(']'));
      for (let i = next.length - 1; i >= 0; i--) work.push(next[i] as unknown, new Text(i > 0 ? ',' : ''));
      work.push(new Text('['));
    } else if (next !== null && typeof next === 'object') {
      const keys = Object.keys(next).sort();
      work.push(new Text('}'));
      for (let i = keys.length - 1; i >= 0; i--) {
        work.push((next as Record<string, unknown>)[keys[i]]);
        work.push(new Text(`${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`));
      }
      work.push(new Text('{'));
    } else {
      out.push(JSON.stringify(next) ?? 'null');
    }
  }
  return out.join('');
}

/** SHA-256 (hex) of the canonical JSON of the request's records. */
export function bodyHashOf(records: readonly unknown[]): string {
  return createHash('sha256').update(canonicalJson(records), 'utf8').digest('hex');
}

/**
 * The records of an /ingest body: one record object, an array, `{ "records": [...] }`, or
 * NDJSON (one object per line), checked against the document's `IngestRequest`.
 * @throws ApiError 400 for an unusable shape or invalid JSON, 413 beyond `maxRecords`.
 */
export function recordsOfBody(text: string, type: string, maxRecords: number): unknown[] {
  const value =
    type === 'application/x-ndjson'
      ? text
          .split('\n')
          .map((line, i) => ({ line: line.trim(), i }))
          .filter(({ line }) => line.length > 0)
          .map(({ line, i }) => parseJson(line, `Line ${i + 1} of the body`))
      : parseJson(text);
  if (!validateIngestRequest(value)) {
    // Every shape that fails only on `minItems` is a list of records that is empty.
    if (validateIngestRequest.errors?.some((error) => error.keyword === 'minItems'))
      throw badRequest('NoRecords', 'The body contains no records');
    throw badRequest('InvalidBody', 'The body must be a record object, an array of records, or {"records": [...]}');
  }
  const records: unknown[] = Array.isArray(value)
    ? value
    : 'records' in (value as object)
      ? (value as { records: unknown[] }).records
      : [value];
  if (records.length > maxRecords) {
    throw new ApiError(
      413,
      'TooManyRecords',
      `The body contains ${records.length} records; at most ${maxRecords} are accepted per request`,
      { maxRecords },
    );
  }
  return records;
}

async function ingest(event: APIGatewayProxyEventV2, requestId: string): Promise<APIGatewayProxyStructuredResultV2> {
  const type = requireMediaType(event, RECORD_TYPES);
  const objects = recordsOfBody(bodyText(event, env.maxBodyBytes()), type, env.maxRecordsPerRequest());
  const sentKey = header(event, 'idempotency-key');
  if (sentKey !== undefined && !validateIdempotencyKey(sentKey)) {
    throw schemaViolation(validateIdempotencyKey.errors, 'Idempotency-Key', 'InvalidIdempotencyKey');
  }
  const bodyHash = bodyHashOf(objects);
  // Without a key, the body is the request's identity: sending it again is a retry.
  const idempotencyKey = sentKey ?? `auto-${bodyHash.slice(0, 32)}`;
  const request = apiRequestIdentity(callerOf(event), idempotencyKey);
  const result = validateObjects(objects, {
    source: { kind: 'api', uri: request.uri },
    originRegion: pipelineRegion(),
  });
  const rejects: ApiReject[] = result.rejects.map((r) => ({ index: r.line, reason: r.reason, message: r.message }));
  const warnings: ApiWarning[] = result.warnings.map((w) => ({
    index: w.line,
    field: w.field,
    warning: w.warning,
    message: w.message,
  }));
  const records: ApiRecordRef[] = result.records.map((r) => ({ index: r.source.line, recordId: r.recordId }));
  const body: IngestResponseBody = {
    accepted: records.length,
    rejected: rejects.length,
    idempotencyKey,
    records,
    rejects,
    warnings,
  };
  count(METRIC.recordsRejected, rejects.length);
  if (records.length === 0) {
    // Readable, but nothing in it is usable: 422, with the reason of every record. Nothing was
    // accepted, so nothing binds the key: the caller may fix the body and reuse it.
    return jsonResponse(422, {
      error: 'NoValidRecords',
      message: 'No record in the request is valid',
      ...body,
      requestId,
    });
  }
  if (sentKey !== undefined) {
    // Loaded on first use: only requests with a key need the DynamoDB client, so the others do
    // not pay for loading it at cold start.
    const { claimRequestKey, REQUEST_KEY_TTL_HOURS } = await import('../lib/store/request-keys');
    const claim = await claimRequestKey(env.tableName(), request, bodyHash, requestId);
    if (claim.kind === 'reused') {
      throw new ApiError(
        409,
        'IdempotencyKeyReused',
        `Idempotency-Key ${JSON.stringify(sentKey)} was used by this caller for another body ` +
          `(request ${claim.requestId} at ${claim.firstSeenAt}); a key names one request for ` +
          `${REQUEST_KEY_TTL_HOURS} hours: use a new key for new records`,
      );
    }
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
    const failed = new Set(outcome.failed.map((f) => f.index));
    throw new ApiError(
      503,
      'EventsNotAccepted',
      `${failed.size} of ${records.length} valid records could not be queued. Send the same body again ` +
        `with Idempotency-Key ${JSON.stringify(idempotencyKey)}: the records already queued are stored ` +
        'once (or send only the records listed in resend)',
      {
        idempotencyKey,
        queued: records.filter((_, i) => !failed.has(i)),
        resend: records.filter((_, i) => failed.has(i)),
        rejects,
      },
    );
  }
  count(METRIC.recordsAccepted, records.length);
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
