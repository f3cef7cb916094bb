/**
 * api/openapi.yaml is the single source of the ingest API's contract: the synthesized HTTP API
 * (routes, authorisation, limits, throttling), the contract's lists, and the validators the
 * handler runs must all match it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { generateApiValidators, GENERATED_DIR } from '../../build/api-validators';
import type { RawContext } from '../../config';
import { API_ROUTES, INGEST_SUFFIXES, PROCESSING_TYPES } from '../../contract';
import { DROPPABLE_FIELDS, REASON_CODES, WARNING_CODES } from '../../functions/lib/domain/types';
import { RegionalStack } from '../../stacks/regional-stack';
import { fakeFunctionBundles, resourcesOf, synthJson, testConfig, type TerraformJson } from '../stacks/fixtures';
import { apiDocument, operations } from './support/document';

/** The primary regional stack of `dev` with `context`, as synthesized. */
function regionalStack(context: RawContext = {}): TerraformJson {
  const config = testConfig(context);
  const stack = new RegionalStack(Testing.app(), 'regional-dev-us-east-1', {
    config,
    region: config.primaryRegion,
    bundles: fakeFunctionBundles(),
  });
  stack.prepareStack();
  return synthJson(stack);
}

const JWT_CONTEXT: RawContext = {
  apiAuth: 'jwt',
  jwtIssuer: 'https://auth.example.com/',
  jwtAudience: ['market-data-ingest'],
};
const iam = regionalStack();
const jwt = regionalStack(JWT_CONTEXT);
const schemas = apiDocument.components.schemas;
const property = (schema: string, name: string): Record<string, unknown> =>
  (schemas[schema].properties as Record<string, Record<string, unknown>>)[name];

describe('api/openapi.yaml against the synthesized HTTP API', () => {
  it('documents exactly the routes the HTTP API has, and the contract names', () => {
    const documented = [...operations().keys()].sort();
    expect(documented).toEqual(Object.values(API_ROUTES).sort());
    for (const stack of [iam, jwt]) {
      const routes = resourcesOf(stack, 'aws_apigatewayv2_route').map((route) => route.route_key);
      expect(routes.sort()).toEqual(documented);
    }
  });

  it('requires SigV4 in iam mode, as the document says for every operation', () => {
    expect(apiDocument.components.securitySchemes.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
    for (const route of resourcesOf(iam, 'aws_apigatewayv2_route')) expect(route.authorization_type).toBe('AWS_IAM');
    expect(resourcesOf(iam, 'aws_apigatewayv2_authorizer')).toEqual([]);
  });

  it('requires a bearer JWT from the Authorization header in jwt mode, as the document says', () => {
    expect(apiDocument.components.securitySchemes.jwt).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    const [authorizer] = resourcesOf(jwt, 'aws_apigatewayv2_authorizer');
    expect(authorizer).toMatchObject({
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
    });
    for (const route of resourcesOf(jwt, 'aws_apigatewayv2_route')) expect(route.authorization_type).toBe('JWT');
  });

  it('leaves no operation without authentication: either scheme, whichever the deployment uses', () => {
    expect(apiDocument.security).toEqual([{ sigv4: [] }, { jwt: [] }]);
    for (const operation of operations().values()) expect(operation.security).toBeUndefined();
  });

  it('states the body, record and throttling limits the stack deploys by default', () => {
    const [fn] = resourcesOf(iam, 'aws_lambda_function').filter(
      (f) => f.function_name === 'market-data-api-ingest-dev',
    );
    const variables = (fn.environment as { variables: Record<string, string> }).variables;
    const [stage] = resourcesOf(iam, 'aws_apigatewayv2_stage');
    const routeSettings = stage.default_route_settings as Record<string, number>;
    expect(apiDocument['x-limits']).toEqual({
      maxBodyBytes: Number(variables.MAX_BODY_BYTES),
      maxRecordsPerRequest: Number(variables.MAX_RECORDS_PER_REQUEST),
      throttleBurst: routeSettings.throttling_burst_limit,
      throttleRate: routeSettings.throttling_rate_limit,
    });
  });

  it('puts the stage name in the server URL the stack outputs', () => {
    const [stage] = resourcesOf(iam, 'aws_apigatewayv2_stage');
    expect((apiDocument as unknown as { servers: { url: string }[] }).servers[0].url).toMatch(
      new RegExp(`\\.amazonaws\\.com/${String(stage.name)}$`),
    );
  });
});

describe('api/openapi.yaml against the contract', () => {
  it('accepts exactly the file names whose suffix the bucket notifies on (pattern from INGEST_SUFFIXES)', () => {
    const escaped = INGEST_SUFFIXES.map((suffix) => suffix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    expect(property('FileProcessingRequest', 'fileName').pattern).toBe(`(${escaped.join('|')})$`);
  });

  it('lists the processing types of the contract', () => {
    expect(property('FileProcessingRequest', 'processingType').enum).toEqual([...PROCESSING_TYPES]);
    expect(property('FileRunStarted', 'processingType').enum).toEqual([...PROCESSING_TYPES]);
  });

  it('lists every reason code a record can be rejected with', () => {
    expect(property('Reject', 'reason').enum).toEqual([...REASON_CODES]);
  });

  it('lists every warning a kept record can carry, and the fields it can lose', () => {
    expect(property('Warning', 'warning').enum).toEqual([...WARNING_CODES]);
    expect(property('Warning', 'field').enum).toEqual([...DROPPABLE_FIELDS]);
  });
});

describe('the generated request validators', () => {
  it('are what build/api-validators.ts generates from the current document (run npm run build:api)', () => {
    for (const [name, text] of Object.entries(generateApiValidators()))
      expect(readFileSync(join(GENERATED_DIR, name), 'utf8')).toBe(text);
  });
});
