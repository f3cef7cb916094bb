/**
 * Each handler's bundle loads only the AWS SDK clients it calls. The SDK is external to the
 * bundles, so every `require("@aws-sdk/client-*")` esbuild keeps is paid at cold start
 * (45–55 ms for DynamoDB or S3 alone); one shared module that imported every client made all
 * ten bundles load all five. Built with the stacks' own bundler and settings.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunctions, type FunctionBundles } from '../../build/function-bundles';
import { FUNCTION_NAMES, type FunctionName } from '../../contract';

/** The SDK client packages each handler calls, from what its code does. */
const EXPECTED_CLIENTS: Readonly<Record<FunctionName, readonly string[]>> = {
  // DynamoDB only for a request with an Idempotency-Key, S3 + SFN only for POST /files (both lazy).
  'api-ingest': ['client-dynamodb', 'client-eventbridge', 'client-s3', 'client-sfn'],
  'archive-file': ['client-s3'],
  bars: ['client-dynamodb', 'client-eventbridge'],
  'compensate-file': ['client-dynamodb', 'client-s3'],
  'file-trigger': ['client-dynamodb', 'client-sfn'],
  // client-s3: the StoreChunks results (Distributed Map ResultWriter) and the staged conflicts.
  'notify-file': ['client-dynamodb', 'client-eventbridge', 'client-s3', 'client-sns'],
  'file-watchdog': ['client-dynamodb', 'client-eventbridge', 'client-s3', 'client-sfn', 'client-sns'],
  processor: ['client-dynamodb', 'client-eventbridge'],
  'store-chunk': ['client-dynamodb', 'client-s3'],
  summary: ['client-dynamodb', 'client-eventbridge', 'client-sns'],
  'validate-file': ['client-dynamodb', 'client-s3'],
};

/** `@aws-sdk/*` packages a built bundle requires, sorted, without the scope. */
function sdkRequires(bundleFile: string): string[] {
  const source = readFileSync(bundleFile, 'utf8');
  const names = [...source.matchAll(/require\("@aws-sdk\/([^"/]+)[^"]*"\)/g)].map((match) => match[1]);
  return [...new Set(names)].sort();
}

describe('SDK clients per bundle', () => {
  let outDir: string;
  let bundles: FunctionBundles;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'sdk-clients-'));
    bundles = bundleFunctions({ outDir, force: true, names: FUNCTION_NAMES });
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('covers every deployed function', () => {
    expect(Object.keys(EXPECTED_CLIENTS).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it.each(FUNCTION_NAMES)('%s requires only the SDK clients it calls', (name) => {
    expect(sdkRequires(join(bundles[name].dir, 'index.js'))).toEqual([...EXPECTED_CLIENTS[name]].sort());
  });

  it('api-ingest loads only the EventBridge client at cold start; others wait for a keyed request or /files', () => {
    const script = `
      process.env.AWS_REGION = 'us-east-1';
      require(${JSON.stringify(join(bundles['api-ingest'].dir, 'index.js'))});
      const loaded = Object.keys(require.cache)
        .map((f) => (f.match(/@aws-sdk[\\/](client-[a-z0-9-]+)/) || [])[1])
        .filter(Boolean);
      console.log(JSON.stringify([...new Set(loaded)].sort()));`;
    const out = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') },
      cwd: outDir,
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim().split('\n').pop() as string)).toEqual(['client-eventbridge']);
  });
});
