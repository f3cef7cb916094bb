import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format as formatHcl } from '@cdktf/hcl-tools';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { buildApp } from '../main';
import { ENV, FUNCTION_NAMES } from '../contract';
import { bundleFunctions } from '../build/function-bundles';
import { FUNCTION_ENVIRONMENT } from '../stacks/function-permissions';
import type { TerraformJson } from './stacks/fixtures';

const projectRoot = resolve(__dirname, '..');
const STACKS = [
  'bootstrap',
  'global-dev',
  'global-prod',
  'regional-dev-us-east-1',
  'regional-dev-us-west-2',
  'regional-prod-us-east-1',
  'regional-prod-us-west-2',
];
const REGIONAL_OUTPUTS = [
  'api_url',
  'ingest_bucket_name',
  'archive_bucket_name',
  'table_name',
  'table_arn',
  'event_bus_name',
  'alerts_topic_arn',
  'notifications_topic_arn',
  'state_machine_arn',
  'processing_queue_url',
  'dlq_url',
];

/** The app reads PIPELINE_* variables; a developer's shell must not change what the tests see. */
function withoutPipelineEnv<T>(run: () => T): T {
  const saved = Object.entries(process.env).filter(([k]) => k.startsWith('PIPELINE_'));
  for (const [k] of saved) delete process.env[k];
  try {
    return run();
  } finally {
    for (const [k, v] of saved) process.env[k] = v;
  }
}

function synthInto(outdir: string, env?: string): void {
  withoutPipelineEnv(() => {
    if (env) process.env.PIPELINE_ENV = env;
    try {
      buildApp({ outdir }).synth();
    } finally {
      delete process.env.PIPELINE_ENV;
    }
  });
}

const outdir = mkdtempSync(join(tmpdir(), 'pipeline-synth-'));
let manifest: { stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string }> };
const stackJson = (name: string): TerraformJson =>
  JSON.parse(readFileSync(join(outdir, manifest.stacks[name].synthesizedStackPath), 'utf8')) as TerraformJson;

beforeAll(() => {
  synthInto(outdir);
  manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as typeof manifest;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the app (every environment)', () => {
  it('synthesizes the bootstrap stack, then a global and two regional stacks per environment', () => {
    expect(Object.keys(manifest.stacks).sort()).toEqual(STACKS);
  });

  it('requires Terraform >= 1.10 (S3-native locking) and the exact AWS provider of the bindings in every stack', () => {
    for (const name of STACKS) {
      const terraform = stackJson(name).terraform as Record<string, unknown>;
      expect({ name, required_version: terraform.required_version }).toEqual({ name, required_version: '>= 1.10' });
      expect(terraform.required_providers).toEqual({ aws: { source: 'aws', version: '6.25.0' } });
    }
  });

  it('deploys regional stacks after their environment’s global stack, and bootstrap on its own', () => {
    expect(manifest.stacks.bootstrap.dependencies).toEqual([]);
    for (const env of ['dev', 'prod']) {
      for (const region of ['us-east-1', 'us-west-2'])
        expect(manifest.stacks[`regional-${env}-${region}`].dependencies).toEqual([`global-${env}`]);
    }
  });

  it('gives every stack an S3 backend with locking and its own state key', () => {
    const keys = STACKS.map((name) => {
      const backend = stackJson(name).terraform?.backend?.s3;
      expect(backend).toMatchObject({ use_lockfile: true, encrypt: true });
      return backend?.key;
    });
    expect(new Set(keys).size).toBe(STACKS.length);
  });

  it('tags every taggable resource with Environment and Project through every provider', () => {
    for (const name of STACKS) {
      // The state buckets serve both environments.
      const env = name === 'bootstrap' ? 'dev+prod' : name.includes('prod') ? 'prod' : 'dev';
      const json = stackJson(name);
      for (const provider of json.provider?.aws ?? []) {
        expect(provider.default_tags).toEqual([
          { tags: expect.objectContaining({ Environment: env, Project: 'market-data-pipeline' }) },
        ]);
      }
      // No resource overrides the default tags with other values.
      for (const byName of Object.values(json.resource ?? {})) {
        for (const resource of Object.values(byName)) {
          const tags = resource.tags as Record<string, string> | undefined;
          if (tags) expect(tags).not.toHaveProperty('Environment');
        }
      }
    }
  });

  it('outputs API URL, buckets, table, bus, topics, state machine and queue URLs from every regional stack', () => {
    for (const name of STACKS.filter((s) => s.startsWith('regional'))) {
      expect(Object.keys(stackJson(name).output ?? {})).toEqual(expect.arrayContaining(REGIONAL_OUTPUTS));
    }
    expect(Object.keys(stackJson('global-prod').output ?? {})).toEqual(
      expect.arrayContaining(['table_name', 'table_arn', 'primary_stream_arn', 'dr_stream_arn']),
    );
  });

  it('DR stack never reads primary state, also after full synthesis', () => {
    for (const env of ['dev', 'prod']) {
      const text = readFileSync(
        join(outdir, manifest.stacks[`regional-${env}-us-west-2`].synthesizedStackPath),
        'utf8',
      );
      expect(text).not.toContain('terraform_remote_state');
      // Only the bars function's list of the pipeline's regions names it (configuration, not state).
      expect(text.replace(/"PIPELINE_REGIONS": "us-east-1,us-west-2"/g, '')).not.toContain('us-east-1');
    }
  });

  it('ships every function bundle as an asset file next to the stack', () => {
    for (const name of STACKS.filter((s) => s.startsWith('regional'))) {
      for (const fn of Object.values(stackJson(name).resource?.aws_lambda_function ?? {})) {
        expect(existsSync(join(outdir, 'stacks', name, fn.filename as string))).toBe(true);
      }
    }
  });

  it(
    'sets on each function exactly the variables its bundled code reads ' +
      '(through functions/lib/runtime/environment `env`)',
    () => {
      const bundles = bundleFunctions();
      for (const name of FUNCTION_NAMES) {
        const code = readFileSync(join(bundles[name].dir, 'index.js'), 'utf8');
        // Accessor names survive minification as property names: `env.tableName()` → `.tableName()`.
        const read = (Object.keys(ENV) as (keyof typeof ENV)[]).filter(
          (key) => key !== 'pipelineRegion' && code.includes(`.${key}()`),
        );
        expect({ name, read: read.sort() }).toEqual({ name, read: [...FUNCTION_ENVIRONMENT[name]].sort() });
      }
    },
  );

  it('prod encrypts the buckets with the data key (cdktf.json sets s3Encryption: kms), dev uses SSE-S3', () => {
    const rules = (name: string): string =>
      JSON.stringify(stackJson(name).resource?.aws_s3_bucket_server_side_encryption_configuration);
    expect(rules('regional-prod-us-east-1')).toContain('aws:kms');
    expect(rules('regional-dev-us-east-1')).not.toContain('aws:kms');
  });

  it('is deterministic: a second synthesis gives the same code hashes (no diff churn)', () => {
    const again = mkdtempSync(join(tmpdir(), 'pipeline-synth-'));
    try {
      // One environment is enough to compare, and halves the cost.
      synthInto(again, 'prod');
      for (const name of ['global-prod', 'regional-prod-us-east-1', 'regional-prod-us-west-2']) {
        const path = manifest.stacks[name].synthesizedStackPath;
        expect(readFileSync(join(again, path), 'utf8')).toBe(readFileSync(join(outdir, path), 'utf8'));
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});

/** Runs main.ts as the cdktf CLI does (`app` in cdktf.json), into `CDKTF_OUTDIR`. */
function runMain(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIPELINE_')));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: projectRoot,
    env: { ...clean, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: join(outdir, 'unused'), ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `type.name` of every resource and data source, and every output name, of a stack. */
function addresses(json: {
  resource?: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
  output?: Record<string, unknown>;
}): string[] {
  const blocks = (kind: string, byType: Record<string, Record<string, unknown>> = {}): string[] =>
    Object.entries(byType).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${kind}${type}.${name}`));
  return [
    ...blocks('', json.resource),
    ...blocks('data.', json.data),
    ...Object.keys(json.output ?? {}).map((name) => `output.${name}`),
  ].sort();
}

describe('main.ts as a program: plain HCL (cdktf synth --hcl)', () => {
  const hclDir = join(outdir, 'hcl');
  const stackFiles = (dir: string, name: string): string[] => readdirSync(join(dir, 'stacks', name)).sort();
  let stdout = '';

  beforeAll(() => {
    const run = runMain({ SYNTH_HCL_OUTPUT: 'true', CDKTF_OUTDIR: hclDir });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    stdout = run.stdout;
  }, 120_000);

  it('prints every stack it wrote with its resource, data source and output counts and its file', () => {
    expect(stdout).toContain('Synthesized 7 stacks (HCL):');
    for (const name of STACKS) {
      const json = stackJson(name);
      const count = (byType: Record<string, Record<string, unknown>> = {}): number =>
        Object.values(byType).reduce((n, byName) => n + Object.keys(byName).length, 0);
      const line = stdout.split('\n').find((l) => l.trim().startsWith(`${name} `));
      expect(line).toMatch(
        new RegExp(
          `^ +${name} +${count(json.resource)} resources +${count(json.data)} data sources +` +
            `${Object.keys(json.output ?? {}).length} outputs +${join(hclDir, 'stacks', name, 'cdk.tf')}$`,
        ),
      );
    }
  });

  it.each(STACKS)(
    '%s: cdk.tf, formatted as the CLI does, is valid HCL with the blocks and Terraform version of the JSON',
    async (name) => {
      const file = join(hclDir, 'stacks', name, 'cdk.tf');
      const hcl = await formatHcl(readFileSync(file, 'utf8'));
      let parsed: Parameters<typeof addresses>[0];
      try {
        parsed = (await parseHcl(file, hcl)) as Parameters<typeof addresses>[0];
      } catch (error) {
        // The first parse errors are what a reader needs; the full list repeats them per line.
        throw new Error(`${name}/cdk.tf is not valid HCL: ${String(error).slice(0, 600)}`, { cause: error });
      }
      expect(addresses(parsed)).toEqual(addresses(stackJson(name)));
      expect(addresses(parsed).length).toBeGreaterThan(10);
      expect((parsed as { terraform: { required_version: string }[] }).terraform[0].required_version).toBe('>= 1.10');
    },
  );

  it('removes the other format’s stack file, so Terraform never loads cdk.tf and cdk.tf.json together', () => {
    for (const name of STACKS) expect(stackFiles(hclDir, name)).not.toContain('cdk.tf.json');
    // A JSON synthesis into the same directory replaces every cdk.tf (one environment: only its stacks).
    const { status } = runMain({ CDKTF_OUTDIR: hclDir, PIPELINE_ENV: 'prod' });
    expect(status).toBe(0);
    for (const name of STACKS.filter((s) => s.includes('prod'))) {
      expect(stackFiles(hclDir, name)).toContain('cdk.tf.json');
      expect(stackFiles(hclDir, name)).not.toContain('cdk.tf');
    }
    // ...and back to HCL.
    expect(runMain({ SYNTH_HCL_OUTPUT: 'true', CDKTF_OUTDIR: hclDir, PIPELINE_ENV: 'prod' }).status).toBe(0);
    for (const name of STACKS.filter((s) => s.includes('prod'))) {
      expect(stackFiles(hclDir, name)).toContain('cdk.tf');
      expect(stackFiles(hclDir, name)).not.toContain('cdk.tf.json');
    }
  }, 120_000);
});

describe('main.ts as a program', () => {
  const run = (env: Record<string, string>): { status: number | null; stderr: string } => runMain(env);

  it('exits 1 with a message naming a bad key, and no stack trace', () => {
    const { status, stderr } = run({ PIPELINE_ENV: 'dev', PIPELINE_S3_ENCRYPTION: 'aes' });
    expect(status).toBe(1);
    expect(stderr).toContain('s3Encryption = "aes" (from PIPELINE_S3_ENCRYPTION); allowed: sse-s3 | kms');
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
