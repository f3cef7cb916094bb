/**
 * Every configuration key, once: its environment variable, its default, what it allows and how a
 * raw value is read. `load.ts` resolves keys in this order (a default may depend on keys above
 * it), the README's configuration table is rendered from here (a test compares them), and
 * `PipelineConfig`'s field docs point here instead of restating defaults.
 */
import { FUNCTION_NAMES, type FunctionName } from '../contract';
import type {
  ApiAuthMode,
  EnvironmentName,
  FunctionSettings,
  LambdaRuntime,
  PipelineConfig,
  S3EncryptionMode,
} from './types';

/** Environments a stack set is synthesized for. */
export const ENVIRONMENTS: readonly EnvironmentName[] = ['dev', 'prod'];

/** AWS region names (`us-east-1`, `us-gov-west-1`). */
export const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Lambda runtimes the functions may run on (`lambdaRuntime`). The first is the default and the one
 * the toolchain pins: tests and scripts run on its Node major (.nvmrc), esbuild targets it.
 */
export const LAMBDA_RUNTIMES = ['nodejs22.x', 'nodejs24.x'] as const;

/** Default sizing per function: long file work gets 5 minutes, request paths stay short. */
export const DEFAULT_FUNCTION_SETTINGS: Readonly<Record<FunctionName, FunctionSettings>> = {
  'file-trigger': { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 10 },
  'validate-file': { memoryMb: 1024, timeoutSeconds: 300, reservedConcurrency: 10 },
  'store-chunk': { memoryMb: 512, timeoutSeconds: 300, reservedConcurrency: 20 },
  'archive-file': { memoryMb: 256, timeoutSeconds: 300, reservedConcurrency: 5 },
  'compensate-file': { memoryMb: 512, timeoutSeconds: 300, reservedConcurrency: 5 },
  'notify-file': { memoryMb: 128, timeoutSeconds: 30, reservedConcurrency: 5 },
  // Compensates a run whose workflow could not (uncatchable failure): the same work as compensate-file.
  'file-watchdog': { memoryMb: 512, timeoutSeconds: 300, reservedConcurrency: 5 },
  'api-ingest': { memoryMb: 512, timeoutSeconds: 29, reservedConcurrency: 20 },
  processor: { memoryMb: 512, timeoutSeconds: 60, reservedConcurrency: 20 },
  bars: { memoryMb: 512, timeoutSeconds: 120, reservedConcurrency: 10 },
  summary: { memoryMb: 256, timeoutSeconds: 120, reservedConcurrency: 2 },
};

/** Chunks stored at once by default: enough to overlap DynamoDB latency, few enough not to throttle the table. */
export const DEFAULT_STORE_CONCURRENCY = 10;

/**
 * Default longest file run: far above what the largest file Validate can read in its timeout
 * needs to be stored at the default concurrency (README, File workflow, Sizing).
 */
export const DEFAULT_FILE_WORKFLOW_TIMEOUT_MINUTES = 180;

/** Bounds of each per-function setting. */
export const FUNCTION_SETTING_LIMITS: Readonly<Record<keyof FunctionSettings, readonly [number, number]>> = {
  memoryMb: [128, 10240],
  timeoutSeconds: [1, 900],
  reservedConcurrency: [-1, 1000],
};

/** The configuration keys (every field of `PipelineConfig` but `env`). */
export type ConfigKey = Exclude<keyof PipelineConfig, 'env'>;

/** Keys resolved so far, in schema order: what a default or a cross-key check may look at. */
export type Resolved = Partial<PipelineConfig> & Pick<PipelineConfig, 'env'>;

/** One problem inside a structured value (`functions.bars.memoryMb`). */
export interface NestedIssue {
  readonly key: string;
  readonly value: unknown;
  readonly allowed: string;
}

/**
 * A raw value that is not allowed. `allowed` replaces the key's own text in the message; `nested`
 * reports problems inside a structured value under their own paths instead.
 */
export class Invalid {
  constructor(
    readonly allowed?: string,
    readonly nested: readonly NestedIssue[] = [],
  ) {}
}

/** One key of the configuration. */
export interface ConfigKeySpec<T> {
  /** Environment variable that overrides every other source. */
  readonly envVar: `PIPELINE_${string}`;
  /** The default, for the README (Markdown). */
  readonly defaultText: string;
  /** What is allowed, for error messages (plain text; may depend on keys resolved before). */
  readonly allowed: string | ((resolved: Resolved) => string);
  /** The README's "Allowed" column (Markdown). Default: `allowed` when it is a string. */
  readonly readme?: string;
  /** The value when no source sets the key. */
  readonly defaultValue: (resolved: Resolved) => T;
  /** Reads a raw value (a string from the environment, any JSON value from cdktf.json). */
  readonly parse: (raw: unknown, resolved: Resolved) => T | Invalid;
  /** A check across keys, applied to defaults too (a violation is reported with its detail). */
  readonly check?: (value: T, resolved: Resolved) => string | undefined;
}

// ------------------------------------------------------------------------------- value readers

const text =
  (pattern: RegExp) =>
  (raw: unknown): string | Invalid =>
    typeof raw === 'string' && pattern.test(raw) ? raw : new Invalid();

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (raw: unknown): T | Invalid =>
    (values as readonly unknown[]).includes(raw) ? (raw as T) : new Invalid();

const integer =
  (min: number, max: number) =>
  (raw: unknown): number | Invalid => {
    const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : new Invalid();
  };

const boolean = (raw: unknown): boolean | Invalid =>
  raw === true || raw === 'true' ? true : raw === false || raw === 'false' ? false : new Invalid();

const region = (raw: unknown): string | Invalid => text(REGION_PATTERN)(raw);

function audiences(raw: unknown): string[] | Invalid {
  const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : raw;
  return Array.isArray(list) && list.length > 0 && list.every((a) => typeof a === 'string' && a.length > 0)
    ? (list as string[])
    : new Invalid();
}

/** `functions.<name>.<setting>` overrides merged over the defaults; every bad entry names its own path. */
function functionSettings(raw: unknown): Record<FunctionName, FunctionSettings> | Invalid {
  let value = raw;
  const shape = 'a JSON object such as {"bars":{"memoryMb":1024}}';
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return new Invalid(shape);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return new Invalid(shape);
  const result = { ...DEFAULT_FUNCTION_SETTINGS } as Record<FunctionName, FunctionSettings>;
  const nested: NestedIssue[] = [];
  for (const [name, overrides] of Object.entries(value as Record<string, unknown>)) {
    if (!(FUNCTION_NAMES as readonly string[]).includes(name)) {
      nested.push({ key: `functions.${name}`, value: overrides, allowed: FUNCTION_NAMES.join(' | ') });
      continue;
    }
    const merged: Record<string, number> = { ...result[name as FunctionName] };
    const fields =
      overrides !== null && typeof overrides === 'object' && !Array.isArray(overrides)
        ? Object.entries(overrides as Record<string, unknown>)
        : [];
    for (const [field, setting] of fields) {
      const range = FUNCTION_SETTING_LIMITS[field as keyof FunctionSettings] as readonly [number, number] | undefined;
      const path = `functions.${name}.${field}`;
      if (!range) nested.push({ key: path, value: setting, allowed: settingNames() });
      else if (typeof setting !== 'number' || integer(range[0], range[1])(setting) instanceof Invalid)
        nested.push({ key: path, value: setting, allowed: `an integer from ${range[0]} to ${range[1]}` });
      else merged[field] = setting;
    }
    result[name as FunctionName] = merged as unknown as FunctionSettings;
  }
  return nested.length > 0 ? new Invalid(undefined, nested) : result;
}

const settingNames = (): string => Object.keys(FUNCTION_SETTING_LIMITS).join(' | ');

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const BUCKET_ALLOWED = 'a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)';
const REGION_ALLOWED = 'an AWS region name such as us-east-1';

// -------------------------------------------------------------------------------------- schema

/** Every configuration key, in resolution order. */
export const CONFIG_SCHEMA: { readonly [K in ConfigKey]-?: ConfigKeySpec<PipelineConfig[K]> } = {
  namePrefix: {
    envVar: 'PIPELINE_NAME_PREFIX',
    defaultText: '`market-data`',
    allowed: 'lower-case letters, digits and hyphens, 3-25 characters, starting with a letter',
    readme:
      '3-25 lower-case letters, digits, hyphens; starts with a letter. Names are `<prefix>-<resource>-<env>`, ' +
      'plus `-<region>` where names are account- or world-wide (buckets, IAM roles, dashboards)',
    defaultValue: () => 'market-data',
    parse: text(/^[a-z][a-z0-9-]{1,23}[a-z0-9]$/),
  },
  project: {
    envVar: 'PIPELINE_PROJECT',
    defaultText: '`market-data-pipeline`',
    allowed: 'a tag value of 1-128 characters',
    readme: 'tag value (1-128 chars); the `Project` tag',
    defaultValue: () => 'market-data-pipeline',
    parse: text(/^[\w .:/=+@-]{1,128}$/),
  },
  primaryRegion: {
    envVar: 'PIPELINE_PRIMARY_REGION',
    defaultText: '`us-east-1`',
    allowed: REGION_ALLOWED,
    readme: 'AWS region name',
    defaultValue: () => 'us-east-1',
    parse: region,
  },
  drRegion: {
    envVar: 'PIPELINE_DR_REGION',
    defaultText: '`us-west-2`',
    allowed: REGION_ALLOWED,
    readme: 'AWS region name other than `primaryRegion`',
    defaultValue: () => 'us-west-2',
    parse: region,
    check: (value, r) =>
      value === r.primaryRegion ? `a region other than primaryRegion (${r.primaryRegion})` : undefined,
  },
  activeRegion: {
    envVar: 'PIPELINE_ACTIVE_REGION',
    defaultText: '`primaryRegion`',
    allowed: (r) => `${r.primaryRegion} | ${r.drRegion}`,
    readme: '`primaryRegion` or `drRegion`: the region whose 5-minute schedule is `ENABLED`',
    defaultValue: (r) => r.primaryRegion!,
    parse: (raw, r) => oneOf([r.primaryRegion!, r.drRegion!])(raw),
  },
  stateBucket: {
    envVar: 'PIPELINE_STATE_BUCKET',
    defaultText: '`<namePrefix>-terraform-state`',
    allowed: BUCKET_ALLOWED,
    readme: 'bucket name; state of `global` and the primary regional stack',
    defaultValue: (r) => `${r.namePrefix}-terraform-state`,
    parse: text(BUCKET_NAME),
  },
  stateRegion: {
    envVar: 'PIPELINE_STATE_REGION',
    defaultText: '`primaryRegion`',
    allowed: REGION_ALLOWED,
    readme: 'AWS region name',
    defaultValue: (r) => r.primaryRegion!,
    parse: region,
  },
  drStateBucket: {
    envVar: 'PIPELINE_DR_STATE_BUCKET',
    defaultText: '`<namePrefix>-terraform-state-<drRegion>`',
    allowed: BUCKET_ALLOWED,
    readme: 'bucket name; state of the DR regional stack',
    defaultValue: (r) => `${r.namePrefix}-terraform-state-${r.drRegion}`,
    parse: text(BUCKET_NAME),
  },
  drStateRegion: {
    envVar: 'PIPELINE_DR_STATE_REGION',
    defaultText: '`drRegion`',
    allowed: REGION_ALLOWED,
    readme: 'AWS region name',
    defaultValue: (r) => r.drRegion!,
    parse: region,
  },
  alertEmail: {
    envVar: 'PIPELINE_ALERT_EMAIL',
    defaultText: 'none',
    allowed: 'an e-mail address',
    readme: 'e-mail address subscribed to the alerts topic (confirm the subscription mail)',
    defaultValue: () => undefined,
    parse: text(/^[^\s@]+@[^\s@]+\.[^\s@]+$/),
  },
  apiAuth: {
    envVar: 'PIPELINE_API_AUTH',
    defaultText: '`iam`',
    allowed: 'iam | jwt',
    readme: '`iam` \\| `jwt`',
    defaultValue: (): ApiAuthMode => 'iam',
    parse: oneOf<ApiAuthMode>(['iam', 'jwt']),
  },
  jwtIssuer: {
    envVar: 'PIPELINE_JWT_ISSUER',
    defaultText: 'none',
    allowed: 'an https:// issuer URL',
    readme: '`https://` URL; required when `apiAuth` is `jwt`',
    defaultValue: () => undefined,
    parse: text(/^https:\/\/[^\s/$.?#].[^\s]*$/),
    check: (value, r) =>
      r.apiAuth === 'jwt' && value === undefined ? 'an https:// issuer URL (required when apiAuth is jwt)' : undefined,
  },
  jwtAudience: {
    envVar: 'PIPELINE_JWT_AUDIENCE',
    defaultText: 'none',
    allowed: 'a non-empty list of audiences (comma-separated in PIPELINE_JWT_AUDIENCE)',
    readme: 'list (comma-separated in the variable); required when `apiAuth` is `jwt`',
    defaultValue: () => [],
    parse: audiences,
    check: (value, r) =>
      r.apiAuth === 'jwt' && value.length === 0 ? 'one or more audiences (required when apiAuth is jwt)' : undefined,
  },
  apiThrottleBurst: {
    envVar: 'PIPELINE_API_THROTTLE_BURST',
    defaultText: '`200`',
    allowed: 'an integer from 1 to 5000',
    readme: '1-5000',
    defaultValue: () => 200,
    parse: integer(1, 5000),
  },
  apiThrottleRate: {
    envVar: 'PIPELINE_API_THROTTLE_RATE',
    defaultText: '`100`',
    allowed: 'an integer from 1 to 10000',
    readme: '1-10000 requests/s',
    defaultValue: () => 100,
    parse: integer(1, 10000),
  },
  apiMaxBodyBytes: {
    envVar: 'PIPELINE_API_MAX_BODY_BYTES',
    defaultText: '`1048576`',
    allowed: 'an integer from 1024 to 6291456',
    readme: '1024-6291456; larger bodies get 413',
    defaultValue: () => 1024 * 1024,
    parse: integer(1024, 6 * 1024 * 1024),
  },
  apiMaxRecords: {
    envVar: 'PIPELINE_API_MAX_RECORDS',
    defaultText: '`1000`',
    allowed: 'an integer from 1 to 10000',
    readme: '1-10000 records per `POST /ingest`; more gets 413',
    defaultValue: () => 1000,
    parse: integer(1, 10000),
  },
  s3Encryption: {
    envVar: 'PIPELINE_S3_ENCRYPTION',
    defaultText: '`sse-s3` (cdktf.json sets `kms` for `prod`)',
    allowed: 'sse-s3 | kms',
    readme: '`sse-s3` \\| `kms`',
    defaultValue: (): S3EncryptionMode => 'sse-s3',
    parse: oneOf<S3EncryptionMode>(['sse-s3', 'kms']),
  },
  vpc: {
    envVar: 'PIPELINE_VPC',
    defaultText: '`false`',
    allowed: 'true | false',
    readme: '`true` \\| `false`',
    defaultValue: () => false,
    parse: boolean,
  },
  vpcCidr: {
    envVar: 'PIPELINE_VPC_CIDR',
    defaultText: '`10.40.0.0/16`',
    allowed: 'an IPv4 CIDR from /16 to /24',
    readme: 'IPv4 CIDR /16-/24',
    defaultValue: () => '10.40.0.0/16',
    parse: text(/^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/),
  },
  logRetentionDays: {
    envVar: 'PIPELINE_LOG_RETENTION_DAYS',
    defaultText: '`365`',
    allowed: LOG_RETENTION_DAYS.join(' | '),
    readme: 'a CloudWatch retention value (1, 3, 5, 7, 14, 30, 60, 90, …, 3653)',
    defaultValue: () => 365,
    parse: (raw) => {
      const days = integer(1, 3653)(raw);
      if (days instanceof Invalid) return new Invalid('an integer from 1 to 3653');
      return (LOG_RETENTION_DAYS as readonly number[]).includes(days) ? days : new Invalid();
    },
  },
  chunkSize: {
    envVar: 'PIPELINE_CHUNK_SIZE',
    defaultText: '`1000`',
    allowed: 'an integer from 25 to 10000',
    readme: '25-10000 records per staged chunk',
    defaultValue: () => 1000,
    parse: integer(25, 10000),
  },
  lambdaRuntime: {
    envVar: 'PIPELINE_LAMBDA_RUNTIME',
    defaultText: '`nodejs22.x`',
    allowed: LAMBDA_RUNTIMES.join(' | '),
    readme: '`nodejs22.x` \\| `nodejs24.x`: runtime of every function',
    defaultValue: (): LambdaRuntime => LAMBDA_RUNTIMES[0],
    parse: oneOf<LambdaRuntime>(LAMBDA_RUNTIMES),
  },
  functions: {
    envVar: 'PIPELINE_FUNCTIONS',
    defaultText: 'see `config/schema.ts`',
    allowed: `a JSON object of function name → { ${settingNames()} }`,
    readme: `\`{ "<function>": { ${Object.entries(FUNCTION_SETTING_LIMITS)
      .map(([name, [min, max]]) => `"${name}": ${min}-${max}`)
      .join(', ')} } }\` (JSON in the variable)`,
    defaultValue: () => DEFAULT_FUNCTION_SETTINGS,
    parse: functionSettings,
  },
  storeConcurrency: {
    envVar: 'PIPELINE_STORE_CONCURRENCY',
    defaultText: '`10` (less when `store-chunk` may run fewer)',
    allowed: 'an integer from 1 to 1000',
    readme:
      '1-1000 chunks stored at once (StoreChunks Distributed Map child executions); at most ' +
      "`store-chunk`'s `reservedConcurrency` when that is above 0",
    defaultValue: (r) => Math.min(DEFAULT_STORE_CONCURRENCY, storeChunkReservation(r) ?? DEFAULT_STORE_CONCURRENCY),
    parse: integer(1, 1000),
    check: (value, r) => {
      const reserved = storeChunkReservation(r);
      return reserved !== undefined && value > reserved
        ? `at most functions.store-chunk.reservedConcurrency (${reserved}): more chunks at once would only be throttled`
        : undefined;
    },
  },
  fileWorkflowTimeoutMinutes: {
    envVar: 'PIPELINE_FILE_WORKFLOW_TIMEOUT_MINUTES',
    defaultText: `\`${DEFAULT_FILE_WORKFLOW_TIMEOUT_MINUTES}\``,
    allowed: 'an integer from 15 to 1440',
    readme:
      '15-1440 minutes a file run may take; a run still going then ends `TIMED_OUT` and is compensated, and a file ' +
      'item `PROCESSING` for longer raises the `stuck-files` alarm',
    defaultValue: () => DEFAULT_FILE_WORKFLOW_TIMEOUT_MINUTES,
    parse: integer(15, 1440),
  },
};

/** `store-chunk`'s reserved concurrency when it limits it (above 0), else undefined. */
function storeChunkReservation(r: Resolved): number | undefined {
  const reserved = r.functions?.['store-chunk'].reservedConcurrency;
  return reserved !== undefined && reserved > 0 ? reserved : undefined;
}

/** Every `PIPELINE_*` variable the synth reads: the keys' variables plus `PIPELINE_ENV`. */
export const SYNTH_VARIABLES: readonly string[] = [
  'PIPELINE_ENV',
  ...Object.values(CONFIG_SCHEMA).map((spec) => spec.envVar),
];

/** The README's configuration table (header included), rendered from the schema. */
export function configurationTable(): string {
  const rows = (Object.entries(CONFIG_SCHEMA) as [ConfigKey, ConfigKeySpec<unknown>][]).map(([key, spec]) => {
    const allowed = spec.readme ?? (typeof spec.allowed === 'string' ? spec.allowed : '');
    return `| \`${key}\` | \`${spec.envVar}\` | ${spec.defaultText} | ${allowed} |`;
  });
  return ['| Key (cdktf.json context) | Environment variable | Default | Allowed |', '|---|---|---|---|', ...rows].join(
    '\n',
  );
}
