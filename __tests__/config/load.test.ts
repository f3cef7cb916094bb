import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONFIG_SCHEMA,
  configurationTable,
  ConfigError,
  ConfigErrors,
  DEFAULT_FUNCTION_SETTINGS,
  loadConfig,
  readCdktfContext,
  selectedEnvironments,
  type RawContext,
} from '../../config';

/** The ConfigErrors a load throws (fails the test when it does not throw). */
function errorsOf(context: RawContext, environ: NodeJS.ProcessEnv = {}, env: 'dev' | 'prod' = 'dev'): ConfigError[] {
  try {
    loadConfig(env, context, environ);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigErrors);
    return [...(error as ConfigErrors).errors];
  }
  throw new Error('expected loadConfig to throw');
}

/** The single error for `key`, with its message. */
function errorFor(key: string, context: RawContext, environ: NodeJS.ProcessEnv = {}): ConfigError {
  const errors = errorsOf(context, environ);
  const match = errors.filter((e) => e.key === key);
  expect(match).toHaveLength(1);
  expect(match[0].message).toContain(key);
  return match[0];
}

describe('loadConfig defaults', () => {
  it('synthesizes with no AWS account: every value has a default', () => {
    const config = loadConfig('dev', {}, {});
    expect(config).toMatchObject({
      env: 'dev',
      namePrefix: 'market-data',
      primaryRegion: 'us-east-1',
      drRegion: 'us-west-2',
      activeRegion: 'us-east-1',
      stateBucket: 'market-data-terraform-state',
      drStateBucket: 'market-data-terraform-state-us-west-2',
      drStateRegion: 'us-west-2',
      apiAuth: 'iam',
      s3Encryption: 'sse-s3',
      vpc: false,
      logRetentionDays: 365,
    });
    expect(config.functions).toEqual(DEFAULT_FUNCTION_SETTINGS);
  });

  it('reads the repository cdktf.json: prod uses KMS for S3, dev the SSE-S3 default', () => {
    const context = readCdktfContext();
    expect(loadConfig('prod', context, {}).s3Encryption).toBe('kms');
    expect(loadConfig('dev', context, {}).s3Encryption).toBe('sse-s3');
  });

  it('lets an environment variable win over per-environment context, which wins over top-level context', () => {
    const context = { logRetentionDays: 30, environments: { dev: { logRetentionDays: 90 } } };
    expect(loadConfig('dev', context, {}).logRetentionDays).toBe(90);
    expect(loadConfig('prod', context, {}).logRetentionDays).toBe(30);
    expect(loadConfig('dev', context, { PIPELINE_LOG_RETENTION_DAYS: '14' }).logRetentionDays).toBe(14);
  });

  it('merges per-function overrides over the defaults', () => {
    const config = loadConfig('dev', { functions: { bars: { memoryMb: 2048 } } }, {});
    expect(config.functions.bars).toEqual({ ...DEFAULT_FUNCTION_SETTINGS.bars, memoryMb: 2048 });
    expect(
      loadConfig('dev', {}, { PIPELINE_FUNCTIONS: '{"summary":{"timeoutSeconds":60}}' }).functions.summary
        .timeoutSeconds,
    ).toBe(60);
  });

  it('runs the functions on nodejs22.x unless lambdaRuntime picks nodejs24.x; names the key otherwise', () => {
    expect(loadConfig('dev', {}, {}).lambdaRuntime).toBe('nodejs22.x');
    expect(loadConfig('dev', {}, { PIPELINE_LAMBDA_RUNTIME: 'nodejs24.x' }).lambdaRuntime).toBe('nodejs24.x');
    expect(errorFor('lambdaRuntime', {}, { PIPELINE_LAMBDA_RUNTIME: 'nodejs20.x' }).message).toContain(
      'nodejs22.x | nodejs24.x',
    );
  });

  it('accepts JWT auth with an issuer and audiences', () => {
    const config = loadConfig(
      'dev',
      {},
      { PIPELINE_API_AUTH: 'jwt', PIPELINE_JWT_ISSUER: 'https://issuer.example.com/', PIPELINE_JWT_AUDIENCE: 'a, b' },
    );
    expect(config).toMatchObject({ apiAuth: 'jwt', jwtIssuer: 'https://issuer.example.com/', jwtAudience: ['a', 'b'] });
  });
});

describe('invalid configuration names the key, the value, its source and what is allowed', () => {
  it('namePrefix', () => {
    const error = errorFor('namePrefix', { namePrefix: 'Bad_Prefix' });
    expect(error.value).toBe('Bad_Prefix');
    expect(error.source).toBe('context');
    expect(error.allowed).toMatch(/lower-case letters/);
  });

  it('regions', () => {
    expect(errorFor('primaryRegion', {}, { PIPELINE_PRIMARY_REGION: 'useast1' }).source).toBe(
      'PIPELINE_PRIMARY_REGION',
    );
    expect(errorFor('drRegion', { drRegion: 'us-east-1' }).allowed).toMatch(/other than primaryRegion/);
  });

  it('activeRegion must be the primary or the DR region', () => {
    expect(errorFor('activeRegion', { activeRegion: 'eu-west-1' }).allowed).toBe('us-east-1 | us-west-2');
  });

  it('apiAuth', () => {
    expect(errorFor('apiAuth', { apiAuth: 'basic' }).allowed).toBe('iam | jwt');
  });

  it('jwt without issuer (or audience)', () => {
    const errors = errorsOf({ apiAuth: 'jwt' });
    expect(errors.map((e) => e.key).sort()).toEqual(['jwtAudience', 'jwtIssuer']);
    expect(errors.find((e) => e.key === 'jwtIssuer')?.message).toMatch(/required when apiAuth is jwt/);
    expect(errorFor('jwtIssuer', { apiAuth: 'jwt', jwtAudience: ['x'], jwtIssuer: 'http://insecure' }).allowed).toMatch(
      /https/,
    );
  });

  it('s3Encryption', () => {
    expect(errorFor('s3Encryption', {}, { PIPELINE_S3_ENCRYPTION: 'aes' }).message).toBe(
      'Invalid configuration: s3Encryption = "aes" (from PIPELINE_S3_ENCRYPTION); allowed: sse-s3 | kms',
    );
  });

  it('vpc', () => {
    expect(errorFor('vpc', { environments: { dev: { vpc: 'yes' } } }).source).toBe('context.environments.dev');
  });

  it('logRetentionDays must be a value CloudWatch accepts', () => {
    expect(errorFor('logRetentionDays', { logRetentionDays: 10 }).allowed).toContain('14');
    expect(errorFor('logRetentionDays', { logRetentionDays: 'a year' }).allowed).toMatch(/integer/);
  });

  it('functions.x.memoryMb', () => {
    const error = errorFor('functions.bars.memoryMb', { functions: { bars: { memoryMb: 64 } } });
    expect(error.allowed).toBe('an integer from 128 to 10240');
    errorFor('functions.nope', { functions: { nope: {} } });
    errorFor('functions.bars.cpu', { functions: { bars: { cpu: 2 } } });
    errorFor('functions', {}, { PIPELINE_FUNCTIONS: '{not json' });
  });

  it('unknown key', () => {
    expect(errorFor('regionz', { regionz: 'us-east-1' }).allowed).toMatch(/one of namePrefix, project/);
    expect(errorFor('environments.staging', { environments: { staging: {} } }).allowed).toBe('dev | prod');
  });

  it('reports every invalid key at once', () => {
    expect(
      errorsOf({ apiAuth: 'basic', s3Encryption: 'x', vpc: 'maybe' })
        .map((e) => e.key)
        .sort(),
    ).toEqual(['apiAuth', 's3Encryption', 'vpc']);
  });

  it('PIPELINE_ENV', () => {
    expect(selectedEnvironments({})).toEqual(['dev', 'prod']);
    expect(selectedEnvironments({ PIPELINE_ENV: 'prod' })).toEqual(['prod']);
    expect(() => selectedEnvironments({ PIPELINE_ENV: 'staging' })).toThrow(
      /PIPELINE_ENV = "staging" \(from environment\); allowed: dev \| prod/,
    );
  });
});

describe('unknown names fail synth with the closest known one', () => {
  it('names a misspelled PIPELINE_* variable and suggests the variable it resembles', () => {
    const error = errorFor('PIPELINE_S3_ENCRYPTON', {}, { PIPELINE_S3_ENCRYPTON: 'kms' });
    expect(error.source).toBe('environment');
    expect(error.allowed).toMatch(/did you mean PIPELINE_S3_ENCRYPTION\?/);
  });

  it('suggests the closest key for a misspelled cdktf.json key', () => {
    expect(errorFor('s3Encrypton', { environments: { dev: { s3Encrypton: 'kms' } } }).allowed).toMatch(
      /did you mean s3Encryption\?/,
    );
  });

  it('leaves the handlers own PIPELINE_ variables and PIPELINE_ENV alone', () => {
    expect(() => loadConfig('dev', {}, { PIPELINE_REGION: 'us-east-1', PIPELINE_ENV: 'dev' })).not.toThrow();
  });
});

describe('one source per default', () => {
  it('the README configuration table is the one rendered from CONFIG_SCHEMA', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(configurationTable());
  });

  it('every default in the schema is a valid value of its own key', () => {
    const config = loadConfig('dev', {}, {});
    for (const [key, spec] of Object.entries(CONFIG_SCHEMA)) {
      const value = (config as unknown as Record<string, unknown>)[key];
      if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
      // As an environment variable would carry it.
      const raw = typeof value === 'string' ? value : JSON.stringify(value);
      expect({ key, parsed: spec.parse(raw, config) }).toEqual({ key, parsed: value });
    }
  });
});

describe('file workflow sizing keys', () => {
  it('stores 10 chunks at once by default, fewer when store-chunk may run fewer', () => {
    expect(loadConfig('dev', {}, {}).storeConcurrency).toBe(10);
    expect(loadConfig('dev', { functions: { 'store-chunk': { reservedConcurrency: 4 } } }, {}).storeConcurrency).toBe(
      4,
    );
    expect(loadConfig('dev', {}, { PIPELINE_STORE_CONCURRENCY: '20' }).storeConcurrency).toBe(20);
    expect(
      loadConfig('dev', { storeConcurrency: 200, functions: { 'store-chunk': { reservedConcurrency: -1 } } }, {})
        .storeConcurrency,
    ).toBe(200);
  });

  it('fails synth naming storeConcurrency when it asks for more chunks than store-chunk may run', () => {
    const error = errorFor('storeConcurrency', { storeConcurrency: 30 });
    expect(error.message).toMatch(/at most functions\.store-chunk\.reservedConcurrency \(20\)/);
    expect(errorFor('storeConcurrency', {}, { PIPELINE_STORE_CONCURRENCY: '0' }).message).toMatch(/1 to 1000/);
  });

  it('bounds a file run by 180 minutes by default, 15-1440 allowed', () => {
    expect(loadConfig('dev', {}, {}).fileWorkflowTimeoutMinutes).toBe(180);
    expect(loadConfig('dev', { fileWorkflowTimeoutMinutes: 600 }, {}).fileWorkflowTimeoutMinutes).toBe(600);
    expect(errorFor('fileWorkflowTimeoutMinutes', { fileWorkflowTimeoutMinutes: 5 }).message).toMatch(/15 to 1440/);
  });
});
