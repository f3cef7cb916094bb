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
import { buildSync, version as esbuildVersion, type Metafile } from 'esbuild';
import { createZip } from './deterministic-zip';

/** Project root (this file lives in `build/`). */
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
        'Every name in FUNCTION_NAMES (contract/index.ts) is deployed, so each needs an entry exporting `handler`.',
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

/**
 * Deflate level of the bundle zips. zlib's default: on the ten bundles (4.3 MB of JS and maps)
 * level 9 took 570 ms for 0.9% smaller zips than level 6's 195 ms, a fifth of a cold synth; the
 * zip size only affects the upload, not the function's cold start.
 */
export const BUNDLE_ZIP_LEVEL = 6;

/** Folders under `functions/` that are libraries the handlers import, not handlers. */
export const LIBRARY_FOLDERS: ReadonlySet<string> = new Set(['lib']);

/** Names of the handler folders under `functionsDir` that contain an `index.ts` (libraries excluded). */
export function findFunctionEntries(functionsDir: string = join(PROJECT_ROOT, 'functions')): string[] {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter(
      (d) => d.isDirectory() && !LIBRARY_FOLDERS.has(d.name) && existsSync(join(functionsDir, d.name, 'index.ts')),
    )
    .map((d) => d.name)
    .sort();
}

/**
 * Bundles every handler entry (or `options.names`) and returns where each bundle is.
 * Reuses a bundle when every input recorded by its last build still has the same content hash;
 * the others are built together in one esbuild run (one process round trip and one parse of the
 * shared code instead of one build per handler; without code splitting each entry still gets its
 * own self-contained bundle, byte-identical to building it alone).
 * @throws MissingFunctionEntryError when a requested name has no entry (before anything is built).
 */
export function bundleFunctions(options: BundleOptions = {}): FunctionBundles {
  const functionsDir = resolve(options.functionsDir ?? join(PROJECT_ROOT, 'functions'));
  const outDir = resolve(options.outDir ?? join(PROJECT_ROOT, '.build', 'functions'));
  // The manifests live outside the bundle folders: everything in a bundle folder ends up in its zip.
  const manifestDir = join(outDir, '.inputs');
  const targets = [...new Set(options.names ?? findFunctionEntries(functionsDir))].map((name): BundleTarget => {
    const entry = join(functionsDir, name, 'index.ts');
    if (!existsSync(entry)) throw new MissingFunctionEntryError(name);
    const dir = join(outDir, name);
    return { name, entry, dir, zipPath: `${dir}.zip`, manifest: join(manifestDir, `${name}.json`) };
  });
  const stale = options.force ? targets : targets.filter((target) => !isCurrent(target));
  if (stale.length > 0) buildTargets(stale, outDir, manifestDir);
  const result: Record<string, FunctionBundle> = {};
  for (const { name, dir, zipPath } of targets) {
    const bytes = statSync(join(dir, 'index.js')).size;
    result[name] = { name, dir, zipPath, bytes, rebuilt: stale.some((target) => target.name === name) };
  }
  return result;
}

/** The bundle of `name`, or a {@link MissingFunctionEntryError} naming it. */
export function requireBundle(bundles: FunctionBundles, name: string): FunctionBundle {
  const bundle = bundles[name];
  if (!bundle) throw new MissingFunctionEntryError(name);
  return bundle;
}

/** Where one handler's entry, bundle, zip and input manifest are. */
interface BundleTarget {
  readonly name: string;
  readonly entry: string;
  readonly dir: string;
  readonly zipPath: string;
  readonly manifest: string;
}

/** True when the previous build of `target` is on disk and none of its recorded inputs changed. */
function isCurrent(target: BundleTarget): boolean {
  return existsSync(join(target.dir, 'index.js')) && existsSync(target.zipPath) && inputsUnchanged(target.manifest);
}

/** One esbuild run for all `targets`, then each one's zip and input manifest. */
function buildTargets(targets: readonly BundleTarget[], outDir: string, manifestDir: string): void {
  for (const { dir } of targets) {
    // Only index.js and its map may be in the folder: all of it goes into the zip.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  mkdirSync(manifestDir, { recursive: true });
  const built = buildSync({
    ...BUNDLE_SETTINGS,
    external: [...BUNDLE_SETTINGS.external],
    // `<name>/index` → `<outDir>/<name>/index.js`, whatever folder the entries share.
    entryPoints: Object.fromEntries(targets.map(({ name, entry }) => [`${name}/index`, entry])),
    outdir: outDir,
    // Paths in the metafile and source maps are relative to this, never absolute.
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
  });
  const entryInputs = entryInputsByOutput(built.metafile);
  for (const { name, dir, zipPath, manifest } of targets) {
    const entryInput = entryInputs.get(resolve(PROJECT_ROOT, dir, 'index.js'));
    if (entryInput === undefined) throw new Error(`esbuild wrote no bundle for function "${name}" (${dir}/index.js)`);
    const files = readdirSync(dir).map((file) => ({ name: file, data: readFileSync(join(dir, file)) }));
    writeFileSync(zipPath, createZip(files, { level: BUNDLE_ZIP_LEVEL }));
    // Written last: a build interrupted before this point is redone on the next run.
    const record: InputManifest = {
      build: BUILD_FINGERPRINT,
      inputs: inputHashes(reachableInputs(built.metafile, entryInput)),
    };
    writeFileSync(manifest, JSON.stringify(record, null, 1));
  }
}

/** The metafile's entry input (project-relative) of each JS output, keyed by the output's absolute path. */
function entryInputsByOutput(metafile: Metafile): Map<string, string> {
  const byOutput = new Map<string, string>();
  for (const [output, { entryPoint }] of Object.entries(metafile.outputs)) {
    if (entryPoint !== undefined) byOutput.set(resolve(PROJECT_ROOT, output), entryPoint);
  }
  return byOutput;
}

/**
 * The inputs one entry's bundle was built from: the files reachable from it through the
 * metafile's import graph (the metafile's `inputs` is the union over every entry of the build,
 * and a handler must not be rebuilt because another handler's own files changed).
 */
function reachableInputs(metafile: Metafile, entryInput: string): string[] {
  const seen = new Set<string>([entryInput]);
  const pending = [entryInput];
  for (let input = pending.pop(); input !== undefined; input = pending.pop()) {
    for (const { path, external } of metafile.inputs[input]?.imports ?? []) {
      // External imports (`@aws-sdk/*`) are not inputs: the runtime provides them.
      if (!external && !seen.has(path) && path in metafile.inputs) {
        seen.add(path);
        pending.push(path);
      }
    }
  }
  return [...seen];
}

/** Content hash of each input, keyed by project-relative path (sorted, so the manifest is stable). */
function inputHashes(inputs: readonly string[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const input of [...inputs].sort()) {
    hashes[input] = hashFile(join(PROJECT_ROOT, input));
  }
  return hashes;
}

/** What `<outDir>/.inputs/<name>.json` records about the build of one bundle. */
interface InputManifest {
  /** {@link BUILD_FINGERPRINT} of the build that wrote it. */
  readonly build: string;
  /** Content hash of each input, keyed by project-relative path. */
  readonly inputs: Readonly<Record<string, string>>;
}

/**
 * Everything besides the inputs that decides a bundle's bytes: the esbuild version, its settings,
 * the output layout of one build for every entry, and the zip level. A bundle built any other way
 * (an older release of this module included) is rebuilt, so a reused zip always has the bytes a
 * fresh clone would build, and the asset hash does not depend on what `.build/` held.
 */
const BUILD_FINGERPRINT = createHash('sha256')
  .update(
    JSON.stringify({
      esbuild: esbuildVersion,
      settings: BUNDLE_SETTINGS,
      layout: 'outdir/<name>/index',
      zipLevel: BUNDLE_ZIP_LEVEL,
    }),
  )
  .digest('hex');

function inputsUnchanged(manifest: string): boolean {
  if (!existsSync(manifest)) return false;
  const recorded = JSON.parse(readFileSync(manifest, 'utf8')) as Partial<InputManifest>;
  if (recorded.build !== BUILD_FINGERPRINT || typeof recorded.inputs !== 'object' || recorded.inputs === null)
    return false;
  const inputs = Object.entries(recorded.inputs);
  // A new file imported by a changed input changes that input's hash, so this set is enough.
  return inputs.length > 0 && inputs.every(([input, hash]) => hashFile(join(PROJECT_ROOT, input)) === hash);
}

function hashFile(path: string): string {
  if (!existsSync(path)) return 'missing';
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
