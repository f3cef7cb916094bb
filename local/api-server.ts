/**
 * `npm run local -- --serve`: the ingest API on 127.0.0.1, in front of the same `api-ingest`
 * handler and the same emulator-backed pipeline as the rest of the local run. It routes as the
 * HTTP API does (only the document's routes reach the function; anything else is API Gateway's
 * 404) and adds one local-only route, `GET /local/bars`, with what the table holds.
 *
 * Not checked locally: SigV4 and JWT (any or no Authorization header is accepted, and every request
 * is made as one local IAM user, so Idempotency-Keys are scoped to that caller) and stage throttling.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_ROUTES } from '../contract';
import { apiGatewayEvent } from './api-gateway-event';
import type { LocalPipeline } from './local-pipeline';
import { countStoredRecords, readBars } from './run-report';

/** The local-only route with the bars so far. */
export const LOCAL_BARS_ROUTE = 'GET /local/bars';
/** API Gateway refuses HTTP API requests above 10 MB before any route is chosen. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Media types API Gateway passes as text; any other body reaches the function base64-encoded. */
const TEXT_MEDIA_TYPES = /^(text\/|application\/(json|x-ndjson|xml|javascript)|[^;]*\+json)/i;

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  readonly pipeline: LocalPipeline;
  /** Port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** One line per request. */
  readonly log?: (message: string) => void;
}

/** A listening server. */
export interface ApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': JSON_TYPE, ...headers });
  response.end(body);
}

/** API Gateway's own answers (`{"message": ...}`). */
function gatewayAnswer(response: ServerResponse, status: number, message: string): void {
  send(response, status, JSON.stringify({ message }));
}

/** The body, or undefined when it is over API Gateway's limit (the rest is drained, not kept). */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= GATEWAY_MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > GATEWAY_MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

/** Request headers as an HTTP API passes them: lower-case names, repeated values joined with commas. */
function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

async function handle(pipeline: LocalPipeline, request: IncomingMessage, response: ServerResponse): Promise<number> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const routeKey = `${request.method ?? 'GET'} ${url.pathname}`;
  if (routeKey === LOCAL_BARS_ROUTE) {
    const { dynamodb } = pipeline.clients;
    const tableName = pipeline.resources.tableName;
    const body = { stored: await countStoredRecords(dynamodb, tableName), bars: await readBars(dynamodb, tableName) };
    send(response, 200, JSON.stringify(body));
    return 200;
  }
  if (!(Object.values(API_ROUTES) as string[]).includes(routeKey)) {
    // Drain the body so the client sees the answer, not a reset connection.
    await readBody(request);
    gatewayAnswer(response, 404, 'Not Found');
    return 404;
  }
  const body = await readBody(request);
  if (body === undefined) {
    gatewayAnswer(response, 413, 'Request Entity Too Large');
    return 413;
  }
  const headers = headersOf(request);
  const text = body.length === 0 || TEXT_MEDIA_TYPES.test(headers['content-type'] ?? '');
  const event = apiGatewayEvent(
    {
      routeKey,
      path: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      body: body.length === 0 ? undefined : text ? body.toString('utf8') : body,
      sourceIp: request.socket.remoteAddress,
      userAgent: headers['user-agent'],
    },
    { accountId: pipeline.resources.accountId },
  );
  const result = await pipeline.invokeApi(event);
  const status = result.statusCode ?? 200;
  const answer = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
  response.writeHead(status, Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])));
  response.end(answer);
  return status;
}

/**
 * Listens on 127.0.0.1 and answers until closed.
 * @throws Error when the port is taken.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { pipeline, log } = options;
  const server: Server = createServer((request, response) => {
    const started = Date.now();
    handle(pipeline, request, response).then(
      (status) => log?.(`${request.method} ${request.url} ${status} (${Date.now() - started} ms)`),
      (error: unknown) => {
        // A handler that throws is a failed invocation: API Gateway answers 500 with its own body.
        log?.(`${request.method} ${request.url} failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!response.headersSent) gatewayAnswer(response, 500, 'Internal Server Error');
        else response.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
