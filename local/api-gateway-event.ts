/**
 * The event an API Gateway HTTP API (payload format 2.0) hands `api-ingest` for a request: the
 * local run's direct calls and the local HTTP server both build it here, so the handler sees the
 * same shape either way.
 */
import type { APIGatewayEventRequestContextIAMAuthorizer, APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';

/** One HTTP request, as far as API Gateway passes it on. */
export interface HttpRequestParts {
  /** Route key, `POST /ingest`. */
  readonly routeKey: string;
  /** Path as the client sent it (defaults to the route's). */
  readonly path?: string;
  readonly rawQueryString?: string;
  /** Header names in lower case, as HTTP APIs pass them. */
  readonly headers: Record<string, string>;
  /** Text is passed as is; bytes are base64-encoded, as API Gateway does for binary media types. */
  readonly body?: string | Buffer;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

/** The account the emulator's resources live in, and who the (SigV4) authorizer says is calling. */
export interface GatewayContext {
  readonly accountId: string;
  /** IAM principal ARN the authorizer reports. Default: {@link localCaller} of the account. */
  readonly caller?: string;
}

/** The IAM user every local request is made as, unless a caller is named: SigV4 is not checked locally. */
export function localCaller(accountId: string): string {
  return `arn:aws:iam::${accountId}:user/local-run`;
}

/** What API Gateway's IAM (SigV4) authorizer puts in `requestContext.authorizer.iam`. */
function iamAuthorizer(accountId: string, userArn: string): APIGatewayEventRequestContextIAMAuthorizer['iam'] {
  const name = userArn.split('/').pop() ?? 'local-run';
  return {
    accessKey: 'LOCALACCESSKEY',
    accountId,
    callerId: name,
    cognitoIdentity: null,
    principalOrgId: 'o-local',
    userArn,
    userId: name,
  };
}

/** A request id shaped like API Gateway's, unique enough for one machine. */
export function localRequestId(now = new Date()): string {
  return `local-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The payload 2.0 event of `request`, as the stage `prod` of the local "API" sends it. */
export function apiGatewayEvent(
  request: HttpRequestParts,
  gateway: GatewayContext,
): APIGatewayProxyEventV2WithIAMAuthorizer {
  const [method, routePath] = request.routeKey.split(' ');
  const path = request.path ?? routePath;
  const now = new Date();
  const { body } = request;
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: path,
    rawQueryString: request.rawQueryString ?? '',
    headers: request.headers,
    requestContext: {
      accountId: gateway.accountId,
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: request.userAgent ?? 'local-run',
      },
      requestId: localRequestId(now),
      routeKey: request.routeKey,
      stage: 'prod',
      authorizer: { iam: iamAuthorizer(gateway.accountId, gateway.caller ?? localCaller(gateway.accountId)) },
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: Buffer.isBuffer(body) ? body.toString('base64') : body,
    isBase64Encoded: Buffer.isBuffer(body),
  };
}
