import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** `scripts/deploy.sh` with `args`, synthesizing into a temporary directory. */
function deploy(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'deploy-script-'));
  try {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIPELINE_')));
    const run = spawnSync('bash', ['scripts/deploy.sh', ...args], {
      cwd: root,
      env: { ...clean, CDKTF_OUTDIR: outdir, ...env },
      encoding: 'utf8',
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr.replaceAll(outdir, '<outdir>') };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('scripts/deploy.sh', () => {
  it('deploys global-<env> first, then the primary and DR regional stacks, never bootstrap', () => {
    const { status, stdout } = deploy(['prod', '--dry-run']);
    expect(status).toBe(0);
    const stacks = stdout
      .trim()
      .split('\n')
      .map((line) => /^npx cdktf deploy (\S+) --output \S+ --auto-approve --skip-synth/.exec(line)?.[1]);
    expect(stacks).toEqual(['global-prod', 'regional-prod-us-east-1', 'regional-prod-us-west-2']);
  }, 60_000);

  it('follows the configured regions', () => {
    const { stdout } = deploy(['dev', '--dry-run'], {
      PIPELINE_PRIMARY_REGION: 'eu-west-1',
      PIPELINE_DR_REGION: 'eu-central-1',
    });
    expect(stdout).toMatch(/global-dev[\s\S]*regional-dev-eu-west-1[\s\S]*regional-dev-eu-central-1/);
  }, 60_000);

  it('stops before deploying anything when the configuration is invalid, naming the key', () => {
    const { status, stdout, stderr } = deploy(['dev', '--dry-run'], { PIPELINE_S3_ENCRYPTION: 'aes' });
    expect(status).not.toBe(0);
    expect(stdout).not.toContain('cdktf deploy');
    expect(stderr).toContain('s3Encryption = "aes"');
  }, 60_000);
});
