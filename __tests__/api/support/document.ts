/** The API document (api/openapi.yaml) as the tests read it: parsed, with `$ref`s resolved on demand. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { parse } from 'yaml';

export const DOCUMENT_PATH = join(__dirname, '..', '..', '..', 'api', 'openapi.yaml');

/** The parts of an OpenAPI document the tests look at (loosely typed: the document is data). */
export interface Example {
  readonly summary?: string;
  readonly value: unknown;
  readonly 'x-request'?: ExampleRequest;
}
/** How to produce a response example with one request (`x-request` of an example). */
export interface ExampleRequest {
  readonly operation: string;
  readonly contentType?: string;
  readonly body?: unknown;
  /** A body of this many bytes instead of `body`. */
  readonly bodyBytes?: number;
}
export interface MediaType {
  readonly schema: Record<string, unknown>;
  readonly examples?: Record<string, Example>;
  readonly example?: unknown;
}
export interface Response {
  readonly description: string;
  readonly content?: Record<string, MediaType>;
  readonly headers?: Record<string, unknown>;
}
export interface Operation {
  readonly operationId: string;
  readonly parameters?: { $ref: string }[];
  readonly requestBody: { content: Record<string, MediaType> };
  readonly responses: Record<string, Response | { $ref: string }>;
  readonly security?: Record<string, string[]>[];
}
export interface ApiDocument {
  readonly openapi: string;
  readonly 'x-limits': Record<string, number>;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly security: Record<string, string[]>[];
  readonly components: {
    readonly schemas: Record<string, Record<string, unknown>>;
    readonly securitySchemes: Record<string, Record<string, unknown>>;
    readonly parameters: Record<string, Record<string, unknown> & { example?: string }>;
    readonly responses: Record<string, Response>;
  };
}

export const apiDocument = parse(readFileSync(DOCUMENT_PATH, 'utf8')) as ApiDocument;

/** Every operation: `POST /ingest` → operation. */
export function operations(document: ApiDocument = apiDocument): Map<string, Operation> {
  const found = new Map<string, Operation>();
  for (const [path, methods] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(methods)) found.set(`${method.toUpperCase()} ${path}`, operation);
  return found;
}

/** A response, following a `#/components/responses/...` reference. */
export function resolveResponse(response: Response | { $ref: string }, document = apiDocument): Response {
  if (!('$ref' in response)) return response;
  const name = response.$ref.replace('#/components/responses/', '');
  return document.components.responses[name];
}

const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
ajv.addSchema({
  $id: 'doc',
  $defs: JSON.parse(
    JSON.stringify(apiDocument.components.schemas).replace(/#\/components\/schemas\//g, 'doc#/$defs/'),
  ) as Record<string, unknown>,
});

/** A validator of a schema of the document (inline or `$ref`). */
export function schemaValidator(schema: Record<string, unknown>): ValidateFunction {
  return ajv.compile(JSON.parse(JSON.stringify(schema).replace(/#\/components\/schemas\//g, 'doc#/$defs/')) as object);
}
