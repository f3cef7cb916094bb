import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const projectRoot = resolve(__dirname, '../..');
const SKIP = new Set(['node_modules', '.build', 'cdktf.out', '.git', '.gen', '.venv', 'coverage']);
/**
 * The benchmark's deliberately naive baseline (barrel import + ts-node) that our synth is
 * compared against; excluded from tsconfig and never imported by the app.
 */
const DELIBERATE_BASELINE = join('bench', 'baseline-app');

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (SKIP.has(entry.name) || relative(projectRoot, path) === DELIBERATE_BASELINE) return [];
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('imports of @cdktf/provider-aws', () => {
  it('never use the barrel (it loads ~270 MB of modules); only @cdktf/provider-aws/lib/<resource>', () => {
    // Built from pieces so this file does not match itself.
    const barrel = new RegExp(`(from\\s+|require\\(\\s*|import\\(\\s*)['"]@cdktf/provider-aws(/lib)?/?['"]`);
    const offenders = typeScriptFiles(projectRoot).filter((file) => barrel.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => relative(projectRoot, file))).toEqual([]);
  });

  it('finds the deep imports it checks (the scan covers the infrastructure code)', () => {
    const deep = typeScriptFiles(projectRoot).filter((file) =>
      readFileSync(file, 'utf8').includes('@cdktf/provider-aws/lib/'),
    );
    expect(deep.map((file) => relative(projectRoot, file))).toEqual(
      expect.arrayContaining(['modules/compute/pipeline-function.ts', 'stacks/foundation.ts']),
    );
  });
});
