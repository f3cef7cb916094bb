/**
 * Getting synthesized stacks to review: reuse `cdktf.out` when it is newer than every source it
 * was built from, otherwise synthesize (`tsx main.ts`, the same app `npm run synth` runs with
 * `node --import tsx`). Tests use a cache keyed by a fingerprint of the sources and the
 * configuration, so several security suites share one synth per configuration instead of paying
 * for it each.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './checkov';

/** Files and folders the synthesized output depends on. */
const SOURCES = ['main.ts', 'cdktf.json', 'package-lock.json', 'config', 'stacks', 'modules', 'functions'];

/** Raised when `main.ts` fails to synthesize. */
export class SynthError extends Error {
  constructor(detail: string) {
    super(`synth failed: ${detail}`);
    this.name = 'SynthError';
  }
}

function walk(path: string, visit: (file: string, mtimeMs: number, size: number) => void): void {
  if (!existsSync(path)) return;
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const entry of readdirSync(path).sort()) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      walk(join(path, entry), visit);
    }
  } else {
    visit(path, st.mtimeMs, st.size);
  }
}

/** Newest modification time among the sources. */
export function newestSourceMtime(root = PROJECT_ROOT): number {
  let newest = 0;
  for (const s of SOURCES) walk(join(root, s), (_f, mtime) => (newest = Math.max(newest, mtime)));
  return newest;
}

/** True when `<outdir>/manifest.json` exists and is newer than every source. */
export function isSynthFresh(outdir: string, root = PROJECT_ROOT): boolean {
  const manifest = join(outdir, 'manifest.json');
  return (
    existsSync(manifest) && existsSync(join(outdir, 'stacks')) && statSync(manifest).mtimeMs >= newestSourceMtime(root)
  );
}

/**
 * Synthesizes the app into `outdir` (`CDKTF_OUTDIR`), with `env` added to the environment
 * (e.g. `PIPELINE_API_AUTH=jwt`). `hermetic` drops every inherited `PIPELINE_*` variable first,
 * so a test synthesizes exactly the configuration it names whatever the caller's shell has set.
 * @throws SynthError with the app's stderr when it exits non-zero.
 */
export function synthesize(
  outdir: string,
  env: Record<string, string> = {},
  root = PROJECT_ROOT,
  hermetic = false,
): void {
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const inherited = hermetic
    ? Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIPELINE_')))
    : process.env;
  const run = spawnSync(tsx, ['main.ts'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...inherited, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir, ...env },
  });
  if (run.error) throw new SynthError(run.error.message);
  if (run.status !== 0)
    throw new SynthError(`exit ${run.status}\n${(run.stderr || run.stdout || '').trim().slice(-4000)}`);
}

/** Synthesizes into `outdir` unless it is already fresh; returns whether it synthesized. */
export function ensureFreshSynth(outdir = join(PROJECT_ROOT, 'cdktf.out'), root = PROJECT_ROOT): boolean {
  if (isSynthFresh(outdir, root)) return false;
  synthesize(outdir, {}, root);
  return true;
}

/** Fingerprint of the sources (path, size, mtime) and of the configuration `env`. */
export function sourceFingerprint(env: Record<string, string>, root = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  for (const s of SOURCES) walk(join(root, s), (f, mtime, size) => hash.update(`${f}\0${size}\0${mtime}\n`));
  hash.update(JSON.stringify(Object.entries(env).sort(([a], [b]) => a.localeCompare(b))));
  return hash.digest('hex').slice(0, 16);
}

/**
 * A synthesized output directory for exactly the configuration `env` (hermetic: the caller's
 * `PIPELINE_*` variables are ignored), from the test cache when the sources have not changed
 * since it was made. Output is written to a staging folder and renamed into place, so a reader
 * sees either nothing or a complete output.
 */
export function cachedSynth(env: Record<string, string> = {}, root = PROJECT_ROOT): string {
  const base = join(tmpdir(), 'market-data-security-synth');
  mkdirSync(base, { recursive: true });
  const outdir = join(base, sourceFingerprint(env, root));
  if (existsSync(join(outdir, 'manifest.json'))) return outdir;
  // One synth at a time across test workers: they share the handler bundle folder, and a
  // second worker asking for the same configuration then finds it done instead of redoing it.
  const release = acquireLock(join(base, '.lock'));
  try {
    if (existsSync(join(outdir, 'manifest.json'))) return outdir;
    const staging = `${outdir}.${process.pid}.${Date.now()}`;
    synthesize(staging, env, root, true);
    renameSync(staging, outdir);
    pruneCache(base, outdir);
    return outdir;
  } finally {
    release();
  }
}

/** A lock older than this was left by a killed process. */
const LOCK_STALE_MS = 5 * 60 * 1000;

/** Takes the directory lock `path` (mkdir is atomic), waiting for its holder; returns the release. */
function acquireLock(path: string): () => void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(path);
      return () => rmSync(path, { recursive: true, force: true });
    } catch {
      try {
        if (Date.now() - statSync(path).mtimeMs > LOCK_STALE_MS) rmSync(path, { recursive: true, force: true });
      } catch {
        // Released between the mkdir and the stat: try again.
      }
      Atomics.wait(pause, 0, 0, 200);
    }
  }
}

/** Entries untouched this long belong to sources that have changed since: nobody reads them. */
const CACHE_MAX_AGE_MS = 30 * 60 * 1000;

/** Removes cache entries (and abandoned staging folders) older than CACHE_MAX_AGE_MS, except `keep`. */
function pruneCache(base: string, keep: string): void {
  const cutoff = Date.now() - CACHE_MAX_AGE_MS;
  for (const entry of readdirSync(base)) {
    const path = join(base, entry);
    if (path === keep || entry === '.lock') continue;
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by a concurrent suite in the meantime.
    }
  }
}
