/**
 * Builds every handler entry `functions/<name>/index.ts` into `.build/functions/<name>/index.js`
 * (+ `index.js.map`) with esbuild, before any stack is constructed: `TerraformAsset` hashes its
 * directory when it is created, so the bundle must already be on disk.
 *
 * Deterministic by construction: no absolute paths (esbuild writes `sources` relative to the
 * output file), no timestamps, no source contents in the map; the same sources give the same
 * bytes and therefore the same asset hash, so `cdktf diff` shows no churn.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync, type Metafile } from 'esbuild';
import { createZip } from './deterministic-zip';

/** Project root (this file lives in `modules/`). */
const PROJECT_ROOT = resolve(__dirname, '..');

/** Options of {@link bundleFunctions}. */
export interface BundleOptions {
  /** Folder holding one sub-folder per handler. Default `<project>/functions`. */
  readonly functionsDir?: string;
  /** Output folder; each handler gets `<outDir>/<name>/index.js`. Default `<project>/.build/functions`. */
  readonly outDir?: string;
  /** Build only these entries (each must exist). Default: every `<functionsDir>/<name>/index.ts`. */
  readonly names?: readonly string[];
  /** Rebuild even when the recorded inputs are unchanged. Default false. */
  readonly force?: boolean;
}

/** One built handler. */
export interface FunctionBundle {
  /** Handler folder name, e.g. `validate-file`. */
  readonly name: string;
  /** Folder that holds only `index.js` and `index.js.map`. */
  readonly dir: string;
  /** Deterministic zip of that folder (`<outDir>/<name>.zip`): the `TerraformAsset` source. */
  readonly zipPath: string;
  /** Size of `index.js` in bytes. */
  readonly bytes: number;
  /** False when the previous build was reused because no input changed. */
  readonly rebuilt: boolean;
}

/** Bundles by handler name. */
export type FunctionBundles = Readonly<Record<string, FunctionBundle>>;

/** Thrown when a stack deploys a function whose entry `functions/<name>/index.ts` does not exist. */
export class MissingFunctionEntryError extends Error {
  constructor(readonly functionName: string) {
    super(
      `No bundle for function "${functionName}": functions/${functionName}/index.ts does not exist. ` +
        'Every name in FUNCTION_NAMES (functions/shared/contract.ts) is deployed, so each needs an entry exporting `handler`.',
    );
    this.name = 'MissingFunctionEntryError';
  }
}

/**
 * esbuild settings shared by every handler. `@aws-sdk/*` stays external because the
 * nodejs22.x runtime ships SDK v3: bundles stay at tens of KB instead of 0.5-0.76 MB each
 * (trade-off: the SDK version is the runtime's, documented in README.md).
 */
export const BUNDLE_SETTINGS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  // 'linked' = external .map file plus the sourceMappingURL comment --enable-source-maps needs to find it.
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  external: ['@aws-sdk/*'],
  logLevel: 'silent',
} as const;

/** Folders under `functions/` that are libraries the handlers import, not handlers. */
export const LIBRARY_FOLDERS: ReadonlySet<string> = new Set(['shared']);

/** Names of the handler folders under `functionsDir` that contain an `index.ts` (libraries excluded). */
export function findFunctionEntries(functionsDir: string = join(PROJECT_ROOT, 'functions')): string[] {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !LIBRARY_FOLDERS.has(d.name) && existsSync(join(functionsDir, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

/**
 * Bundles every handler entry (or `options.names`) and returns where each bundle is.
 * Reuses a bundle when every input recorded by its last build still has the same content hash.
 * @throws MissingFunctionEntryError when a requested name has no entry.
 */
export function bundleFunctions(options: BundleOptions = {}): FunctionBundles {
  const functionsDir = resolve(options.functionsDir ?? join(PROJECT_ROOT, 'functions'));
  const outDir = resolve(options.outDir ?? join(PROJECT_ROOT, '.build', 'functions'));
  const names = options.names ?? findFunctionEntries(functionsDir);
  const result: Record<string, FunctionBundle> = {};
  for (const name of names) {
    const entry = join(functionsDir, name, 'index.ts');
    if (!existsSync(entry)) throw new MissingFunctionEntryError(name);
    result[name] = bundleOne(name, entry, join(outDir, name), join(outDir, '.inputs'), options.force ?? false);
  }
  return result;
}

/** The bundle of `name`, or a {@link MissingFunctionEntryError} naming it. */
export function requireBundle(bundles: FunctionBundles, name: string): FunctionBundle {
  const bundle = bundles[name];
  if (!bundle) throw new MissingFunctionEntryError(name);
  return bundle;
}

function bundleOne(name: string, entry: string, dir: string, manifestDir: string, force: boolean): FunctionBundle {
  const output = join(dir, 'index.js');
  const zipPath = `${dir}.zip`;
  // The manifest lives outside the bundle folder: everything in that folder ends up in the zip.
  const manifest = join(manifestDir, `${name}.json`);
  if (!force && existsSync(output) && existsSync(zipPath) && inputsUnchanged(manifest)) {
    return { name, dir, zipPath, bytes: statSync(output).size, rebuilt: false };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mkdirSync(manifestDir, { recursive: true });
  const built = buildSync({
    ...BUNDLE_SETTINGS,
    external: [...BUNDLE_SETTINGS.external],
    entryPoints: [entry],
    outfile: output,
    // Paths in the metafile and source map are relative to this, never absolute.
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
  });
  const files = readdirSync(dir).sort();
  writeFileSync(zipPath, createZip(files.map((file) => ({ name: file, data: readFileSync(join(dir, file)) }))));
  // Written last: a build interrupted before this point is redone on the next run.
  writeFileSync(manifest, JSON.stringify(inputHashes(built.metafile), null, 1));
  return { name, dir, zipPath, bytes: statSync(output).size, rebuilt: true };
}

/** Content hash of every input esbuild read, keyed by project-relative path. */
function inputHashes(metafile: Metafile): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const input of Object.keys(metafile.inputs).sort()) {
    hashes[input] = hashFile(join(PROJECT_ROOT, input));
  }
  return hashes;
}

function inputsUnchanged(manifest: string): boolean {
  if (!existsSync(manifest)) return false;
  const recorded = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, string>;
  const inputs = Object.keys(recorded);
  // A new file imported by a changed input changes that input's hash, so this set is enough.
  return inputs.length > 0 && inputs.every((input) => hashFile(join(PROJECT_ROOT, input)) === recorded[input]);
}

function hashFile(path: string): string {
  if (!existsSync(path)) return 'missing';
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

