/**
 * Shared test fixtures for the infrastructure tests: a config that ignores the caller's
 * environment variables, fake handler bundles (no esbuild run needed), a stack with a provider,
 * and helpers to read synthesized Terraform JSON.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing, type App } from 'cdktf';
import { loadConfig, type EnvironmentName, type PipelineConfig, type RawContext } from '../../config';
import { FUNCTION_NAMES } from '../../contract';
import { createZip } from '../../build/deterministic-zip';
import type { FunctionBundles } from '../../build/function-bundles';
import type { FunctionHandle } from '../../modules/compute/function-handle';
import { decodeJsonAttribute } from '../../security/hcl-expression';

/** Config of `env` from `context` only (process env vars are ignored so a developer's shell cannot change results). */
export function testConfig(context: RawContext = {}, env: EnvironmentName = 'dev'): PipelineConfig {
  return loadConfig(env, context, {});
}

let fakeBundles: FunctionBundles | undefined;
/** One tiny zip per FUNCTION_NAMES entry, built once per test file. */
export function fakeFunctionBundles(): FunctionBundles {
  if (fakeBundles) return fakeBundles;
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-bundles-'));
  const bundles: Record<string, FunctionBundles[string]> = {};
  for (const name of FUNCTION_NAMES) {
    const zipPath = join(dir, `${name}.zip`);
    const code = Buffer.from(`exports.handler=async()=>${JSON.stringify(name)};`);
    writeFileSync(zipPath, createZip([{ name: 'index.js', data: code }]));
    bundles[name] = { name, dir, zipPath, bytes: code.length, rebuilt: true };
  }
  fakeBundles = bundles;
  return bundles;
}

/** A stack with a default AWS provider in `region`. */
export function testStack(region = 'us-east-1', app: App = Testing.app()): TerraformStack {
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region });
  return stack;
}

/** Synthesized Terraform JSON of a stack. */
export interface TerraformJson {
  terraform?: { backend?: Record<string, Record<string, unknown>> };
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; description?: string }>;
}

/** `Testing.synth` output, parsed. */
export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** Every resource of `type`, as synthesized (snake_case keys, metadata removed). */
export function resourcesOf(json: TerraformJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource?.[type] ?? {}).map((r) => {
    const { ['//']: _metadata, ...rest } = r;
    return rest;
  });
}

/** The single resource of `type`; fails when there is not exactly one. */
export function onlyResource(json: TerraformJson, type: string): Record<string, unknown> {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** An IAM-style policy document parsed from a resource attribute. */
export interface ParsedPolicy {
  Statement: {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource?: string | string[];
    Principal?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
  }[];
}

/**
 * A JSON-valued attribute as synthesized (`${jsonencode(...)}` or a JSON string), decoded;
 * Terraform references come back as `${...}` text.
 */
export function decodeJson(value: unknown): unknown {
  return decodeJsonAttribute(value as string, 'test attribute');
}

/** A policy attribute as synthesized, parsed. */
export function parsePolicy(value: unknown): ParsedPolicy {
  return decodeJson(value) as ParsedPolicy;
}

/** Statement `sid` of a parsed policy; fails when absent. */
export function statement(policy: ParsedPolicy, sid: string): ParsedPolicy['Statement'][number] {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${policy.Statement.map((s) => s.Sid).join(', ')}`);
  return found;
}

/** Every policy document in a synthesized stack (role, trust, bucket, queue, topic, key, log policies). */
export function allPolicies(json: TerraformJson): { address: string; raw: string; policy: ParsedPolicy }[] {
  const found: { address: string; raw: string; policy: ParsedPolicy }[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, resource] of Object.entries(byName)) {
      for (const attribute of ['policy', 'policy_document', 'assume_role_policy']) {
        if (typeof resource[attribute] === 'string')
          found.push({
            address: `${type}.${name}.${attribute}`,
            raw: resource[attribute],
            policy: parsePolicy(resource[attribute]),
          });
      }
    }
  }
  return found;
}

/** A FunctionHandle that records grants and environment (for constructs that take a function). */
export class FakeFunction implements FunctionHandle {
  readonly functionName: string;
  readonly arn: string;
  readonly invokeArn: string;
  readonly roleName: string;
  readonly grants: { sid: string; actions: string[]; resources: string[] }[] = [];
  readonly environment: Record<string, string> = {};

  constructor(
    readonly name: string,
    readonly timeoutSeconds = 60,
    readonly reservedConcurrency = -1,
  ) {
    this.functionName = `fn-${name}`;
    this.arn = `arn:aws:lambda:us-east-1:test-account:function:fn-${name}`;
    this.invokeArn = `arn:aws:apigateway:us-east-1:lambda:path/functions/${this.arn}/invocations`;
    this.roleName = `role-${name}`;
  }

  allow(sid: string, actions: string[], resources: string[]): void {
    this.grants.push({ sid, actions, resources });
  }

  setEnvironment(name: string, value: string): void {
    this.environment[name] = value;
  }
}
