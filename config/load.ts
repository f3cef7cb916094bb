import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_NAMES, type FunctionName } from '../contract';
import { DEFAULT_FUNCTION_SETTINGS, ENVIRONMENTS, LOG_RETENTION_DAYS, REGION_PATTERN } from './defaults';
import { ConfigError, ConfigErrors } from './errors';
import type { EnvironmentName, FunctionSettings, PipelineConfig } from './types';

/** Raw values as found in cdktf.json `context` (top level: every environment; `environments.<env>`: one). */
export type RawContext = Record<string, unknown>;

/** Keys a user may set, with the environment variable that overrides each. */
export const CONFIG_KEYS = {
  namePrefix: 'PIPELINE_NAME_PREFIX',
  project: 'PIPELINE_PROJECT',
  primaryRegion: 'PIPELINE_PRIMARY_REGION',
  drRegion: 'PIPELINE_DR_REGION',
  activeRegion: 'PIPELINE_ACTIVE_REGION',
  stateBucket: 'PIPELINE_STATE_BUCKET',
  stateRegion: 'PIPELINE_STATE_REGION',
  drStateBucket: 'PIPELINE_DR_STATE_BUCKET',
  drStateRegion: 'PIPELINE_DR_STATE_REGION',
  alertEmail: 'PIPELINE_ALERT_EMAIL',
  apiAuth: 'PIPELINE_API_AUTH',
  jwtIssuer: 'PIPELINE_JWT_ISSUER',
  jwtAudience: 'PIPELINE_JWT_AUDIENCE',
  apiThrottleBurst: 'PIPELINE_API_THROTTLE_BURST',
  apiThrottleRate: 'PIPELINE_API_THROTTLE_RATE',
  apiMaxBodyBytes: 'PIPELINE_API_MAX_BODY_BYTES',
  s3Encryption: 'PIPELINE_S3_ENCRYPTION',
  vpc: 'PIPELINE_VPC',
  vpcCidr: 'PIPELINE_VPC_CIDR',
  logRetentionDays: 'PIPELINE_LOG_RETENTION_DAYS',
  chunkSize: 'PIPELINE_CHUNK_SIZE',
  functions: 'PIPELINE_FUNCTIONS',
} as const satisfies Record<Exclude<keyof PipelineConfig, 'env'>, string>;
type Key = keyof typeof CONFIG_KEYS;

/** Context keys that are not configuration values. */
const STRUCTURAL_KEYS = new Set(['environments']);

interface Lookup {
  value: unknown;
  source: string;
}

/** Reads the `context` block of cdktf.json next to the project root. */
export function readCdktfContext(projectRoot = join(__dirname, '..')): RawContext {
  const json = JSON.parse(readFileSync(join(projectRoot, 'cdktf.json'), 'utf8')) as { context?: RawContext };
  return json.context ?? {};
}

/**
 * Environments to synthesize: all of them, or the one named by `PIPELINE_ENV`.
 * @throws ConfigErrors when `PIPELINE_ENV` names no environment.
 */
export function selectedEnvironments(environ: NodeJS.ProcessEnv = process.env): EnvironmentName[] {
  const selected = environ.PIPELINE_ENV;
  if (selected === undefined || selected === '') return [...ENVIRONMENTS];
  if (!(ENVIRONMENTS as readonly string[]).includes(selected)) {
    throw new ConfigErrors([new ConfigError('PIPELINE_ENV', selected, ENVIRONMENTS.join(' | '), 'environment')]);
  }
  return [selected as EnvironmentName];
}

/**
 * Resolves and validates the configuration of `env`. Precedence: environment variable
 * (`PIPELINE_*`), then `context.environments.<env>.<key>`, then `context.<key>`, then the default.
 * @throws ConfigErrors listing every invalid key, its value, its source and what is allowed.
 */
export function loadConfig(
  env: EnvironmentName,
  context: RawContext = readCdktfContext(),
  environ: NodeJS.ProcessEnv = process.env,
): PipelineConfig {
  const errors: ConfigError[] = [];
  const perEnv = asRecord(asRecord(context.environments)[env]);

  for (const [scope, block] of [
    ['context', context],
    [`context.environments.${env}`, perEnv],
  ] as const) {
    for (const key of Object.keys(block)) {
      if (!(key in CONFIG_KEYS) && !(scope === 'context' && STRUCTURAL_KEYS.has(key))) {
        errors.push(new ConfigError(key, block[key], `one of ${Object.keys(CONFIG_KEYS).join(', ')}`, scope));
      }
    }
  }
  const envsBlock = asRecord(context.environments);
  for (const name of Object.keys(envsBlock)) {
    if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
      errors.push(new ConfigError(`environments.${name}`, envsBlock[name], ENVIRONMENTS.join(' | '), 'context'));
    }
  }

  const lookup = (key: Key): Lookup | undefined => {
    const envVar = environ[CONFIG_KEYS[key]];
    if (envVar !== undefined && envVar !== '') return { value: envVar, source: CONFIG_KEYS[key] };
    if (perEnv[key] !== undefined) return { value: perEnv[key], source: `context.environments.${env}` };
    if (context[key] !== undefined) return { value: context[key], source: 'context' };
    return undefined;
  };
  const fail = (key: string, found: Lookup, allowed: string): undefined => {
    errors.push(new ConfigError(key, found.value, allowed, found.source));
    return undefined;
  };

  const str = (key: Key, fallback: string, pattern: RegExp, allowed: string): string => {
    const found = lookup(key);
    if (!found) return fallback;
    if (typeof found.value === 'string' && pattern.test(found.value)) return found.value;
    return fail(key, found, allowed) ?? fallback;
  };
  const optionalStr = (key: Key, pattern: RegExp, allowed: string): string | undefined => {
    const found = lookup(key);
    if (!found) return undefined;
    if (typeof found.value === 'string' && pattern.test(found.value)) return found.value;
    return fail(key, found, allowed);
  };
  const oneOf = <T extends string>(key: Key, fallback: T, allowed: readonly T[]): T => {
    const found = lookup(key);
    if (!found) return fallback;
    if ((allowed as readonly unknown[]).includes(found.value)) return found.value as T;
    return fail(key, found, allowed.join(' | ')) ?? fallback;
  };
  const int = (key: Key, fallback: number, min: number, max: number): number => {
    const found = lookup(key);
    if (!found) return fallback;
    const n = typeof found.value === 'string' && /^-?\d+$/.test(found.value) ? Number(found.value) : found.value;
    if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max) return n;
    return fail(key, found, `an integer from ${min} to ${max}`) ?? fallback;
  };
  const bool = (key: Key, fallback: boolean): boolean => {
    const found = lookup(key);
    if (!found) return fallback;
    if (found.value === true || found.value === 'true') return true;
    if (found.value === false || found.value === 'false') return false;
    return fail(key, found, 'true | false') ?? fallback;
  };

  const namePrefix = str(
    'namePrefix',
    'market-data',
    /^[a-z][a-z0-9-]{1,23}[a-z0-9]$/,
    'lower-case letters, digits and hyphens, 3-25 characters, starting with a letter',
  );
  const region = (key: Key, fallback: string): string =>
    str(key, fallback, REGION_PATTERN, 'an AWS region name such as us-east-1');
  const primaryRegion = region('primaryRegion', 'us-east-1');
  const drRegion = region('drRegion', 'us-west-2');
  if (primaryRegion === drRegion) {
    errors.push(
      new ConfigError(
        'drRegion',
        drRegion,
        `a region other than primaryRegion (${primaryRegion})`,
        lookup('drRegion')?.source ?? 'default',
      ),
    );
  }
  const activeRegion = oneOf('activeRegion', primaryRegion, [primaryRegion, drRegion]);
  const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
  const bucketAllowed = 'a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)';

  const apiAuth = oneOf('apiAuth', 'iam', ['iam', 'jwt'] as const);
  const jwtIssuer = optionalStr('jwtIssuer', /^https:\/\/[^\s/$.?#].[^\s]*$/, 'an https:// issuer URL');
  const jwtAudience = audienceList(lookup('jwtAudience'), errors);
  if (apiAuth === 'jwt') {
    if (!jwtIssuer && !lookup('jwtIssuer'))
      errors.push(
        new ConfigError('jwtIssuer', undefined, 'an https:// issuer URL (required when apiAuth is jwt)', 'missing'),
      );
    if (jwtAudience.length === 0 && !lookup('jwtAudience'))
      errors.push(
        new ConfigError('jwtAudience', undefined, 'one or more audiences (required when apiAuth is jwt)', 'missing'),
      );
  }

  const logRetentionDays = int('logRetentionDays', 365, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    errors.push(
      new ConfigError(
        'logRetentionDays',
        logRetentionDays,
        LOG_RETENTION_DAYS.join(' | '),
        lookup('logRetentionDays')?.source ?? 'default',
      ),
    );
  }

  const config: PipelineConfig = {
    env,
    namePrefix,
    project: str('project', 'market-data-pipeline', /^[\w .:/=+@-]{1,128}$/, 'a tag value of 1-128 characters'),
    primaryRegion,
    drRegion,
    activeRegion,
    stateBucket: str('stateBucket', `${namePrefix}-terraform-state`, bucketPattern, bucketAllowed),
    stateRegion: region('stateRegion', primaryRegion),
    drStateBucket: str('drStateBucket', `${namePrefix}-terraform-state-${drRegion}`, bucketPattern, bucketAllowed),
    drStateRegion: region('drStateRegion', drRegion),
    alertEmail: optionalStr('alertEmail', /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an e-mail address'),
    apiAuth,
    jwtIssuer,
    jwtAudience,
    apiThrottleBurst: int('apiThrottleBurst', 200, 1, 5000),
    apiThrottleRate: int('apiThrottleRate', 100, 1, 10000),
    apiMaxBodyBytes: int('apiMaxBodyBytes', 1024 * 1024, 1024, 6 * 1024 * 1024),
    s3Encryption: oneOf('s3Encryption', 'sse-s3', ['sse-s3', 'kms'] as const),
    vpc: bool('vpc', false),
    vpcCidr: str('vpcCidr', '10.40.0.0/16', /^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/, 'an IPv4 CIDR from /16 to /24'),
    logRetentionDays,
    chunkSize: int('chunkSize', 1000, 25, 10000),
    functions: functionSettings(lookup('functions'), errors),
  };
  if (errors.length > 0) throw new ConfigErrors(errors);
  return config;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function audienceList(found: Lookup | undefined, errors: ConfigError[]): string[] {
  if (!found) return [];
  const list = typeof found.value === 'string' ? found.value.split(',').map((s) => s.trim()) : found.value;
  if (Array.isArray(list) && list.length > 0 && list.every((a) => typeof a === 'string' && a.length > 0))
    return list as string[];
  errors.push(
    new ConfigError(
      'jwtAudience',
      found.value,
      'a non-empty list of audiences (comma-separated in PIPELINE_JWT_AUDIENCE)',
      found.source,
    ),
  );
  return [];
}

/** Merges `functions.<name>.{memoryMb,timeoutSeconds,reservedConcurrency}` over the defaults. */
function functionSettings(found: Lookup | undefined, errors: ConfigError[]): Record<FunctionName, FunctionSettings> {
  const result = { ...DEFAULT_FUNCTION_SETTINGS } as Record<FunctionName, FunctionSettings>;
  if (!found) return result;
  let raw: unknown = found.value;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      errors.push(
        new ConfigError('functions', found.value, 'a JSON object such as {"bars":{"memoryMb":1024}}', found.source),
      );
      return result;
    }
  }
  const limits: Record<keyof FunctionSettings, [number, number]> = {
    memoryMb: [128, 10240],
    timeoutSeconds: [1, 900],
    reservedConcurrency: [-1, 1000],
  };
  for (const [name, overrides] of Object.entries(asRecord(raw))) {
    if (!(FUNCTION_NAMES as readonly string[]).includes(name)) {
      errors.push(new ConfigError(`functions.${name}`, overrides, FUNCTION_NAMES.join(' | '), found.source));
      continue;
    }
    const merged = { ...result[name as FunctionName] } as Record<string, number>;
    for (const [field, value] of Object.entries(asRecord(overrides))) {
      const range = limits[field as keyof FunctionSettings];
      if (!range) {
        errors.push(
          new ConfigError(`functions.${name}.${field}`, value, Object.keys(limits).join(' | '), found.source),
        );
      } else if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) {
        errors.push(
          new ConfigError(
            `functions.${name}.${field}`,
            value,
            `an integer from ${range[0]} to ${range[1]}`,
            found.source,
          ),
        );
      } else {
        merged[field] = value;
      }
    }
    result[name as FunctionName] = merged as unknown as FunctionSettings;
  }
  return result;
}
