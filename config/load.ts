import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV } from '../contract';
import { ConfigError, ConfigErrors } from './errors';
import {
  CONFIG_SCHEMA,
  type ConfigKey,
  type ConfigKeySpec,
  ENVIRONMENTS,
  Invalid,
  type Resolved,
  SYNTH_VARIABLES,
} from './schema';
import type { EnvironmentName, PipelineConfig } from './types';

/** Raw values as found in cdktf.json `context` (top level: every environment; `environments.<env>`: one). */
export type RawContext = Record<string, unknown>;

/** Context keys that are not configuration values. */
const STRUCTURAL_KEYS = new Set(['environments']);

/**
 * `PIPELINE_*` names that are not synth settings but may be set in the same process: the
 * handlers' own variables (the local run and the integration suite run handlers in-process).
 */
const HANDLER_VARIABLES: ReadonlySet<string> = new Set(
  Object.values(ENV).filter((name) => name.startsWith('PIPELINE_')),
);

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
 * (`PIPELINE_*`), then `context.environments.<env>.<key>`, then `context.<key>`, then the default
 * (every key and its default: `CONFIG_SCHEMA`).
 * @throws ConfigErrors listing every invalid key, its value, its source and what is allowed, and
 * every unknown key or `PIPELINE_*` variable with the closest known name.
 */
export function loadConfig(
  env: EnvironmentName,
  context: RawContext = readCdktfContext(),
  environ: NodeJS.ProcessEnv = process.env,
): PipelineConfig {
  const errors: ConfigError[] = [...unknownNames(env, context, environ)];
  const perEnv = asRecord(asRecord(context.environments)[env]);
  const lookup = (key: ConfigKey): Lookup | undefined => {
    const envVar = environ[CONFIG_SCHEMA[key].envVar];
    if (envVar !== undefined && envVar !== '') return { value: envVar, source: CONFIG_SCHEMA[key].envVar };
    if (perEnv[key] !== undefined) return { value: perEnv[key], source: `context.environments.${env}` };
    if (context[key] !== undefined) return { value: context[key], source: 'context' };
    return undefined;
  };

  const resolved: Record<string, unknown> = { env };
  for (const [key, spec] of Object.entries(CONFIG_SCHEMA) as [ConfigKey, ConfigKeySpec<unknown>][]) {
    const found = lookup(key);
    const parsed = found ? spec.parse(found.value, resolved as Resolved) : spec.defaultValue(resolved as Resolved);
    if (parsed instanceof Invalid) {
      const allowed = typeof spec.allowed === 'string' ? spec.allowed : spec.allowed(resolved as Resolved);
      if (parsed.nested.length > 0)
        for (const issue of parsed.nested)
          errors.push(new ConfigError(issue.key, issue.value, issue.allowed, found!.source));
      else errors.push(new ConfigError(key, found!.value, parsed.allowed ?? allowed, found!.source));
      resolved[key] = spec.defaultValue(resolved as Resolved);
      continue;
    }
    const violation = spec.check?.(parsed, resolved as Resolved);
    if (violation !== undefined) errors.push(new ConfigError(key, parsed, violation, found?.source ?? 'default'));
    resolved[key] = parsed;
  }
  if (errors.length > 0) throw new ConfigErrors(errors);
  return resolved as unknown as PipelineConfig;
}

/** Unknown context keys, unknown environments and unknown `PIPELINE_*` variables, each with the closest known name. */
function unknownNames(env: EnvironmentName, context: RawContext, environ: NodeJS.ProcessEnv): ConfigError[] {
  const errors: ConfigError[] = [];
  const keys = Object.keys(CONFIG_SCHEMA);
  const perEnv = asRecord(asRecord(context.environments)[env]);
  for (const [scope, block] of [
    ['context', context],
    [`context.environments.${env}`, perEnv],
  ] as const) {
    for (const key of Object.keys(block)) {
      if (key in CONFIG_SCHEMA || (scope === 'context' && STRUCTURAL_KEYS.has(key))) continue;
      errors.push(new ConfigError(key, block[key], knownNameHint(key, keys), scope));
    }
  }
  const envsBlock = asRecord(context.environments);
  for (const name of Object.keys(envsBlock)) {
    if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
      errors.push(new ConfigError(`environments.${name}`, envsBlock[name], ENVIRONMENTS.join(' | '), 'context'));
    }
  }
  for (const name of Object.keys(environ).sort()) {
    if (!name.startsWith('PIPELINE_') || SYNTH_VARIABLES.includes(name) || HANDLER_VARIABLES.has(name)) continue;
    errors.push(new ConfigError(name, environ[name], knownNameHint(name, SYNTH_VARIABLES), 'environment'));
  }
  return errors;
}

/** "did you mean X?" plus the full list, so a typo is fixed in one look. */
function knownNameHint(name: string, known: readonly string[]): string {
  const closest = [...known].sort((a, b) => editDistance(name, a) - editDistance(name, b))[0];
  return `a known name (did you mean ${closest}?): one of ${known.join(', ')}`;
}

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
