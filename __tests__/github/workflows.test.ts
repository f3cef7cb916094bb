/**
 * The shape of the GitHub Actions workflows, beyond what actionlint checks (scripts/lint-workflows.sh,
 * run by npm test): actions pinned to commit SHAs with their version, OIDC instead of stored keys,
 * telemetry off, the PR plan matrix and comment, the deploy order and approval, the drift report.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  uses?: string;
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown>; 'max-parallel'?: number; 'fail-fast'?: boolean };
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const dir = resolve(__dirname, '../../.github/workflows');
const raw = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const workflows = Object.fromEntries(Object.entries(raw).map(([f, text]) => [f, parse(text) as Workflow]));
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
const uses = (job: Job): string[] => (job.steps ?? []).flatMap((s) => (s.uses ? [s.uses.split('@')[0]] : []));

describe('GitHub Actions workflows', () => {
  it('are the checks, pull-request, deploy and drift workflows', () => {
    expect(Object.keys(workflows).sort()).toEqual(['checks.yml', 'deploy.yml', 'drift.yml', 'pull-request.yml']);
  });

  it('pin every action to a full commit SHA with its version in a comment', () => {
    for (const [file, text] of Object.entries(raw)) {
      for (const line of text.split('\n').filter((l) => /^\s*(- )?uses: /.test(l))) {
        if (/uses: \.\//.test(line)) continue; // a workflow of this repository
        expect(`${file}: ${line.trim()}`).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
  });

  it('read AWS credentials only through OIDC: id-token permission, a role variable, never a stored key', () => {
    for (const [file, text] of Object.entries(raw)) {
      expect(`${file}: ${/secrets\.|aws-access-key-id|aws-secret-access-key/.test(text)}`).toBe(`${file}: false`);
    }
    for (const [file, w] of Object.entries(workflows)) {
      for (const [name, job] of Object.entries(w.jobs)) {
        const credentials = (job.steps ?? []).find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
        if (!credentials) continue;
        expect({ file, name, idToken: job.permissions?.['id-token'] }).toEqual({ file, name, idToken: 'write' });
        expect(credentials.with?.['role-to-assume']).toMatch(/^\$\{\{ vars\.AWS_(PLAN|DEPLOY)_ROLE_ARN \}\}$/);
      }
    }
  });

  it('run with least permissions by default and cdktf telemetry off', () => {
    for (const [file, w] of Object.entries(workflows)) {
      expect({ file, permissions: w.permissions }).toEqual({ file, permissions: { contents: 'read' } });
      expect({ file, telemetry: w.env?.CHECKPOINT_DISABLE }).toEqual({ file, telemetry: '1' });
    }
  });

  it('check every change: install, type-check, lint, workflow lint, unit + security tests, synth, checkov', () => {
    const runs = steps(workflows['checks.yml']).flatMap((s) => (s.run ? [s.run] : []));
    expect(runs.slice(0, 7)).toEqual([
      'npm ci',
      'npm run typecheck',
      'npm run lint',
      'bash scripts/lint-workflows.sh',
      'npx jest --ci --selectProjects unit security',
      'npm start',
      'npm run checkov -- --no-synth',
    ]);
    expect(workflows['checks.yml'].on).toHaveProperty('workflow_call');
  });

  it('plan every synthesized stack on a pull request, one job each, into the job summary and one PR comment', () => {
    const pr = workflows['pull-request.yml'];
    expect(pr.jobs.checks.uses).toBe('./.github/workflows/checks.yml');
    const plan = pr.jobs.plan;
    expect(plan.strategy?.matrix?.stack).toBe('${{ fromJSON(needs.checks.outputs.stacks) }}');
    expect((plan.steps ?? []).map((s) => s.run ?? '').join('\n')).toMatch(
      /npx cdktf diff "\$STACK"[\s\S]*GITHUB_STEP_SUMMARY/,
    );
    const comment = pr.jobs.comment;
    expect(comment.permissions).toEqual({ 'pull-requests': 'write' });
    const script = String(
      (comment.steps ?? []).find((s) => s.uses?.startsWith('actions/github-script@'))?.with?.script,
    );
    // One comment, found by its marker and updated in place.
    expect(script).toContain("const marker = '<!-- cdktf-plan -->'");
    expect(script).toMatch(/updateComment[\s\S]*createComment/);
  });

  it('deploy dev then prod from main, each in its GitHub environment, global stack before regional ones', () => {
    const deploy = workflows['deploy.yml'];
    expect(deploy.on).toHaveProperty('push', { branches: ['main'] });
    expect(deploy.concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
    const job = deploy.jobs.deploy;
    expect(job.needs).toBe('checks');
    expect(job.environment).toBe('${{ matrix.environment }}');
    expect(job.strategy).toEqual({ 'max-parallel': 1, 'fail-fast': true, matrix: { environment: ['dev', 'prod'] } });
    expect(uses(job)).toContain('hashicorp/setup-terraform');
    expect((job.steps ?? []).at(-1)?.run).toBe('bash scripts/deploy.sh "$ENVIRONMENT"');
  });

  it('check for drift on a schedule with plan -detailed-exitcode per stack, opening an issue on drift', () => {
    const drift = workflows['drift.yml'];
    expect(drift.on).toHaveProperty('schedule');
    const job = drift.jobs.drift;
    expect(job.strategy?.matrix?.stack).toBe('${{ fromJSON(needs.stacks.outputs.stacks) }}');
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
    const plan = (job.steps ?? []).find((s) => s.run?.includes('detect-drift.sh'));
    expect(plan?.run).toContain('bash scripts/detect-drift.sh "$STACK" plan.txt');
    expect(readFileSync(resolve(__dirname, '../../scripts/detect-drift.sh'), 'utf8')).toContain(
      'plan -detailed-exitcode',
    );
    const report = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/github-script@'));
    expect(report).toMatchObject({ if: "steps.plan.outputs.status == '2'" });
  });
});
