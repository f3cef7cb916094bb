/**
 * One measured step for bench/file-scale.ts, in a process of its own (so its peak RSS is the
 * step's): runs the real validate-file or store-chunk handler against the emulator named by
 * AWS_ENDPOINT_URL and prints one JSON line: the handler's output, wall seconds, peak RSS.
 *
 *   node --import tsx bench/file-scale-child.ts validate '<FileWorkflowState JSON>'
 *   node --import tsx bench/file-scale-child.ts store '<bucket>' '<fileId>' '<manifest key>' <chunks>
 */
import type { Context } from 'aws-lambda';
import type { FileWorkflowState, StagedChunk } from '../contract';
import { readChunkManifest } from '../functions/lib/store/staged-chunks';

const context = {
  functionName: 'bench',
  awsRequestId: 'bench',
  getRemainingTimeInMillis: () => 900_000,
} as unknown as Context;

async function main(): Promise<void> {
  const [step, ...args] = process.argv.slice(2);
  const started = process.hrtime.bigint();
  let output: unknown;
  if (step === 'validate') {
    const { handler } = await import('../functions/validate-file');
    output = await handler(JSON.parse(args[0]) as FileWorkflowState, context);
  } else if (step === 'store') {
    const [bucket, fileId, runId, manifestKey, count] = args;
    const { handler } = await import('../functions/store-chunk');
    const chunks: StagedChunk[] = [];
    for await (const chunk of readChunkManifest(bucket, manifestKey)) {
      chunks.push(chunk);
      if (chunks.length >= Number(count)) break;
    }
    let stored = 0;
    for (const chunk of chunks) stored += (await handler({ bucket, fileId, runId, chunk }, context)).stored;
    output = { chunks: chunks.length, stored };
  } else {
    throw new Error(`unknown step ${step}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify({ output, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`file-scale-child: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
