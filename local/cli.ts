/**
 * `npm run local -- [--json] [--env <env>] [--generate-day <rows> | paths...]`: the whole
 * pipeline on this machine. Starts (or reuses) the local AWS emulator, provisions an isolated
 * copy of the pipeline from the constructs, uploads each file under incoming/, drives S3 →
 * trigger → workflow, API/bus → SQS → processor and stream → bars until idle, then prints what
 * the emulator's table holds. With --generate-day it first writes a trading day
 * (bench/trading-day.ts) and at the end checks the bars against that day's independent recompute.
 * With `--serve`, it keeps driving its pipeline behind the ingest API on 127.0.0.1 until stopped.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { barDifferences } from '../bench/reference-bars';
import { writeTradingDay, type TradingDay } from '../bench/trading-day';
import { loadConfig, type PipelineConfig } from '../config';
import { startApiServer } from './api-server';
import { startEmulator, type EmulatorHandle } from './emulator';
import { type LocalRunArgs, parseLocalRunArgs, USAGE, UsageError } from './cli-args';
import { InputNotFoundError, resolveInputFiles } from './input-files';
import { LocalPipeline } from './local-pipeline';
import { localRunConfig, newRunId, runLocal } from './local-run';
import { formatReport } from './report-format';

// Everything but the summary goes to stderr: handlers log (and emit EMF metrics) on stdout,
// and `--json` promises exactly one JSON object there.
const writeSummary = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);

const progress = (message: string): void => void process.stderr.write(`[local] ${message}\n`);

// The handlers' SDK clients warn when more requests wait for a socket than their pool holds. On
// AWS every Lambda instance runs one invocation at a time; here one process runs every invocation
// (StoreChunks children included), so the pool is shared and the warning says nothing about the
// code. Count them and say so once at the end instead of printing each.
const SOCKET_WARNING = '@smithy/node-http-handler:WARN - socket usage at capacity';
let socketWarnings = 0;
const warn = console.warn.bind(console);
console.warn = (...parts: unknown[]): void => {
  if (typeof parts[0] === 'string' && parts[0].startsWith(SOCKET_WARNING)) socketWarnings++;
  else warn(...parts);
};

/** `count` per `seconds`, rounded, as text. */
const rate = (count: number, seconds: number): string =>
  seconds > 0 ? Math.round(count / seconds).toLocaleString('en-US') : '-';

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
  let day: TradingDay | undefined;
  if (args.generateDay !== undefined) {
    const dir = join(__dirname, '..', '.local-run', `day-${args.generateDay}`);
    progress(`generating a trading day of ${args.generateDay.toLocaleString('en-US')} rows into ${dir}`);
    day = await writeTradingDay(dir, { rows: args.generateDay });
    const bad = Object.values(day.rejects).reduce((a, b) => a + b, 0);
    progress(
      `generated ${day.files.length} files: ${day.trades.toLocaleString('en-US')} trades, ` +
        `${day.quotes.toLocaleString('en-US')} quotes, ${bad} bad rows; ` +
        `${day.bars.length.toLocaleString('en-US')} minute bars expected (${(day.top10TradeShare * 100).toFixed(0)}% ` +
        `of the trades in the 10 most active symbols) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  const files = day
    ? day.files.map((file) => file.path)
    : resolveInputFiles(args.paths.length > 0 || args.serve ? args.paths : [join(__dirname, '..', 'samples')]);
  if (files.length === 0 && !args.serve)
    throw new UsageError('no .csv, .json or .ndjson files found in the given paths');
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
    if (args.serve) return await serve(config, files, args);
    const run = await runLocal({ config, files, keep: args.keep, bars: args.bars, log: progress });
    const seconds = (Date.now() - started) / 1000;
    const problems = [...run.problems];
    const { stages } = run;
    progress(
      `stages: file workflows ${stages.workflows.toFixed(1)} s (${rate(stages.recordsStored, stages.workflows)} ` +
        `records/s stored), queue ${stages.queue.toFixed(1)} s, stream to bars ${stages.bars.toFixed(1)} s ` +
        `(${rate(stages.streamRecords, stages.bars)} stream records/s), report and drift check ` +
        `${stages.report.toFixed(1)} s`,
    );
    if (day && args.bars) {
      const diff = barDifferences(day.bars, run.report.bars);
      if (diff.missing + diff.unexpected + diff.different === 0)
        progress(`bars: all ${day.bars.length.toLocaleString('en-US')} exact (independent recompute of the day)`);
      else
        problems.push(
          `bars differ from the day's independent recompute: ${diff.missing} missing, ${diff.unexpected} unexpected, ` +
            `${diff.different} different (${diff.examples.join('; ')})`,
        );
    } else if (day) {
      progress('bars: not checked (--no-bars)');
    }
    writeSummary(
      args.json
        ? `${JSON.stringify(run.report)}\n`
        : formatReport(run.report, {
            env: args.env,
            region: run.region,
            endpoint: emulator.endpoint,
            seconds,
          }),
    );
    for (const problem of problems) progress(`step failed: ${problem}`);
    if (socketWarnings > 0)
      progress(
        `${socketWarnings} SDK socket-pool warning(s) not shown: every handler invocation shares one process ` +
          'here, where each Lambda instance would have its own pool',
      );
    progress(`done in ${seconds.toFixed(1)} s`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await emulator?.stop();
  }
}

/**
 * Serves the ingest API in front of an isolated pipeline (its own run id, like every local run),
 * with `files` uploaded first, until SIGINT or SIGTERM; resolves with the exit status.
 */
async function serve(config: PipelineConfig, files: readonly string[], args: LocalRunArgs): Promise<number> {
  const runId = newRunId();
  const runConfig = localRunConfig(config, runId);
  progress(`run ${runId}: resources named ${runConfig.namePrefix}-*`);
  const pipeline = await LocalPipeline.create({ config: runConfig, log: progress, bars: args.bars });
  try {
    for (const file of files) await pipeline.uploadFile(basename(file), readFileSync(file));
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
  } finally {
    if (args.keep) progress(`kept the run's resources (${runConfig.namePrefix}-*)`);
    else await pipeline.dispose();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`local run failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError || error instanceof InputNotFoundError ? 2 : 1);
  },
);
