/**
 * Transport and access, read from the synthesized stacks of every configuration: TLS-only
 * resource policies on every bucket, queue and topic; every bucket's public access blocked;
 * nothing invocable or readable by the public; every API route authorised in both auth modes;
 * throttling, access logs and the body-size limit wired; no secrets in function environments.
 */
import { loadConfig, readCdktfContext } from '../../config';
import { API_ROUTES, ENV } from '../../contract';
import { FUNCTION_ENVIRONMENT } from '../../stacks/function-permissions';
import { deployedFunctions } from '../../security/function-wiring';
import { parsePolicyDocument, type PolicyStatement } from '../../security/policy-document';
import {
  allResources,
  parseReference,
  resourcesOfType,
  type AddressedBlock,
  type SynthesizedStack,
  type TerraformJson,
} from '../../security/terraform-json';
import { stacksOf, SYNTH_TIMEOUT_MS, VARIANTS, type VariantName } from './support/synthesized';

interface Scanned {
  readonly variant: VariantName;
  readonly stack: SynthesizedStack;
}

/** The resource policy statements attached to `target` through `policyType.<refKey>`. */
function attachedStatements(
  json: TerraformJson,
  target: AddressedBlock,
  policyType: string,
  refKey: string,
): PolicyStatement[] {
  return resourcesOfType(json, policyType)
    .filter((p) => {
      const ref = parseReference(p.body[refKey]);
      return ref !== undefined && `${ref.type}.${ref.name}` === target.address;
    })
    .flatMap((p) => parsePolicyDocument(p.body.policy, json, p.address));
}

/** True when `statements` deny every request to `resources` that is not made over TLS. */
function deniesInsecureTransport(
  statements: readonly PolicyStatement[],
  service: string,
  resources: readonly string[],
  allowedActions: readonly string[],
): boolean {
  return statements.some(
    (s) =>
      s.effect === 'Deny' &&
      s.principals.includes('*') &&
      s.actions.some((a) => allowedActions.includes(a)) &&
      resources.every((r) => s.resources.includes(r)) &&
      s.conditions.some(
        (c) => c.test === 'Bool' && c.variable === 'aws:SecureTransport' && c.values.includes('false'),
      ) &&
      s.actions.every((a) => a.startsWith(`${service}:`)),
  );
}

describe('transport and access in the synthesized stacks', () => {
  let scanned: Scanned[];
  beforeAll(() => {
    scanned = (['default', 'vpc', 'jwt'] as const).flatMap((variant) =>
      stacksOf(variant).map((stack) => ({ variant, stack })),
    );
  }, SYNTH_TIMEOUT_MS);
  const regional = (): Scanned[] => scanned.filter((s) => /(^|:)regional-/.test(s.stack.name));
  const configOf = (s: Scanned) =>
    loadConfig(/regional-(dev|prod)-/.exec(s.stack.name)![1] as 'dev' | 'prod', readCdktfContext(), {
      ...VARIANTS[s.variant],
    });

  it('denies non-TLS access to every bucket, its objects included', () => {
    for (const { stack } of regional()) {
      const buckets = resourcesOfType(stack.json, 'aws_s3_bucket');
      expect(buckets.length).toBeGreaterThanOrEqual(3);
      for (const bucket of buckets) {
        const arn = `\${${bucket.address}.arn}`;
        const ok = deniesInsecureTransport(
          attachedStatements(stack.json, bucket, 'aws_s3_bucket_policy', 'bucket'),
          's3',
          [arn, `${arn}/*`],
          ['s3:*'],
        );
        expect(`${stack.name} ${String(bucket.body.bucket)} TLS-only: ${ok}`).toMatch(/true$/);
      }
    }
  });

  it('denies non-TLS access to every queue and topic', () => {
    for (const { stack } of regional()) {
      const queues = resourcesOfType(stack.json, 'aws_sqs_queue');
      const topics = resourcesOfType(stack.json, 'aws_sns_topic');
      expect(queues.length).toBeGreaterThanOrEqual(2);
      expect(topics.length).toBe(2);
      for (const queue of queues) {
        const ok = deniesInsecureTransport(
          attachedStatements(stack.json, queue, 'aws_sqs_queue_policy', 'queue_url'),
          'sqs',
          [`\${${queue.address}.arn}`],
          ['sqs:*'],
        );
        expect(`${stack.name} ${String(queue.body.name)} TLS-only: ${ok}`).toMatch(/true$/);
      }
      for (const topic of topics) {
        // SNS's documented TLS-only policy denies Publish (the only data-plane write) over plain HTTP.
        const ok = deniesInsecureTransport(
          attachedStatements(stack.json, topic, 'aws_sns_topic_policy', 'arn'),
          'sns',
          [`\${${topic.address}.arn}`],
          ['sns:*', 'sns:Publish'],
        );
        expect(`${stack.name} ${String(topic.body.name)} TLS-only: ${ok}`).toMatch(/true$/);
      }
    }
  });

  it('blocks all public access on every bucket and enforces bucket-owner object ownership', () => {
    for (const { stack } of regional()) {
      for (const bucket of resourcesOfType(stack.json, 'aws_s3_bucket')) {
        const refersTo = (r: AddressedBlock): boolean => parseReference(r.body.bucket)?.name === bucket.name;
        const blocks = resourcesOfType(stack.json, 'aws_s3_bucket_public_access_block').filter(refersTo);
        expect(
          blocks.map((b) => [
            b.body.block_public_acls,
            b.body.block_public_policy,
            b.body.ignore_public_acls,
            b.body.restrict_public_buckets,
          ]),
        ).toEqual([[true, true, true, true]]);
        const ownership = resourcesOfType(stack.json, 'aws_s3_bucket_ownership_controls').filter(refersTo);
        expect(ownership.map((o) => (o.body.rule as { object_ownership?: string }).object_ownership)).toEqual([
          'BucketOwnerEnforced',
        ]);
      }
      expect(resourcesOfType(stack.json, 'aws_s3_bucket_acl')).toEqual([]);
    }
  });

  it('exposes nothing publicly: no function URLs, no unconditioned invoke permissions, no public Allow', () => {
    for (const { stack } of scanned) {
      expect(resourcesOfType(stack.json, 'aws_lambda_function_url')).toEqual([]);
      for (const perm of resourcesOfType(stack.json, 'aws_lambda_permission')) {
        expect(String(perm.body.principal)).toMatch(/\.amazonaws\.com$/);
        expect(perm.body.source_arn).toEqual(expect.any(String));
      }
      for (const [type, key] of [
        ['aws_s3_bucket_policy', 'policy'],
        ['aws_sqs_queue_policy', 'policy'],
        ['aws_sns_topic_policy', 'policy'],
        ['aws_kms_key', 'policy'],
        ['aws_cloudwatch_log_resource_policy', 'policy_document'],
      ] as const) {
        for (const res of resourcesOfType(stack.json, type)) {
          const publicAllows = parsePolicyDocument(res.body[key], stack.json, res.address).filter(
            (s) => s.effect === 'Allow' && s.principals.includes('*'),
          );
          expect(`${stack.name} ${res.address}: ${publicAllows.length} public allows`).toMatch(/: 0 public allows$/);
        }
      }
    }
  });

  it('authorises every API route with IAM (SigV4) in iam mode', () => {
    const iam = regional().filter((s) => s.variant !== 'jwt');
    expect(iam.length).toBeGreaterThanOrEqual(4);
    for (const s of iam) {
      const routes = resourcesOfType(s.stack.json, 'aws_apigatewayv2_route');
      expect(routes.map((r) => r.body.route_key).sort()).toEqual(Object.values(API_ROUTES).sort());
      for (const route of routes)
        expect([route.body.route_key, route.body.authorization_type]).toEqual([route.body.route_key, 'AWS_IAM']);
      expect(resourcesOfType(s.stack.json, 'aws_apigatewayv2_authorizer')).toEqual([]);
    }
  });

  it('authorises every API route with the configured JWT issuer and audience in jwt mode', () => {
    const jwt = regional().filter((s) => s.variant === 'jwt');
    expect(jwt).toHaveLength(2);
    for (const s of jwt) {
      const [authorizer, ...others] = resourcesOfType(s.stack.json, 'aws_apigatewayv2_authorizer');
      expect(others).toEqual([]);
      expect(authorizer.body).toMatchObject({
        authorizer_type: 'JWT',
        identity_sources: ['$request.header.Authorization'],
        jwt_configuration: { issuer: VARIANTS.jwt.PIPELINE_JWT_ISSUER, audience: [VARIANTS.jwt.PIPELINE_JWT_AUDIENCE] },
      });
      const routes = resourcesOfType(s.stack.json, 'aws_apigatewayv2_route');
      expect(routes.map((r) => r.body.route_key).sort()).toEqual(Object.values(API_ROUTES).sort());
      for (const route of routes) {
        expect([route.body.route_key, route.body.authorization_type, route.body.authorizer_id]).toEqual([
          route.body.route_key,
          'JWT',
          `\${${authorizer.address}.id}`,
        ]);
      }
    }
  });

  it('throttles the stage, writes access logs and limits request bodies as configured', () => {
    for (const s of regional()) {
      const config = configOf(s);
      const [stage, ...more] = resourcesOfType(s.stack.json, 'aws_apigatewayv2_stage');
      expect(more).toEqual([]);
      expect(stage.body).toMatchObject({
        name: 'prod',
        default_route_settings: {
          throttling_burst_limit: config.apiThrottleBurst,
          throttling_rate_limit: config.apiThrottleRate,
        },
        access_log_settings: {
          destination_arn: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.arn\}$/),
          format: expect.stringContaining('$context.requestId'),
        },
      });
      // The body limit is enforced by the handler (HTTP APIs have no size setting below 10 MB).
      const api = deployedFunctions(s.stack.json).find((f) => f.name === 'api-ingest')!;
      const env = (api.body.environment as { variables: Record<string, string> }).variables;
      expect(Number(env[ENV.maxBodyBytes])).toBe(config.apiMaxBodyBytes);
      expect(config.apiMaxBodyBytes).toBeLessThanOrEqual(6 * 1024 * 1024);
    }
  });

  it(
    'puts no secrets or payload data in function environments: ' + 'only the contract variables each function reads',
    () => {
      const common = new Set([
        ENV.pipelineRegion,
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_METRICS_NAMESPACE',
        'NODE_OPTIONS',
      ]);
      const suspiciousName = /secret|passw|token|credential|private|api_?key|access_?key|auth/i;
      const suspiciousValue =
        /AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|-----BEGIN|password=|^[A-Za-z0-9+/]{40,}={0,2}$|^eyJ[A-Za-z0-9_-]+\./;
      for (const s of regional()) {
        for (const fn of deployedFunctions(s.stack.json)) {
          const env = (fn.body.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
          const expected = [...common, ...FUNCTION_ENVIRONMENT[fn.name].map((k) => ENV[k])].sort();
          expect({ function: `${s.stack.name} ${fn.name}`, variables: Object.keys(env).sort() }).toEqual({
            function: `${s.stack.name} ${fn.name}`,
            variables: expected,
          });
          for (const [name, value] of Object.entries(env)) {
            expect(`${fn.name} ${name}`).not.toMatch(suspiciousName);
            expect(`${name}=${value}`).not.toMatch(suspiciousValue);
            expect(value.length).toBeLessThan(512);
          }
          // Environment variables are encrypted with the customer data key, not only the AWS-managed one.
          expect(fn.body.kms_key_arn).toEqual(expect.stringMatching(/^\$\{/));
        }
      }
    },
  );

  it('keeps every stack free of hard-coded credentials, account ids and machine paths', () => {
    for (const { stack } of scanned) {
      const text = JSON.stringify(stack.json);
      expect(text).not.toMatch(/AKIA[0-9A-Z]{16}|aws_secret_access_key|"(access_key|secret_key|token)"\s*:/i);
      // Account ids come from aws_caller_identity, never a literal in an ARN.
      expect(text).not.toMatch(/arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/);
      expect(text).not.toMatch(/\/(home|root|Users|tmp|work)\//);
    }
    expect(allResources(scanned[0].stack.json).length).toBeGreaterThan(0);
  });
});
