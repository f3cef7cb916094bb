/**
 * The ingest API: an API Gateway HTTP API (apigatewayv2) in front of the `api-ingest` function.
 *
 * Why an HTTP API and not a REST API: it has a native JWT authorizer (issuer + audience, no
 * authorizer function to run) besides IAM (SigV4) auth, stage throttling and JSON access logs,
 * at lower latency and cost. HTTP APIs have no request validators or models, so request
 * validation (JSON content type, body shape, `fileName` + `processingType`, body size) is done
 * by the `api-ingest` handler, which answers 4xx naming the problem (413 above `MAX_BODY_BYTES`).
 * API Gateway itself caps HTTP API payloads at 10 MB.
 */
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import { ConfigError, resourceName, type PipelineConfig } from '../../../config';
import { API_ROUTES } from '../../../contract';
import type { FunctionHandle } from '../function-handle';
import { accessLogFormat } from './access-log-format';

export * from './access-log-format';

/** The configuration keys the API is built from. */
export type IngestApiConfig = Pick<
  PipelineConfig,
  | 'namePrefix'
  | 'env'
  | 'apiAuth'
  | 'jwtIssuer'
  | 'jwtAudience'
  | 'apiThrottleBurst'
  | 'apiThrottleRate'
  | 'logRetentionDays'
>;

/** Props of {@link IngestApi}. */
export interface IngestApiProps {
  /** Naming, authorisation (`apiAuth`, with `jwtIssuer` and `jwtAudience`), throttling and log retention. */
  readonly config: IngestApiConfig;
  /** Region this copy of the API serves (shown in its description). */
  readonly region: string;
  /** The `api-ingest` function serving every route (its timeout bounds the integration's). */
  readonly handler: FunctionHandle;
  /** KMS key ARN encrypting the access log group. Default: CloudWatch Logs' own encryption. */
  readonly kmsKeyArn?: string;
}

/** The one stage: its name is part of every URL users call. */
export const INGEST_API_STAGE = 'prod';

/** API Gateway's upper bound on an HTTP API integration timeout. */
export const MAX_INTEGRATION_TIMEOUT_MS = 30_000;

/**
 * An HTTP API with authorised `POST /ingest` and `POST /files` routes, a throttled `prod` stage
 * and JSON access logs.
 */
export class IngestApi extends Construct {
  /** API id. */
  readonly apiId: string;
  /** Base endpoint, `https://<id>.execute-api.<region>.amazonaws.com`. */
  readonly apiEndpoint: string;
  /** Invoke URL of the stage: `<apiEndpoint>/prod`. */
  readonly url: string;
  /** Stage name (`prod`). */
  readonly stageName: string = INGEST_API_STAGE;
  /** Log group receiving the access logs. */
  readonly accessLogGroupName: string;
  /**
   * Execution ARN (`arn:aws:execute-api:<region>:<account>:<id>`), the prefix of IAM resource
   * ARNs for callers' policies.
   */
  readonly executionArn: string;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    const { config, region, handler, kmsKeyArn } = props;
    const name = resourceName(config, 'api');

    const api = new Apigatewayv2Api(this, 'Api', {
      name,
      protocolType: 'HTTP',
      description: `Market-data ingest API (${config.env}, ${region}): POST /ingest, POST /files`,
    });

    const integration = new Apigatewayv2Integration(this, 'Integration', {
      apiId: api.id,
      integrationType: 'AWS_PROXY',
      integrationMethod: 'POST',
      integrationUri: handler.invokeArn,
      payloadFormatVersion: '2.0',
      timeoutMilliseconds: integrationTimeoutMs(handler.timeoutSeconds),
    });

    const authorizer = config.apiAuth === 'jwt' ? this.jwtAuthorizer(config, api.id) : undefined;
    // Every route carries authorisation; there is deliberately no $default (catch-all) route,
    // so any other method or path gets API Gateway's 404 without reaching the function.
    const routes = Object.entries(API_ROUTES).map(
      ([key, routeKey]) =>
        new Apigatewayv2Route(this, `Route-${key}`, {
          apiId: api.id,
          routeKey,
          target: `integrations/${integration.id}`,
          authorizationType: authorizer ? 'JWT' : 'AWS_IAM',
          authorizerId: authorizer?.id,
        }),
    );

    const accessLogs = new CloudwatchLogGroup(this, 'AccessLogs', {
      name: `/aws/apigateway/${name}/${INGEST_API_STAGE}`,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: kmsKeyArn,
    });

    new Apigatewayv2Stage(this, 'Stage', {
      apiId: api.id,
      name: INGEST_API_STAGE,
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingBurstLimit: config.apiThrottleBurst,
        throttlingRateLimit: config.apiThrottleRate,
        detailedMetricsEnabled: true,
      },
      accessLogSettings: { destinationArn: accessLogs.arn, format: accessLogFormat() },
      // With auto-deploy, the first deployment must already contain the routes.
      dependsOn: routes,
    });

    // Grants: API Gateway may invoke the handler only through the two routes of this stage.
    for (const [key, routeKey] of Object.entries(API_ROUTES)) {
      new LambdaPermission(this, `Invoke-${key}`, {
        functionName: handler.functionName,
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        sourceArn: `${api.executionArn}/${INGEST_API_STAGE}/${routeArnPath(routeKey)}`,
      });
    }

    this.apiId = api.id;
    this.apiEndpoint = api.apiEndpoint;
    this.url = `${api.apiEndpoint}/${INGEST_API_STAGE}`;
    this.accessLogGroupName = accessLogs.name;
    this.executionArn = api.executionArn;
  }

  /** JWT authorizer validating the bearer token's issuer, audience and expiry. */
  private jwtAuthorizer(config: IngestApiConfig, apiId: string): Apigatewayv2Authorizer {
    // loadConfig already enforces these in jwt mode; repeated so a hand-built config cannot slip through.
    if (!config.jwtIssuer)
      throw new ConfigError(
        'jwtIssuer',
        config.jwtIssuer,
        'an https:// issuer URL (required when apiAuth is jwt)',
        'IngestApi',
      );
    if (config.jwtAudience.length === 0)
      throw new ConfigError(
        'jwtAudience',
        config.jwtAudience,
        'one or more audiences (required when apiAuth is jwt)',
        'IngestApi',
      );
    return new Apigatewayv2Authorizer(this, 'JwtAuthorizer', {
      apiId,
      name: resourceName(config, 'api-jwt'),
      authorizerType: 'JWT',
      identitySources: ['$request.header.Authorization'],
      jwtConfiguration: { issuer: config.jwtIssuer, audience: [...config.jwtAudience] },
    });
  }
}

/**
 * How long API Gateway waits for the function: one second longer than the function may run, so
 * the function's own timeout (logged, traced, alarmed) ends a slow request rather than the
 * gateway, capped at API Gateway's 30 s maximum.
 * @throws ConfigError when the function may run 30 s or more: the gateway would give up while
 * the function keeps working, and the client's retry would race the first attempt.
 */
export function integrationTimeoutMs(functionTimeoutSeconds: number): number {
  const maxSeconds = MAX_INTEGRATION_TIMEOUT_MS / 1000 - 1;
  if (functionTimeoutSeconds > maxSeconds) {
    throw new ConfigError(
      'functions.api-ingest.timeoutSeconds',
      functionTimeoutSeconds,
      `an integer from 1 to ${maxSeconds} ` +
        `(HTTP API integrations time out after ${MAX_INTEGRATION_TIMEOUT_MS / 1000} s)`,
      'IngestApi',
    );
  }
  return (functionTimeoutSeconds + 1) * 1000;
}

/** `POST /ingest` → `POST/ingest`, the method/path tail of an execute-api ARN. */
export function routeArnPath(routeKey: string): string {
  const [method, path] = routeKey.split(' ');
  if (!method || !path?.startsWith('/')) throw new Error(`Not an HTTP API route key: "${routeKey}"`);
  return `${method}${path}`;
}
