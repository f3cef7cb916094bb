/**
 * renovate.json groups the packages that must move together: every cdktf, AWS SDK and
 * Powertools package of package.json lands in its group, and the Node pin stays on 22.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface PackageRule {
  groupName?: string;
  matchPackageNames?: string[];
  allowedVersions?: string;
}
const root = resolve(__dirname, '../..');
const renovate = JSON.parse(readFileSync(resolve(root, 'renovate.json'), 'utf8')) as {
  rangeStrategy: string;
  packageRules: PackageRule[];
};
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
const dependencies = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies });

/** Renovate's package-name globs: `**` crosses `/`, `*` does not. */
const matches = (glob: string, name: string): boolean =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*/g, '\0')
      .replace(/\*/g, '[^/]*')
      .replace(/\0/g, '.*')}$`,
  ).test(name);
const groupOf = (name: string): string | undefined =>
  renovate.packageRules.find((r) => r.groupName && r.matchPackageNames?.some((g) => matches(g, name)))?.groupName;

describe('renovate.json', () => {
  it.each([
    ['cdktf', /^(cdktf|cdktf-cli|@cdktf\/.+|constructs)$/],
    ['AWS SDK', /^@aws-sdk\//],
    ['Powertools', /^@aws-lambda-powertools\//],
    ['Node 22', /^(node-(linux|darwin)-.+|@types\/node)$/],
  ])('puts every %s package of package.json in one group', (group, pattern) => {
    const members = dependencies.filter((d) => pattern.test(d));
    expect(members.length).toBeGreaterThan(0);
    expect(members.map((d) => [d, groupOf(d)])).toEqual(members.map((d) => [d, group]));
  });

  it('keeps versions pinned exactly, the Node binaries on 22 and TypeScript on 5.9', () => {
    expect(renovate.rangeStrategy).toBe('pin');
    expect(renovate.packageRules.find((r) => r.groupName === 'Node 22')?.allowedVersions).toBe('22.x');
    expect(renovate.packageRules.find((r) => r.matchPackageNames?.includes('typescript'))?.allowedVersions).toBe(
      '5.9.x',
    );
  });
});
