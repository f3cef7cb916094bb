/**
 * Client errors of the ingest API: each carries the HTTP status and a stable code, and its
 * message names the problem, so a bad request is a 4xx the caller can act on — never a 500.
 */

/** A request the API refuses; `statusCode` is a 4xx (or 503 for temporary refusal). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    /** Stable machine-readable code, e.g. `UnsupportedMediaType`. */
    readonly code: string,
    message: string,
    /** Extra fields merged into the response body. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 400 with `code`. */
export const badRequest = (code: string, message: string, details?: Record<string, unknown>): ApiError =>
  new ApiError(400, code, message, details);
