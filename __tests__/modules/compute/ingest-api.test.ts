import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Testing, TerraformOutput, TerraformVariable } from 'cdktf';
import { ConfigError, loadConfig, type PipelineConfig, type RawContext } from '../../../config';
import { API_ROUTES } from '../../../contract';
import { ACCESS_LOG_FIELDS, IngestApi, integrationTimeoutMs, routeArnPath } from '../../../modules/compute/ingest-api';
import type { FunctionHandle } from '../../../modules/compute/function-handle';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

interface Synthesized {
  json: string;
  resources: Resources;
  outputs: Record<string, { value: string }>;
  /** `setEnvironment` a mock property (not a method), so the tests can read it unbound. */
  handler: Omit<FunctionHandle, 'setEnvironment'> & { setEnvironment: jest.Mock };
  stageName: string;
}

const JWT_CONTEXT: RawContext = {
  apiAuth: 'jwt',
  jwtIssuer: 'https://auth.example.com/',
  jwtAudience: ['market-data-ingest', 'market-data-ops'],
};

function synth(config: PipelineConfig = loadConfig('dev', {}, {}), kmsKeyArn?: string): Synthesized {
  let handler!: Synthesized['handler'];
  let stageName = '';
  const json = Testing.synthScope((scope) => {
    handler = {
      name: 'api-ingest',
      functionName: new TerraformVariable(scope, 'function_name', { type: 'string' }).stringValue,
      arn: 'unused-arn',
      invokeArn: new TerraformVariable(scope, 'invoke_arn', { type: 'string' }).stringValue,
      roleName: 'unused-role',
      timeoutSeconds: config.functions['api-ingest'].timeoutSeconds,
      reservedConcurrency: config.functions['api-ingest'].reservedConcurrency,
      allow: jest.fn(),
      setEnvironment: jest.fn(),
    };
    const api = new IngestApi(scope, 'IngestApi', { config, region: 'us-east-1', handler, kmsKeyArn });
    stageName = api.stageName;
    new TerraformOutput(scope, 'api_id', { value: api.apiId });
    new TerraformOutput(scope, 'endpoint', { value: api.apiEndpoint });
    new TerraformOutput(scope, 'url', { value: api.url });
    new TerraformOutput(scope, 'access_logs', { value: api.accessLogGroupName });
  });
  const parsed = JSON.parse(json) as { resource: Resources; output: Synthesized['outputs'] };
  return { json, resources: parsed.resource, outputs: parsed.output, handler, stageName };
}

function all(s: Synthesized, type: string): Record<string, unknown>[] {
  return Object.values(s.resources[type] ?? {});
}

function only(s: Synthesized, type: string): Record<string, unknown> {
  const found = all(s, type);
  expect(found).toHaveLength(1);
  return found[0];
}

const iam = synth();
const jwt = synth(loadConfig('dev', JWT_CONTEXT, {}));

describe('IngestApi', () => {
  it('is an HTTP API named after the environment', () => {
    expect(iam.json).toHaveResourceWithProperties(Apigatewayv2Api, {
      name: 'market-data-api-dev',
      protocol_type: 'HTTP',
    });
  });

  it('every route requires authorisation (iam mode)', () => {
    const routes = all(iam, Apigatewayv2Route.tfResourceType);
    expect(routes.map((r) => r.route_key).sort()).toEqual(Object.values(API_ROUTES).sort());
    for (const route of routes) {
      expect(route.authorization_type).toBe('AWS_IAM');
      expect(route.target).toMatch(/^integrations\/\$\{aws_apigatewayv2_integration\.\w+\.id\}$/);
    }
    expect(iam.json).not.toHaveResource(Apigatewayv2Authorizer);
  });

  it('has no unauthenticated and no catch-all route in either mode', () => {
    for (const s of [iam, jwt]) {
      for (const route of all(s, Apigatewayv2Route.tfResourceType)) {
        expect(['AWS_IAM', 'JWT']).toContain(route.authorization_type);
        expect(route.route_key).not.toBe('$default');
      }
    }
  });

  it('jwt mode uses the configured issuer and audience', () => {
    expect(jwt.json).toHaveResourceWithProperties(Apigatewayv2Authorizer, {
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
      jwt_configuration: expect.objectContaining({
        issuer: 'https://auth.example.com/',
        audience: ['market-data-ingest', 'market-data-ops'],
      }),
    });
    const routes = all(jwt, Apigatewayv2Route.tfResourceType);
    expect(routes).toHaveLength(Object.keys(API_ROUTES).length);
    for (const route of routes) {
      expect(route.authorization_type).toBe('JWT');
      expect(route.authorizer_id).toMatch(/^\$\{aws_apigatewayv2_authorizer\.\w+\.id\}$/);
    }
  });

  it('refuses jwt mode without an issuer or audience', () => {
    const base = loadConfig('dev', JWT_CONTEXT, {});
    expect(() => synth({ ...base, jwtIssuer: undefined })).toThrow(ConfigError);
    expect(() => synth({ ...base, jwtAudience: [] })).toThrow(/jwtAudience/);
  });

  it('stage prod throttles with the configured burst and rate', () => {
    const tuned = synth(loadConfig('dev', { apiThrottleBurst: 50, apiThrottleRate: 25 }, {}));
    expect(tuned.json).toHaveResourceWithProperties(Apigatewayv2Stage, {
      name: 'prod',
      auto_deploy: true,
      default_route_settings: expect.objectContaining({
        throttling_burst_limit: 50,
        throttling_rate_limit: 25,
        detailed_metrics_enabled: true,
      }),
    });
    expect(iam.json).toHaveResourceWithProperties(Apigatewayv2Stage, {
      default_route_settings: expect.objectContaining({ throttling_burst_limit: 200, throttling_rate_limit: 100 }),
    });
    expect(iam.stageName).toBe('prod');
  });

  it('deploys the stage only once the routes exist', () => {
    const stage = only(iam, Apigatewayv2Stage.tfResourceType);
    expect(stage.depends_on).toHaveLength(Object.keys(API_ROUTES).length);
    for (const dep of stage.depends_on as string[]) expect(dep).toMatch(/^aws_apigatewayv2_route\./);
  });

  it('access logs are JSON and kept for the configured retention', () => {
    const short = synth(loadConfig('dev', { logRetentionDays: 30 }, {}));
    const group = only(short, CloudwatchLogGroup.tfResourceType);
    expect(group).toMatchObject({ name: '/aws/apigateway/market-data-api-dev/prod', retention_in_days: 30 });
    expect(group).not.toHaveProperty('kms_key_id');
    const settings = only(short, Apigatewayv2Stage.tfResourceType).access_log_settings as {
      destination_arn: string;
      format: string;
    };
    expect(settings.destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.\w+\.arn\}$/);
    const format = JSON.parse(settings.format) as Record<string, string>;
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    for (const field of [
      'requestId',
      'ip',
      'requestTime',
      'httpMethod',
      'routeKey',
      'status',
      'protocol',
      'responseLength',
      'integrationErrorMessage',
      'authorizerError',
    ]) {
      expect(format[field]).toMatch(/^\$context\.[\w.]+$/);
    }
  });

  it('encrypts the access logs with the KMS key when given', () => {
    const key = 'arn:aws:kms:us-east-1:key/example';
    expect(synth(loadConfig('dev', {}, {}), key).json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      kms_key_id: key,
    });
  });

  it("proxies every route to the handler with payload format 2.0 and a timeout beyond the function's", () => {
    expect(iam.json).toHaveResourceWithProperties(Apigatewayv2Integration, {
      integration_type: 'AWS_PROXY',
      integration_method: 'POST',
      integration_uri: '${var.invoke_arn}',
      payload_format_version: '2.0',
      timeout_milliseconds: 30_000, // api-ingest runs at most 29 s by default
    });
    const shorter = synth(loadConfig('dev', { functions: { 'api-ingest': { timeoutSeconds: 10 } } }, {}));
    expect(shorter.json).toHaveResourceWithProperties(Apigatewayv2Integration, { timeout_milliseconds: 11_000 });
  });

  it('refuses an api-ingest timeout the gateway cannot wait for, naming the key', () => {
    expect(() => integrationTimeoutMs(30)).toThrow(/functions\.api-ingest\.timeoutSeconds = 30/);
    expect(() => synth(loadConfig('dev', { functions: { 'api-ingest': { timeoutSeconds: 60 } } }, {}))).toThrow(
      ConfigError,
    );
  });

  it('lets API Gateway invoke the handler only through the two routes of the prod stage', () => {
    const permissions = all(iam, LambdaPermission.tfResourceType);
    expect(permissions).toHaveLength(2);
    for (const permission of permissions) {
      expect(permission).toMatchObject({
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        function_name: '${var.function_name}',
      });
    }
    expect(
      permissions
        .map((p) => (p.source_arn as string).replace(/^\$\{aws_apigatewayv2_api\.\w+\.execution_arn\}/, '<api>'))
        .sort(),
    ).toEqual(['<api>/prod/POST/files', '<api>/prod/POST/ingest']);
  });

  it('sets no environment on the handler: every variable is set once, in stacks/function-permissions.ts', () => {
    expect(iam.handler.setEnvironment).not.toHaveBeenCalled();
  });

  it('exposes the id, endpoint, stage URL and access log group', () => {
    expect(iam.outputs.api_id.value).toMatch(/^\$\{aws_apigatewayv2_api\.\w+\.id\}$/);
    expect(iam.outputs.endpoint.value).toMatch(/^\$\{aws_apigatewayv2_api\.\w+\.api_endpoint\}$/);
    expect(iam.outputs.url.value).toMatch(/^\$\{aws_apigatewayv2_api\.\w+\.api_endpoint\}\/prod$/);
    expect(iam.outputs.access_logs.value).toMatch(/^\$\{aws_cloudwatch_log_group\.\w+\.name\}$/);
  });

  it('turns a route key into the method/path of an execute-api ARN', () => {
    expect(routeArnPath('POST /ingest')).toBe('POST/ingest');
    expect(() => routeArnPath('$default')).toThrow(/route key/);
  });
});
