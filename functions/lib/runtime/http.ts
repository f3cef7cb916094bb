/**
 * API Gateway HTTP API (payload format 2.0) plumbing: JSON responses with a content-type,
 * header lookup, body decoding (base64) with the size limit enforced on the decoded bytes,
 * media-type checks and JSON parsing with a message that names what broke the JSON.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, badRequest } from './api-errors';

/** A JSON response. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** The response of an `ApiError`, carrying the request id for support. */
export function errorResponse(error: ApiError, requestId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = error.statusCode === 503 ? { 'retry-after': '1' } : {};
  return jsonResponse(
    error.statusCode,
    { error: error.code, message: error.message, ...error.details, requestId },
    headers,
  );
}

/** A request header, case-insensitively (HTTP APIs lower-case them, tests and proxies may not). */
export function header(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Refuses a request whose media type is not one of `allowed` (415).
 * @returns the media type.
 */
export function requireMediaType(event: Pick<APIGatewayProxyEventV2, 'headers'>, allowed: readonly string[]): string {
  const type = mediaType(header(event, 'content-type'));
  if (!allowed.includes(type)) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `Content-Type must be ${allowed.join(' or ')}; got ${type ? JSON.stringify(type) : 'none'}`,
    );
  }
  return type;
}

/**
 * The body as UTF-8 text (base64 decoded when API Gateway encoded it).
 * @throws ApiError 413 when it is larger than `maxBytes`, 400 when it is empty.
 */
export function bodyText(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>, maxBytes: number): string {
  const raw = event.body ?? '';
  // Cheap pre-check on the encoded length so a huge body is refused before decoding it.
  const approx = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) - 2 : raw.length;
  if (approx > maxBytes) throw tooLarge(approx, maxBytes);
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) throw tooLarge(bytes.length, maxBytes);
  if (bytes.length === 0) throw badRequest('EmptyBody', 'The request body is empty');
  return bytes.toString('utf8');
}

function tooLarge(size: number, maxBytes: number): ApiError {
  return new ApiError(413, 'PayloadTooLarge', `The request body is ${size} bytes; the limit is ${maxBytes} bytes`, {
    maxBytes,
  });
}

/**
 * Parses JSON text.
 * @throws ApiError 400 `InvalidJson` quoting the parser's reason (it names the position).
 */
export function parseJson(text: string, what = 'The request body'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's message names the offending token (and quotes a short excerpt); capped so a huge body
    // cannot bloat the answer.
    const reason = (error as Error).message;
    throw badRequest(
      'InvalidJson',
      `${what} is not valid JSON: ${reason.length > 300 ? `${reason.slice(0, 300)}...` : reason}`,
    );
  }
}
