/**
 * `bundles`: every handler bundled exactly as the stacks bundle it (the bundler in
 * build/function-bundles.ts, into a temporary folder), its minified size, and its module
 * init time in a fresh node process: the part of a Lambda cold start our code controls.
 * `@aws-sdk/*` is external in the bundles (the runtime ships it), so NODE_PATH points node at
 * the project's node_modules and the SDK's load time is counted, as it is on Lambda.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunctions, findFunctionEntries } from '../build/function-bundles';
import { FUNCTION_NAMES } from '../contract';
import { lambdaLikeEnvironment } from './lambda-environment';
import { lastLines, runMeasured } from './measured-process';
import { summarize, type Summary } from './stats';

/** One handler's figures. */
export interface BundleFigures {
  readonly name: string;
  /** Size of the minified `index.js`. */
  readonly bytes: number;
  /** Time to `require()` the bundle in a fresh process, ms. */
  readonly initMs: Summary;
}

/** Init time of requiring some packages alone: what part of a handler's init they explain. */
export interface InitReference {
  readonly name: string;
  readonly modules: readonly string[];
  readonly initMs: Summary;
}

/**
 * Packages the handlers load at init, measured alone in the same run, so a slow init can be
 * attributed: the AWS SDK clients (external to the bundles, loaded from the runtime) and
 * Powertools (bundled).
 */
export const INIT_REFERENCES: readonly { name: string; modules: readonly string[] }[] = [
  { name: 'SDK: DynamoDB client alone', modules: ['@aws-sdk/client-dynamodb'] },
  {
    name: 'SDK: all five clients the handlers use (DynamoDB, EventBridge, S3, SFN, SNS)',
    modules: [
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-eventbridge',
      '@aws-sdk/client-s3',
      '@aws-sdk/client-sfn',
      '@aws-sdk/client-sns',
    ],
  },
  {
    name: 'Powertools: logger + metrics + tracer',
    modules: ['@aws-lambda-powertools/logger', '@aws-lambda-powertools/metrics', '@aws-lambda-powertools/tracer'],
  },
];

/** Result of the bundles section. */
export interface BundlesResult {
  readonly functions: readonly BundleFigures[];
  /** Init time of package sets alone (see INIT_REFERENCES). */
  readonly references: readonly InitReference[];
  /** Wall time of building every bundle from scratch, in this process, ms (one run). */
  readonly buildMs: number;
  /** Names in FUNCTION_NAMES without an entry `functions/<name>/index.ts`. */
  readonly missing: readonly string[];
}

export interface BundlesOptions {
  readonly root: string;
  readonly runs: number;
  readonly progress: (message: string) => void;
}

/**
 * Prints the require time of the bundle in argv[1] and fails when it exports no `handler`.
 * Lambda loads the module the same way (CommonJS require of index.js).
 */
const INIT_PROBE = [
  'const start = process.hrtime.bigint();',
  'const mod = require(process.argv[1]);',
  'const ms = Number(process.hrtime.bigint() - start) / 1e6;',
  "if (typeof mod.handler !== 'function') { console.error('no exported handler'); process.exit(2); }",
  'console.log(ms);',
].join('\n');

/** Prints the time to require every module named in argv[1..]. */
const REFERENCE_PROBE = [
  'const start = process.hrtime.bigint();',
  'for (const name of process.argv.slice(1)) require(name);',
  'console.log(Number(process.hrtime.bigint() - start) / 1e6);',
].join('\n');

/** Bundles every entry into a temporary folder and measures each bundle. */
export async function measureBundles(opts: BundlesOptions): Promise<BundlesResult> {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  try {
    // The deployed functions are FUNCTION_NAMES; other folders with an index.ts are not bundled.
    const entries = new Set(findFunctionEntries(join(opts.root, 'functions')));
    const names = FUNCTION_NAMES.filter((name) => entries.has(name));
    const missing = FUNCTION_NAMES.filter((name) => !entries.has(name));
    if (names.length === 0) throw new Error('no functions/<name>/index.ts entries to bundle');
    opts.progress(`bundles: building ${names.length} handlers with the stacks' bundler`);
    const buildStart = process.hrtime.bigint();
    const bundles = bundleFunctions({ outDir, force: true, names });
    const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
    const built = Object.keys(bundles).sort();

    const functions: BundleFigures[] = [];
    for (const name of built) {
      opts.progress(`bundles: init time of ${name} (${opts.runs} fresh processes)`);
      const samples: number[] = [];
      for (let run = 0; run < opts.runs; run++) {
        samples.push(await initOnce(INIT_PROBE, [join(bundles[name].dir, 'index.js')], opts.root));
      }
      functions.push({ name, bytes: bundles[name].bytes, initMs: summarize(samples) });
    }
    const references: InitReference[] = [];
    for (const ref of INIT_REFERENCES) {
      opts.progress(`bundles: init time of ${ref.name}`);
      const samples: number[] = [];
      for (let run = 0; run < opts.runs; run++) samples.push(await initOnce(REFERENCE_PROBE, ref.modules, opts.root));
      references.push({ ...ref, initMs: summarize(samples) });
    }
    return { functions, references, buildMs, missing };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function initOnce(probe: string, args: readonly string[], root: string): Promise<number> {
  const run = await runMeasured({
    command: process.execPath,
    args: ['-e', probe, ...args],
    // Outside the project, so nothing but NODE_PATH can resolve the externals.
    cwd: tmpdir(),
    env: lambdaLikeEnvironment(root),
    timeoutMs: 30_000,
  });
  const ms = Number(run.stdout.trim().split('\n').pop());
  if (run.exitCode !== 0 || !Number.isFinite(ms)) {
    throw new Error(`loading ${args.join(', ')} failed (exit ${run.exitCode}): ${lastLines(run.stderr || run.stdout)}`);
  }
  return ms;
}
