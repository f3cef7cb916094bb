/**
 * The layout is part of the architecture: these rules keep the layers apart (README: Code layout).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(__dirname, '..');

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Top-level folders a file's relative imports reach. */
function importedFolders(file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8');
  const specs = [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\s*\(\s*)'(\.{1,2}\/[^']*)'/g)].map(
    (m) => m[1],
  );
  return specs.map((spec) => relative(root, resolve(join(root, dirname(file)), spec)).split(sep)[0]);
}

const violations = (folders: string[], forbidden: string[]): string[] =>
  folders.flatMap((folder) =>
    tsFiles(folder).flatMap((file) =>
      importedFolders(file)
        .filter((target) => forbidden.includes(target))
        .map((target) => `${file} imports ${target}/`),
    ),
  );

describe('layout', () => {
  it('keeps the infrastructure side free of handler, local, reconcile, security and bench code', () => {
    expect(
      violations(['contract', 'config', 'modules', 'stacks'], ['functions', 'local', 'reconcile', 'security', 'bench']),
    ).toEqual([]);
  });

  it('keeps the handlers free of infrastructure, local and tooling code: they read their environment', () => {
    expect(violations(['functions'], ['modules', 'stacks', 'config', 'local', 'reconcile', 'build'])).toEqual([]);
  });

  it('keeps contract/ the ground floor: it imports nothing of the project', () => {
    expect(tsFiles('contract').flatMap((file) => importedFolders(file).filter((t) => t !== 'contract'))).toEqual([]);
  });

  it('keeps scripts/ to shell glue', () => {
    expect(readdirSync(join(root, 'scripts')).filter((name) => !name.endsWith('.sh'))).toEqual([]);
  });
});
