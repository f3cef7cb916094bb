/**
 * `npm run local -- [--json] [--env <env>] [paths...]`: the whole pipeline on this machine.
 * Starts (or reuses) the local AWS emulator, provisions the pipeline from the constructs,
 * uploads each file under incoming/, drives S3 → trigger → workflow, API/bus → SQS → processor
 * and stream → bars until idle, then prints what the emulator's table holds.
 * With `--serve`, it keeps driving the pipeline behind the ingest API on 127.0.0.1 until stopped.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadConfig } from '../config';
import { startEmulator, type EmulatorHandle } from './emulator';
import { startApiServer } from './api-server';
import { type LocalRunArgs, parseLocalRunArgs, USAGE, UsageError } from './cli-args';
import { InputNotFoundError, resolveInputFiles } from './input-files';
import { LocalPipeline } from './local-pipeline';
import { formatReport } from './report-format';

// Everything but the summary goes to stderr: handlers log (and emit EMF metrics) on stdout,
// and `--json` promises exactly one JSON object there.
const writeSummary = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);

const progress = (message: string): void => void process.stderr.write(`[local] ${message}\n`);

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseLocalRunArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    writeSummary(`${USAGE}\n`);
    return 0;
  }
  const started = Date.now();
  const files = resolveInputFiles(
    args.paths.length > 0 || args.serve ? args.paths : [join(__dirname, '..', 'samples')],
  );
  if (files.length === 0 && !args.serve) throw new UsageError('no .csv or .json files found in the given paths');
  const config = loadConfig(args.env);
  process.env.POWERTOOLS_LOG_LEVEL ??= args.verbose ? 'INFO' : 'WARN';
  // EMF metric lines would drown the progress log; CloudWatch is not there to read them anyway.
  if (!args.verbose) process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

  let emulator: EmulatorHandle | undefined;
  try {
    emulator = await startEmulator({ log: progress });
    process.env.AWS_ENDPOINT_URL = emulator.endpoint;
    if (emulator.origin !== 'external') {
      // Dummy credentials: the SDK insists on some, the emulator ignores them.
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
      delete process.env.AWS_SESSION_TOKEN;
      delete process.env.AWS_PROFILE;
    }
    const pipeline = await LocalPipeline.create({ config, log: progress });
    for (const file of files) await pipeline.uploadFile(basename(file), readFileSync(file));
    if (args.serve) return await serve(pipeline, args);
    // Generous: a large file's bars stage takes minutes in the emulator (see README, Measured).
    const stats = await pipeline.drain(30 * 60_000);
    progress(
      `idle: ${stats.executions} workflow execution(s), ${stats.messages} queue message(s), ` +
        `${stats.streamRecords} stream record(s)`,
    );

    const report = await pipeline.report();
    const failedRuns = pipeline.workflows.finished.filter((run) => run.status === 'FAILED');
    const { deadLettered } = await pipeline.queue.depth();
    const seconds = (Date.now() - started) / 1000;
    writeSummary(
      args.json
        ? `${JSON.stringify(report)}\n`
        : formatReport(report, {
            env: args.env,
            region: pipeline.resources.spec.region,
            endpoint: emulator.endpoint,
            seconds,
          }),
    );

    const problems = [
      ...failedRuns.map(
        (run) =>
          `file workflow for ${(run.input as { key?: string }).key ?? run.name} ` +
          `FAILED: ${run.error}${run.cause ? ` (${run.cause})` : ''}`,
      ),
      ...pipeline.stream.abandoned.map((batch) => `bars gave up on ${batch.records} stream record(s): ${batch.error}`),
      ...(deadLettered > 0 ? [`${deadLettered} message(s) ended in the processing DLQ`] : []),
      ...(report.drift.differences > 0
        ? [`${report.drift.differences} bar(s) differ from their recomputation from the stored trades`]
        : []),
    ];
    for (const problem of problems) progress(`step failed: ${problem}`);
    progress(`done in ${seconds.toFixed(1)} s`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await emulator?.stop();
  }
}

/** Serves the ingest API in front of `pipeline` until SIGINT or SIGTERM; resolves with the exit status. */
async function serve(pipeline: LocalPipeline, args: LocalRunArgs): Promise<number> {
  const background = pipeline.runInBackground({
    onError: (error) => progress(`pipeline step failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  const server = await startApiServer({ pipeline, port: args.port, log: progress }).catch(async (error: unknown) => {
    await background.stop();
    throw new UsageError(
      `cannot listen on 127.0.0.1:${args.port} (${error instanceof Error ? error.message : String(error)}); ` +
        'choose another --port',
    );
  });
  progress(`ingest API listening on ${server.url}: POST /ingest, POST /files; GET /local/bars for the bars so far`);
  progress('SigV4 and JWT are not checked locally, and nothing is throttled. Ctrl-C stops.');
  writeSummary(`${server.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  progress('stopping');
  await server.close();
  await background.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`local run failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError || error instanceof InputNotFoundError ? 2 : 1);
  },
);
