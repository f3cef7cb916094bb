import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BUNDLE_SETTINGS,
  MissingFunctionEntryError,
  bundleFunctions,
  findFunctionEntries,
  requireBundle,
  type FunctionBundles,
} from '../../build/function-bundles';

// Fixture handlers live inside the project (under the git-ignored .build/) like real ones do,
// so source-map paths are checked in the same shape as for functions/<name>/index.ts.
const projectRoot = resolve(__dirname, '../..');
mkdirSync(join(projectRoot, '.build'), { recursive: true });
const root = mkdtempSync(join(projectRoot, '.build', 'bundle-fixture-'));
const functionsDir = join(root, 'functions');
const outDir = join(root, 'out');

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

let bundles: FunctionBundles;

beforeAll(() => {
  write(
    join(functionsDir, 'lib', 'greeting.ts'),
    'export const greeting = (name: string): string => `hello ${name}`;\n',
  );
  // A library folder with an index.ts (re-exports) is not a handler.
  write(join(functionsDir, 'lib', 'index.ts'), "export * from './greeting';\n");
  write(
    join(functionsDir, 'alpha', 'index.ts'),
    [
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import { greeting } from '../lib/greeting';",
      'export const handler = async (): Promise<string> => `${greeting("alpha")} ${typeof S3Client}`;',
    ].join('\n'),
  );
  write(join(functionsDir, 'beta', 'index.ts'), 'export const handler = async (): Promise<number> => 42;\n');
  mkdirSync(join(functionsDir, 'no-entry'), { recursive: true });
  bundles = bundleFunctions({ functionsDir, outDir, force: true });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bundleFunctions', () => {
  it('finds every handler folder with an index.ts, and no library folder', () => {
    expect(findFunctionEntries(functionsDir)).toEqual(['alpha', 'beta']);
    expect(Object.keys(bundles).sort()).toEqual(['alpha', 'beta']);
  });

  it('builds a CommonJS bundle whose handler runs', async () => {
    const bundle = requireBundle(bundles, 'alpha');
    const code = readFileSync(join(bundle.dir, 'index.js'), 'utf8');
    expect(bundle.bytes).toBe(Buffer.byteLength(code));
    const loaded = jest.requireActual<{ handler: () => Promise<string> }>(join(bundle.dir, 'index.js'));
    await expect(loaded.handler()).resolves.toBe('hello alpha function');
  });

  it('leaves the AWS SDK to the Lambda runtime (external) and bundles everything else', () => {
    const code = readFileSync(join(bundles.alpha.dir, 'index.js'), 'utf8');
    expect(code).toContain('require("@aws-sdk/client-s3")');
    expect(code).toContain('hello ');
    expect(BUNDLE_SETTINGS).toMatchObject({
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minify: true,
      sourcemap: 'linked',
    });
  });

  it('writes an external source map with relative sources and no machine paths', () => {
    const map = JSON.parse(readFileSync(join(bundles.alpha.dir, 'index.js.map'), 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
    };
    expect(map.sources.length).toBeGreaterThanOrEqual(2);
    for (const source of map.sources) {
      expect(source.startsWith('/')).toBe(false);
      expect(source).not.toContain(projectRoot);
    }
    expect(map.sources.some((s) => s.endsWith('alpha/index.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
    expect(readFileSync(join(bundles.alpha.dir, 'index.js'), 'utf8')).toContain('//# sourceMappingURL=index.js.map');
  });

  it('is deterministic: rebuilding the same sources gives the same zip bytes, alone or with the other handlers', () => {
    // `bundles` built alpha and beta in one esbuild run; this builds beta on its own.
    const first = readFileSync(bundles.beta.zipPath);
    const again = bundleFunctions({ functionsDir, outDir, names: ['beta'], force: true });
    expect(again.beta.rebuilt).toBe(true);
    expect(readFileSync(again.beta.zipPath).equals(first)).toBe(true);
  });

  it('reuses a bundle when no input changed and rebuilds when one did', () => {
    expect(bundleFunctions({ functionsDir, outDir, names: ['alpha'] }).alpha.rebuilt).toBe(false);
    write(
      join(functionsDir, 'lib', 'greeting.ts'),
      'export const greeting = (name: string): string => `hi ${name}`;\n',
    );
    const rebuilt = bundleFunctions({ functionsDir, outDir, names: ['alpha'] }).alpha;
    expect(rebuilt.rebuilt).toBe(true);
    expect(readFileSync(join(rebuilt.dir, 'index.js'), 'utf8')).toContain('hi ');
  });

  it('rebuilds only the handler whose own inputs changed, not the others built with it', () => {
    write(join(functionsDir, 'beta', 'index.ts'), 'export const handler = async (): Promise<number> => 43;\n');
    const next = bundleFunctions({ functionsDir, outDir });
    expect(next.beta.rebuilt).toBe(true);
    expect(next.alpha.rebuilt).toBe(false);
    expect(readFileSync(join(next.beta.dir, 'index.js'), 'utf8')).toContain('43');
  });

  it('rebuilds a bundle recorded by a build made another way, even with unchanged inputs', () => {
    expect(bundleFunctions({ functionsDir, outDir, names: ['beta'] }).beta.rebuilt).toBe(false);
    // The manifest format of the per-handler builds: input hashes only, no build fingerprint.
    const manifest = join(outDir, '.inputs', 'beta.json');
    const { inputs } = JSON.parse(readFileSync(manifest, 'utf8')) as { inputs: Record<string, string> };
    writeFileSync(manifest, JSON.stringify(inputs));
    expect(bundleFunctions({ functionsDir, outDir, names: ['beta'] }).beta.rebuilt).toBe(true);
    expect(bundleFunctions({ functionsDir, outDir, names: ['beta'] }).beta.rebuilt).toBe(false);
  });

  it('fails with a message naming a function that has no entry', () => {
    expect(() => bundleFunctions({ functionsDir, outDir, names: ['no-entry'] })).toThrow(MissingFunctionEntryError);
    expect(() => requireBundle(bundles, 'validate-file')).toThrow(/functions\/validate-file\/index\.ts does not exist/);
  });
});
