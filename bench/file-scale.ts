/**
 * Files at scale, against the local emulator: the real Validate handler, in a process of its own
 * (bench/file-scale-child.ts), on a 5,000,000-row CSV (plain and gzipped) and on a file of
 * 1,000,000 rejects, measuring rows/s end to end (GetObject stream → parse → staged chunk and
 * manifest uploads → multipart rejects report), its peak RSS, and the size of what it puts in
 * the execution state; then StoreChunk's records/s on staged chunks; and from those, the largest
 * file each processing type handles within its Lambda timeouts (README: Sizing).
 *
 *   npm run bench -- --only fileScale                         # part of the benchmark run
 *   npx tsx bench/file-scale.ts [--rows N] [--rejects N] [--type-rows N] [--heap-mb MB]
 *                                                             # alone: one JSON object on stdout
 *
 * `--heap-mb` caps the child's V8 old space: what Validate needs live, apart from the heap node
 * lets grow before collecting (measured: README, Sizing).
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { buildSync } from 'esbuild';
import { BUNDLE_SETTINGS } from '../build/function-bundles';
import { loadConfig, type PipelineConfig } from '../config';
import type { FileWorkflowState, ProcessingType, ValidationOutput } from '../contract';
import { chunkSizeFor, MAX_FILE_BYTES } from '../functions/validate-file';
import { startEmulator } from '../local/emulator';
import { lambdaEnvironment } from '../local/lambda-runtime';
import { LocalPipeline } from '../local/local-pipeline';
import { localRunConfig, newRunId } from '../local/local-run';
import { mulberry32 } from './market-data';
import { lastLines, runMeasured, sampleTree } from './measured-process';
import { LineFile, tickers } from './trading-day';

/** Options of {@link measureFileScale}. */
export interface FileScaleOptions {
  readonly root: string;
  readonly progress: (message: string) => void;
  /** Rows of the large valid file. Default 5,000,000. */
  readonly rows?: number;
  /** Rows of the all-rejects file. Default 1,000,000. */
  readonly rejectRows?: number;
  /** Rows of the per-processing-type files (priority, batch). Default 1,000,000. */
  readonly typeRows?: number;
  /** Staged chunks StoreChunk stores for its rate. Default 20. */
  readonly storeChunks?: number;
  /**
   * V8 old-space limit of the measured child, MB (`--max-old-space-size`). Unset: node's default,
   * under which the heap grows well past what is live before a full collection.
   */
  readonly heapMb?: number;
}

/** One Validate run. */
export interface ValidateCase {
  readonly label: string;
  readonly processingType: ProcessingType;
  readonly compressed: boolean;
  readonly rows: number;
  readonly objectBytes: number;
  readonly uncompressedBytes: number;
  readonly seconds: number;
  readonly rowsPerSec: number;
  readonly peakRssMb: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly chunks: number;
  /** Bytes of Validate's output (`$.validation`). */
  readonly validationBytes: number;
  /** Bytes of the execution state after Validate (input + validation), the largest the run holds. */
  readonly stateBytes: number;
  readonly fileId: string;
  /** The run Validate staged for (StoreChunk stores as it). */
  readonly runId: string;
  readonly manifestKey: string;
}

/** The largest file a processing type handles within its timeouts. */
export interface SizingRow {
  readonly processingType: ProcessingType;
  readonly chunkSize: number;
  /** Rows Validate reads in 80% of its timeout, plain and gzipped. */
  readonly validateRows: number;
  readonly validateRowsGzip: number;
  /** Rows StoreChunks stores within the run timeout at the configured concurrency. */
  readonly storeRows: number;
  /** The binding limit (the smallest of the above and the 5 GiB archive copy). */
  readonly maxRows: number;
  readonly maxRowsGzip: number;
  readonly maxGb: number;
  readonly maxGbGzip: number;
}

/** What the section measured. */
export interface FileScaleResult {
  readonly cases: readonly ValidateCase[];
  /** StoreChunk, one invocation at a time against the emulator. */
  readonly store: {
    readonly chunks: number;
    readonly records: number;
    readonly seconds: number;
    readonly recordsPerSec: number;
  };
  readonly sizing: readonly SizingRow[];
  readonly assumptions: string;
}

/** A CSV of `rows` trades (or, with `rejects`, of rows all rejected for their timestamp), gzipped by name. */
async function writeTradesCsv(path: string, rows: number, rejects = false): Promise<number> {
  const random = mulberry32(7);
  const symbols = tickers(500);
  const start = Date.parse('2026-03-10T13:30:00.000Z');
  const file = new LineFile(path, 'symbol,timestamp,price,size,exchange,trade_id');
  let bytes = 0;
  for (let row = 0; row < rows; row++) {
    const symbol = symbols[Math.floor(random() * random() * symbols.length)];
    const timestamp = rejects ? 'not-a-time' : new Date(start + Math.floor((row * 23_400_000) / rows)).toISOString();
    const price = (10 + random() * 490).toFixed(2);
    const line = `${symbol},${timestamp},${price},${1 + Math.floor(random() * 500)},XNAS,T${row}`;
    bytes += line.length + 1;
    await file.write(line);
  }
  await file.close();
  return bytes;
}

/** Uploads `path` as a multipart upload of 16 MiB parts (as large files are uploaded). */
async function upload(
  pipeline: LocalPipeline,
  path: string,
  key: string,
): Promise<{ versionId: string; bytes: number }> {
  const s3 = pipeline.clients.s3;
  const Bucket = pipeline.resources.ingestBucket;
  const bytes = statSync(path).size;
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: key }));
  const parts: { PartNumber: number; ETag?: string }[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const send = async (): Promise<void> => {
    const Body = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    const PartNumber = parts.length + 1;
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket, Key: key, UploadId, PartNumber, Body }));
    parts.push({ PartNumber, ETag });
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    pending.push(chunk as Buffer);
    pendingBytes += (chunk as Buffer).length;
    if (pendingBytes >= 16 * 1024 * 1024) await send();
  }
  if (pendingBytes > 0 || parts.length === 0) await send();
  const done = await s3.send(
    new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }),
  );
  return { versionId: done.VersionId ?? 'null', bytes };
}

/**
 * The measured child bundled as the handlers are for Lambda (BUNDLE_SETTINGS: minified, SDK
 * external), so its memory is the handler's and not a TypeScript loader's. Written under .build/
 * so the external SDK resolves from the project's node_modules.
 */
function bundleChild(root: string): string {
  const outfile = join(root, '.build', 'bench', 'file-scale-child.cjs');
  buildSync({
    ...BUNDLE_SETTINGS,
    external: [...BUNDLE_SETTINGS.external],
    sourcemap: false,
    entryPoints: [join(root, 'bench', 'file-scale-child.ts')],
    outfile,
  });
  return outfile;
}

/** Runs the measured child; throws with its output's tail when it fails. */
async function child(
  script: string,
  root: string,
  env: Record<string, string>,
  args: string[],
  heapMb: number | undefined,
): Promise<{ output: unknown; seconds: number; peakRssMb: number }> {
  const run = await runMeasured({
    command: process.execPath,
    args: [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), script, ...args],
    cwd: root,
    env,
    timeoutMs: 30 * 60_000,
  });
  if (run.exitCode !== 0) throw new Error(`file-scale-child ${args[0]} failed:\n${lastLines(run.stderr)}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() as string) as {
    output: unknown;
    seconds: number;
    peakRssMb: number;
  };
}

/** The largest files per processing type, from the measured rates and the configured timeouts. */
export function sizing(
  config: Pick<PipelineConfig, 'chunkSize' | 'storeConcurrency' | 'fileWorkflowTimeoutMinutes' | 'functions'>,
  rates: { readonly validate: Record<ProcessingType, number>; readonly validateGzip: number; readonly store: number },
  bytesPerRow: { readonly plain: number; readonly gzip: number },
): SizingRow[] {
  const budget = config.functions['validate-file'].timeoutSeconds * 0.8;
  const runSeconds = config.fileWorkflowTimeoutMinutes * 60 - config.functions['validate-file'].timeoutSeconds;
  return (['priority', 'standard', 'batch'] as const).map((processingType) => {
    const validateRows = Math.floor(rates.validate[processingType] * budget);
    // Gunzipping costs the same whatever the chunk size: scale the type's rate by the gzip/plain ratio.
    const validateRowsGzip = Math.floor(
      rates.validate[processingType] * (rates.validateGzip / rates.validate.standard) * budget,
    );
    const storeRows = Math.floor(rates.store * config.storeConcurrency * runSeconds * 0.8);
    const archiveRows = Math.floor(MAX_FILE_BYTES / bytesPerRow.plain);
    const archiveRowsGzip = Math.floor(MAX_FILE_BYTES / bytesPerRow.gzip);
    const maxRows = Math.min(validateRows, storeRows, archiveRows);
    const maxRowsGzip = Math.min(validateRowsGzip, storeRows, archiveRowsGzip);
    return {
      processingType,
      chunkSize: chunkSizeFor(processingType, config.chunkSize),
      validateRows,
      validateRowsGzip,
      storeRows,
      maxRows,
      maxRowsGzip,
      maxGb: (maxRows * bytesPerRow.plain) / 1e9,
      maxGbGzip: (maxRowsGzip * bytesPerRow.gzip) / 1e9,
    };
  });
}

/** An emulator of its own with a fresh pipeline in it, for one case; `emulatorPeakMb` sampled while it ran. */
interface Session {
  readonly pipeline: LocalPipeline;
  /** Environment of the handlers in the measured child. */
  readonly env: Record<string, string>;
}

/**
 * Runs `work` against a fresh emulator and pipeline, then stops the emulator: the emulator keeps
 * every object in memory (gigabytes of staged chunks per 5 M-row case), and only a stopped
 * process gives that memory back. Resolves with the work's result and the emulator's peak RSS.
 */
async function inFreshEmulator<T>(
  progress: (message: string) => void,
  work: (session: Session) => Promise<T>,
): Promise<{ result: T; emulatorPeakMb: number }> {
  const emulator = await startEmulator({ log: () => undefined });
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: emulator.endpoint,
    ...(emulator.origin === 'external' ? {} : { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  let emulatorPeakKb = 0;
  const sampler =
    emulator.pid === undefined
      ? undefined
      : setInterval(() => (emulatorPeakKb = Math.max(emulatorPeakKb, sampleTree(emulator.pid!).largestHwmKb)), 500);
  try {
    const config = localRunConfig(loadConfig('dev', {}, {}), newRunId());
    const pipeline = await LocalPipeline.create({ config, log: () => undefined });
    const env = {
      ...lambdaEnvironment(pipeline.resources, config),
      AWS_ENDPOINT_URL: emulator.endpoint,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    const result = await work({ pipeline, env });
    return { result, emulatorPeakMb: Math.round(emulatorPeakKb / 1024) };
  } finally {
    clearInterval(sampler);
    await emulator.stop();
    process.env = saved;
    progress(`fileScale: emulator peak RSS ${Math.round(emulatorPeakKb / 1024)} MB`);
  }
}

/** Runs the whole section. */
export async function measureFileScale(options: FileScaleOptions): Promise<FileScaleResult> {
  const { root, progress } = options;
  const rows = options.rows ?? 5_000_000;
  const rejectRows = options.rejectRows ?? 1_000_000;
  const typeRows = options.typeRows ?? 1_000_000;
  const scratch = mkdtempSync(join(tmpdir(), 'file-scale-'));
  const base = loadConfig('dev', {}, {});
  const script = bundleChild(root);
  const cases: ValidateCase[] = [];
  try {
    const validate = async (
      session: Session,
      label: string,
      file: string,
      fileRows: number,
      uncompressedBytes: number,
      processingType: ProcessingType,
    ): Promise<ValidateCase> => {
      const { pipeline, env } = session;
      const key = `incoming/bench/${label}/${file.split('/').pop()}`;
      const { versionId, bytes } = await upload(pipeline, file, key);
      const input: FileWorkflowState = {
        bucket: pipeline.resources.ingestBucket,
        key,
        versionId,
        size: bytes,
        processingType,
        requestedAt: new Date().toISOString(),
        run: { runId: `bench-${label}` },
      };
      progress(
        `fileScale: validate ${label} (${fileRows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(0)} MB)`,
      );
      const run = await child(script, root, env, ['validate', JSON.stringify(input)], options.heapMb);
      const validation = run.output as ValidationOutput;
      const result: ValidateCase = {
        label,
        processingType,
        compressed: validation.compressed,
        rows: fileRows,
        objectBytes: bytes,
        uncompressedBytes,
        seconds: run.seconds,
        rowsPerSec: Math.round(fileRows / run.seconds),
        peakRssMb: Math.round(run.peakRssMb),
        accepted: validation.accepted,
        rejected: validation.rejected,
        chunks: validation.chunks,
        validationBytes: Buffer.byteLength(JSON.stringify(validation)),
        stateBytes: Buffer.byteLength(JSON.stringify({ ...input, validation })),
        fileId: validation.fileId,
        runId: `bench-${label}`,
        manifestKey: validation.manifestKey,
      };
      progress(
        `fileScale: ${label}: ${result.rowsPerSec.toLocaleString('en-US')} rows/s, peak RSS ${result.peakRssMb} MB, ` +
          `state ${result.stateBytes} bytes`,
      );
      cases.push(result);
      return result;
    };
    const alone = async (
      label: string,
      file: string,
      fileRows: number,
      uncompressedBytes: number,
      processingType: ProcessingType,
    ): Promise<ValidateCase> =>
      (
        await inFreshEmulator(progress, (session) =>
          validate(session, label, file, fileRows, uncompressedBytes, processingType),
        )
      ).result;

    const large = join(scratch, `trades-${rows}.csv`);
    const largeBytes = await writeTradesCsv(large, rows);
    const storeChunks = options.storeChunks ?? 20;
    // The standard case and the store measurement share an emulator: StoreChunk reads its staged chunks.
    const { result: measured } = await inFreshEmulator(progress, async (session) => {
      const standard = await validate(session, 'standard', large, rows, largeBytes, 'standard');
      progress(`fileScale: store ${storeChunks} staged chunks of the standard file`);
      const stored = await child(
        script,
        root,
        session.env,
        [
          'store',
          session.pipeline.resources.ingestBucket,
          standard.fileId,
          standard.runId,
          standard.manifestKey,
          String(storeChunks),
        ],
        options.heapMb,
      );
      const output = stored.output as { chunks: number; stored: number };
      return {
        standard,
        store: {
          chunks: output.chunks,
          records: output.stored,
          seconds: stored.seconds,
          recordsPerSec: Math.round(output.stored / stored.seconds),
        },
      };
    });
    const { standard, store } = measured;
    rmSync(large);

    const largeGz = join(scratch, `trades-${rows}.csv.gz`);
    await writeTradesCsv(largeGz, rows);
    const gzip = await alone('standard-gzip', largeGz, rows, largeBytes, 'standard');
    rmSync(largeGz);
    const rejectsFile = join(scratch, `rejects-${rejectRows}.csv`);
    const rejectBytes = await writeTradesCsv(rejectsFile, rejectRows, true);
    await alone('rejects', rejectsFile, rejectRows, rejectBytes, 'standard');
    const typeFile = join(scratch, `trades-${typeRows}.csv`);
    const typeBytes = await writeTradesCsv(typeFile, typeRows);
    const priority = await alone('priority', typeFile, typeRows, typeBytes, 'priority');
    const batch = await alone('batch', typeFile, typeRows, typeBytes, 'batch');

    const bytesPerRow = { plain: largeBytes / rows, gzip: gzip.objectBytes / rows };
    return {
      cases,
      store,
      sizing: sizing(
        base,
        {
          validate: { standard: standard.rowsPerSec, priority: priority.rowsPerSec, batch: batch.rowsPerSec },
          validateGzip: gzip.rowsPerSec,
          store: store.recordsPerSec,
        },
        bytesPerRow,
      ),
      assumptions:
        `Validate may use 80% of its ${base.functions['validate-file'].timeoutSeconds} s timeout; StoreChunks runs ` +
        `${base.storeConcurrency} chunks at once at the measured StoreChunk rate for 80% of the ` +
        `${base.fileWorkflowTimeoutMinutes}-minute run timeout; the archive copy takes at most 5 GiB; rates ` +
        'measured against the local emulator on this machine (real S3 and DynamoDB are faster per request, and ' +
        'store chunks in parallel where the emulator serialises them).',
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' },
      rejects: { type: 'string' },
      'type-rows': { type: 'string' },
      'heap-mb': { type: 'string' },
    },
  });
  const result = await measureFileScale({
    root: join(__dirname, '..'),
    progress: (message) => void process.stderr.write(`[file-scale] ${message}\n`),
    ...(values.rows ? { rows: Number(values.rows) } : {}),
    ...(values.rejects ? { rejectRows: Number(values.rejects) } : {}),
    ...(values['type-rows'] ? { typeRows: Number(values['type-rows']) } : {}),
    ...(values['heap-mb'] ? { heapMb: Number(values['heap-mb']) } : {}),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`file-scale: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
