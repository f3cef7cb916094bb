/**
 * The access-log line of the ingest API: one JSON object per request, so CloudWatch Logs
 * Insights can filter on any field. Values are HTTP API `$context` variables; no request or
 * response body is ever logged (market data stays out of the logs).
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationErrorMessage: '$context.integrationErrorMessage',
  /** Why API Gateway itself refused the request (throttled, too large, bad route). */
  errorMessage: '$context.error.message',
  /** Why the authorizer refused the request (JWT mode: bad issuer, audience, expiry). */
  authorizerError: '$context.authorizer.error',
  /** The SigV4 caller (IAM mode); empty in JWT mode. */
  callerArn: '$context.identity.userArn',
} as const;

/** The `format` of the stage's access log settings. */
export function accessLogFormat(): string {
  return JSON.stringify(ACCESS_LOG_FIELDS);
}
