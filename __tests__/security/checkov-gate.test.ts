/**
 * The policy gate: checkov over every synthesized stack (both environments, the VPC variant so
 * the network checks run, the JWT variant for the other API auth mode), with the reviewed skip
 * list, must report 0 failures; and every skip must still be needed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { checkovReadableCopy, parseCheckovReport, type CheckovResult } from '../../security/checkov';
import { missingEnvironments, runGate, type GateRun } from '../../security/gate';
import {
  applySkipList,
  InvalidSkipListError,
  loadSkipList,
  SKIP_LIST_PATH,
  validateSkipList,
  type CheckovSkip,
} from '../../security/skip-list';
import type { SynthesizedStack } from '../../security/terraform-json';
import { stacksOf, SYNTH_TIMEOUT_MS } from './support/synthesized';

const describeResult = (r: CheckovResult): string => `${r.stack} ${r.checkId} ${r.resource} (${r.checkName})`;

describe('checkov gate over the synthesized stacks', () => {
  let stacks: SynthesizedStack[];
  let run: GateRun;

  beforeAll(() => {
    stacks = [...stacksOf('default'), ...stacksOf('vpc'), ...stacksOf('jwt')];
    run = runGate(stacks);
  }, SYNTH_TIMEOUT_MS);

  it('scans a global and two regional stacks for each of dev and prod, plus the VPC and JWT variants', () => {
    const names = stacks.map((s) => s.name);
    expect(missingEnvironments(stacks)).toEqual([]);
    for (const env of ['dev', 'prod']) {
      expect(names).toContain(`global-${env}`);
      expect(names.filter((n) => n.startsWith(`regional-${env}-`))).toHaveLength(2);
    }
    expect(names.filter((n) => n.startsWith('vpc:regional-prod-'))).toHaveLength(2);
    expect(names.filter((n) => n.startsWith('jwt:regional-dev-'))).toHaveLength(2);
    // Every stack was really evaluated (a parse failure would show as zero checks).
    for (const summary of run.stacks) expect(summary.passed).toBeGreaterThan(5);
  });

  it('leaves 0 failed checks once the reviewed skips are applied', () => {
    expect(run.failures.map(describeResult)).toEqual([]);
  });

  it('has no stale skip: every skipped check still fails when un-skipped', () => {
    // The scan runs without any skip; an entry (or one of its types/scopes) that covers no
    // failure is an exception nobody needs any more.
    expect(run.staleSkips).toEqual([]);
  });

  it('keeps the skip list short, one entry per check, each with a one-line reason', () => {
    const skips = loadSkipList();
    expect(skips.length).toBeLessThanOrEqual(10);
    for (const skip of skips) {
      expect(skip.reason.trim().length).toBeGreaterThanOrEqual(30);
      expect(skip.reason).not.toMatch(/\n|TODO|FIXME/i);
    }
    expect(new Set(skips.map((s) => s.check)).size).toBe(skips.length);
  });

  it('runs the network checks when the VPC is on: flow logs, closed default security group, no public IPs', () => {
    const passedOnVpc = (checkId: string, type: string): string[] =>
      run.results
        .filter(
          (r) =>
            r.stack.startsWith('vpc:regional-') &&
            r.checkId === checkId &&
            r.resourceType === type &&
            r.result === 'passed',
        )
        .map((r) => r.stack);
    // One VPC per regional stack of the variant.
    expect(passedOnVpc('CKV2_AWS_11', 'aws_vpc')).toHaveLength(2);
    expect(passedOnVpc('CKV2_AWS_12', 'aws_vpc')).toHaveLength(2);
    expect(passedOnVpc('CKV_AWS_130', 'aws_subnet').length).toBeGreaterThanOrEqual(4);
  });

  it('checks route authorisation in both API auth modes', () => {
    const routeAuth = run.results.filter(
      (r) => r.checkId === 'CKV_AWS_309' && r.resourceType === 'aws_apigatewayv2_route',
    );
    expect(routeAuth.length).toBeGreaterThanOrEqual(2 * 4 + 2 * 2);
    expect(routeAuth.filter((r) => r.result !== 'passed')).toEqual([]);
    expect(routeAuth.some((r) => r.stack.startsWith('jwt:'))).toBe(true);
  });
});

describe('skip list semantics', () => {
  const result = (over: Partial<CheckovResult>): CheckovResult => ({
    checkId: 'CKV_AWS_145',
    checkName: 'KMS by default',
    stack: 'regional-dev-us-east-1',
    resource: 'aws_s3_bucket.IngestBucket_1',
    resourceType: 'aws_s3_bucket',
    result: 'failed',
    ...over,
  });
  const skip: CheckovSkip = {
    check: 'CKV_AWS_145',
    reason: 'SSE-S3 is the default outside prod by design',
    resourceTypes: ['aws_s3_bucket'],
    scopes: [{ stacks: ['regional-dev-*'] }, { resources: ['AccessLogBucket_*'] }],
  };

  it('counts a covered failure as skipped and an uncovered one as failed', () => {
    const verdict = applySkipList(
      [
        result({}),
        result({ stack: 'regional-prod-us-east-1', resource: 'aws_s3_bucket.AccessLogBucket_9' }),
        result({ stack: 'regional-prod-us-east-1', resource: 'aws_s3_bucket.IngestBucket_1' }),
        result({ result: 'passed', stack: 'global-dev' }),
      ],
      [skip],
      ['global-dev', 'regional-dev-us-east-1', 'regional-prod-us-east-1'],
    );
    expect(verdict.stacks).toEqual([
      { stack: 'global-dev', passed: 1, failed: 0, skipped: 0 },
      { stack: 'regional-dev-us-east-1', passed: 0, failed: 0, skipped: 1 },
      { stack: 'regional-prod-us-east-1', passed: 0, failed: 1, skipped: 1 },
    ]);
    expect(verdict.failures.map((f) => f.resource)).toEqual(['aws_s3_bucket.IngestBucket_1']);
    expect(verdict.ok).toBe(false);
    expect(verdict.staleSkips).toEqual([]);
  });

  it('reports an entry, a scope or a resource type that matches no failure as stale', () => {
    const wide: CheckovSkip = { ...skip, resourceTypes: ['aws_s3_bucket', 'aws_sqs_queue'] };
    const verdict = applySkipList([result({})], [wide, { ...skip, check: 'CKV_AWS_18' }], ['regional-dev-us-east-1']);
    expect(verdict.staleSkips.map((s) => `${s.check}: ${s.detail}`)).toEqual([
      'CKV_AWS_145: resource type aws_sqs_queue no longer fails: remove it from resourceTypes',
      expect.stringMatching(/^CKV_AWS_145: scope 1 .* matches no failure/),
      expect.stringMatching(/^CKV_AWS_145: scope 1: resource glob AccessLogBucket_\* matches no failure/),
      'CKV_AWS_18: no failing check matches this entry any more: remove it',
    ]);
  });

  it('rejects entries without a reason, with duplicates or without resource types', () => {
    expect(() => validateSkipList([{ check: 'CKV_AWS_1', resourceTypes: ['aws_s3_bucket'] }])).toThrow(
      InvalidSkipListError,
    );
    expect(() =>
      validateSkipList([{ check: 'CKV_AWS_1', reason: 'a reason that is long enough', resourceTypes: [] }]),
    ).toThrow(/resourceTypes/);
    const ok = { check: 'CKV_AWS_1', reason: 'a reason that is long enough', resourceTypes: ['aws_s3_bucket'] };
    expect(() => validateSkipList([ok, ok])).toThrow(/listed twice/);
    expect(() => validateSkipList([{ ...ok, reason: 'two\nlines of reason' }])).toThrow(/one line/);
    expect(() => validateSkipList([{ ...ok, check: 'not-an-id' }])).toThrow(/checkov id/);
    expect(() => validateSkipList([{ ...ok, stacks: ['*-dev'] }])).toThrow(/unknown key\(s\) stacks/);
    expect(() => validateSkipList([{ ...ok, scopes: [{ stack: ['x'] }] }])).toThrow(/stacks and\/or resources only/);
  });

  it('ships a skip list that validates', () => {
    const shipped = JSON.parse(readFileSync(SKIP_LIST_PATH, 'utf8')) as { skips: unknown[] };
    expect(() => validateSkipList(shipped.skips)).not.toThrow();
  });
});

describe('checkov input', () => {
  it('scans a copy without required_version, which checkov 3.3.30 cannot parse, keeping every other line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkov-copy-'));
    try {
      const stack = {
        resource: { aws_sqs_queue: { q: { name: 'q' } } },
        terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } }, required_version: '>= 1.10' },
      };
      const original = join(dir, 'cdk.tf.json');
      writeFileSync(original, JSON.stringify(stack, null, 2));
      const copy = readFileSync(checkovReadableCopy(original, join(dir, 'copy')), 'utf8');
      const lines = readFileSync(original, 'utf8').split('\n');
      expect(copy.split('\n')).toHaveLength(lines.length);
      const parsed = JSON.parse(copy) as typeof stack;
      expect(parsed.terraform).not.toHaveProperty('required_version');
      expect({ ...parsed, terraform: { required_providers: parsed.terraform.required_providers } }).toEqual({
        ...stack,
        terraform: { required_providers: stack.terraform.required_providers },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('checkov report parsing', () => {
  it('restores the resource type checkov drops from some Terraform JSON addresses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkov-report-'));
    const file = join(dir, 'stacks', 'regional-dev-us-east-1', 'cdk.tf.json');
    const json = { resource: { aws_sqs_queue: { Queue_1: {} } }, data: { aws_availability_zones: { Zones_2: {} } } };
    mkdirSync(join(dir, 'stacks', 'regional-dev-us-east-1'), { recursive: true });
    writeFileSync(file, JSON.stringify(json, null, 2));
    const report = {
      check_type: 'terraform_json',
      results: {
        passed_checks: [
          {
            check_id: 'CKV_AWS_27',
            check_name: 'SQS encrypted',
            file_path: '/stacks/regional-dev-us-east-1/cdk.tf.json',
            resource: 'resource.Queue_1',
          },
        ],
        failed_checks: [
          {
            check_id: 'CKV_AWS_394',
            check_name: 'AZs pinned',
            file_path: '/stacks/regional-dev-us-east-1/cdk.tf.json',
            resource: 'data.Zones_2',
          },
        ],
      },
    };
    const results = parseCheckovReport(JSON.stringify(report), [{ name: 'regional-dev-us-east-1', file, json }], dir);
    expect(results.map((r) => [r.stack, r.resource, r.resourceType, r.result])).toEqual([
      ['regional-dev-us-east-1', 'aws_sqs_queue.Queue_1', 'aws_sqs_queue', 'passed'],
      ['regional-dev-us-east-1', 'data.aws_availability_zones.Zones_2', 'data.aws_availability_zones', 'failed'],
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a result for a file it did not scan', () => {
    const report = {
      check_type: 'terraform_json',
      results: {
        failed_checks: [
          { check_id: 'CKV_AWS_1', check_name: 'x', file_path: '/elsewhere.json', resource: 'aws_s3_bucket.b' },
        ],
      },
    };
    expect(() => parseCheckovReport(JSON.stringify(report), [], '/')).toThrow(/not scanned/);
  });
});

describe('checkov gate CLI', () => {
  it('prints counts per stack, lists the failures and unmatched skips, and exits 1 when a check fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkov-cli-'));
    try {
      // A bucket with none of the protections: public access, TLS, versioning... all fail.
      const stack = { resource: { aws_s3_bucket: { Bare_1: { bucket: 'bare-bucket-for-the-gate-test' } } } };
      for (const name of ['global-dev', 'global-prod']) {
        mkdirSync(join(dir, 'stacks', name), { recursive: true });
        writeFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
      }
      const root = join(__dirname, '..', '..');
      const gate = (...args: string[]) =>
        spawnSync(
          join(root, 'node_modules', '.bin', 'tsx'),
          [join(root, 'security', 'checkov-gate.ts'), '--outdir', dir, '--no-synth', ...args],
          { encoding: 'utf8' },
        );
      const run = gate();
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/^global-dev\s+\d+\s+[1-9]\d*\s+\d+$/m);
      expect(run.stdout).toContain('CKV2_AWS_6  aws_s3_bucket.Bare_1');
      expect(run.stdout).toContain('checkov gate: FAIL');
      // Skips that cover nothing here (no functions, no state machine) are reported, not fatal.
      expect(run.stdout).toContain('SKIPS THAT MATCHED NOTHING IN THIS SCAN');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
