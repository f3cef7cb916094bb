/**
 * One local run, isolated: its resources carry a run id in their name prefix
 * (`<namePrefix>-<runId>`), so runs at the same time on one emulator never see each other's
 * tables, buckets, queues or executions; its report is read from those resources only; and it
 * removes them when it ends (unless kept). `npm run local` is this plus the emulator and printing.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { PipelineConfig } from '../config';
import { type DrainStats, LocalPipeline, type StageSeconds } from './local-pipeline';
import type { LocalRunReport } from './run-report';

/** Longest name prefix configuration allows (`namePrefix`: 3-25 characters). */
const NAME_PREFIX_MAX = 25;

/** Options of {@link runLocal}. */
export interface LocalRunOptions {
  /** The environment's configuration, as loaded. */
  readonly config: PipelineConfig;
  /** Files to ingest (each uploaded under incoming/<its name>). */
  readonly files: readonly string[];
  /** Names this run's resources. Default: a fresh random id. */
  readonly runId?: string;
  /** Keep the resources in the emulator after the run (to inspect them). Default false. */
  readonly keep?: boolean;
  /** Run the table stream → bars stage. Default true. */
  readonly bars?: boolean;
  /** Longest the pipeline may stay busy. Default 30 minutes. */
  readonly drainTimeoutMs?: number;
  /** Prints the run's progress this often (0: never). Default 10 s. */
  readonly progressEveryMs?: number;
  readonly log?: (message: string) => void;
}

/** What a local run did. */
export interface LocalRunResult {
  readonly runId: string;
  /** Name prefix of every resource of the run. */
  readonly namePrefix: string;
  readonly region: string;
  readonly report: LocalRunReport;
  readonly stats: DrainStats;
  /** Seconds spent in each stage, and records they moved (file workflows: records stored). */
  readonly stages: StageSeconds & { readonly recordsStored: number; readonly streamRecords: number };
  /** Steps that failed (a file run that did not succeed, bars given up, messages in the DLQ). */
  readonly problems: readonly string[];
}

/** A new run id: a letter and 5 more lower-case letters or digits (valid in every resource name). */
export function newRunId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(6);
  return [...bytes].map((b, i) => alphabet[i === 0 ? b % 26 : b % alphabet.length]).join('');
}

/** `config` with the run id in its name prefix, shortened to fit the 25 characters names allow. */
export function localRunConfig(config: PipelineConfig, runId: string): PipelineConfig {
  const room = NAME_PREFIX_MAX - runId.length - 1;
  const base = config.namePrefix.slice(0, room).replace(/-+$/, '');
  return { ...config, namePrefix: `${base}-${runId}` };
}

/** Provisions an isolated pipeline, ingests `files`, drains it, reads its report and cleans up. */
export async function runLocal(options: LocalRunOptions): Promise<LocalRunResult> {
  const runId = options.runId ?? newRunId();
  const config = localRunConfig(options.config, runId);
  const log = options.log;
  log?.(`run ${runId}: resources named ${config.namePrefix}-*`);
  const pipeline = await LocalPipeline.create({ config, log, bars: options.bars });
  const every = options.progressEveryMs ?? 10_000;
  const ticker = every > 0 && log ? setInterval(() => log(`progress: ${pipeline.progress()}`), every) : undefined;
  ticker?.unref();
  try {
    for (const file of options.files) {
      await pipeline.uploadFile(basename(file), readFileSync(file));
      log?.(`uploaded ${basename(file)}`);
    }
    const stats = await pipeline.drain(options.drainTimeoutMs ?? 30 * 60_000);
    log?.(
      `idle: ${stats.executions} workflow execution(s), ${stats.messages} queue message(s), ` +
        `${stats.streamRecords} stream record(s)`,
    );
    const report = await pipeline.report();
    const { deadLettered } = await pipeline.queue.depth();
    const problems = [
      ...pipeline.workflows.finished
        .filter((run) => run.status !== 'SUCCEEDED')
        .map(
          (run) =>
            `file workflow for ${(run.input as { key?: string }).key ?? run.name} ${run.status}: ${run.error}` +
            (run.cause ? ` (${run.cause})` : ''),
        ),
      ...pipeline.stream.abandoned.map((batch) => `bars gave up on ${batch.records} stream record(s): ${batch.error}`),
      ...(deadLettered > 0 ? [`${deadLettered} message(s) ended in the processing DLQ`] : []),
      ...(report.drift.differences > 0
        ? [`${report.drift.differences} bar(s) differ from their recomputation from the stored trades`]
        : []),
    ];
    return {
      runId,
      namePrefix: config.namePrefix,
      region: pipeline.resources.spec.region,
      report,
      stats,
      stages: {
        ...pipeline.stageSeconds,
        recordsStored: pipeline.workflows.progress.recordsStored,
        streamRecords: pipeline.stream.delivered,
      },
      problems,
    };
  } finally {
    clearInterval(ticker);
    if (options.keep) log?.(`kept the run's resources (${config.namePrefix}-*)`);
    else await pipeline.dispose();
  }
}
