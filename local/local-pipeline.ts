/**
 * One regional copy of the pipeline running against the emulator: resources provisioned from
 * the constructs, the real handlers in-process, and the wiring AWS provides (S3 notifications,
 * Step Functions, EventBridge → SQS, SQS and stream event source mappings) driven locally.
 * Used by `npm run local` and by the integration tests.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, S3Event } from 'aws-lambda';
import type { PipelineConfig } from '../config';
import { KEY_PREFIX } from '../contract';
import { apiGatewayEvent } from './api-gateway-event';
import { type FaultInjector, LocalFunctions } from './lambda-runtime';
import { type ProvisionClients, type ProvisionedPipeline, provisionPipeline, removePipeline } from './provision';
import { QueuePoller } from './queue-poller';
import { pipelineResourceSpec } from './resource-spec';
import { matchingNotification, objectCreatedRecord, s3Event } from './s3-event';
import { StreamPoller } from './stream-poller';
import { WorkflowRunner } from './workflow-runner';
import { readRunReport, type LocalRunReport } from './run-report';

/** Options of {@link LocalPipeline.create}. */
export interface LocalPipelineOptions {
  readonly config: PipelineConfig;
  /** Region this copy runs in. Default: the config's primary region. */
  readonly region?: string;
  /**
   * Region of the emulator backend its resources are created in. Default: `region`. Two copies
   * standing in for two regions share one backend (with different name prefixes), so the
   * handlers' SDK clients, created once per process, reach both.
   */
  readonly emulatorRegion?: string;
  /** Delete what an earlier run left under the same names. Default true. */
  readonly fresh?: boolean;
  /** Runs before every handler invocation; throwing fails it (tests inject faults here). */
  readonly fault?: FaultInjector;
  /** Scales the workflow's retry delays. Default 0 (retry at once). */
  readonly retryDelayScale?: number;
  /** How long nothing may happen before the pipeline counts as idle. Default 300 ms. */
  readonly quietMs?: number;
  /**
   * Deliver the table's stream to the bars function. Default true; false measures or tests the
   * file workflow alone (the stream records stay unread).
   */
  readonly bars?: boolean;
  /** Progress messages. */
  readonly log?: (message: string) => void;
}

/** Time spent in each stage of a drain. */
export interface StageSeconds {
  /** File workflows (Validate, StoreChunks, Archive, Notify), including the handlers' work. */
  workflows: number;
  /** Processing queue → processor. */
  queue: number;
  /** Table stream → bars. */
  bars: number;
  /** Reading the outcome back: items, rejects reports and the drift check (bars recomputed from the stored trades). */
  report: number;
}

/** What one {@link LocalPipeline.drain} (or one round of it) did. */
export interface DrainStats {
  readonly executions: number;
  readonly messages: number;
  readonly streamRecords: number;
}

/** A {@link LocalPipeline.runInBackground} loop; `stop()` resolves once its current round is over. */
export interface BackgroundRun {
  stop(): Promise<void>;
}

/** The pipeline did not become idle, or something ended where it must not. */
export class PipelineStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineStepError';
  }
}

/** An uploaded file and the notification S3 would send for it. */
export interface UploadedFile {
  readonly key: string;
  readonly versionId?: string;
  /** The notification event (undefined when the key matches no notification filter). */
  readonly event?: S3Event;
}

/** A regional pipeline in the emulator. */
export class LocalPipeline {
  readonly workflows: WorkflowRunner;
  /** Seconds spent driving each stage so far (the local day's records/s per stage). */
  readonly stageSeconds: StageSeconds = { workflows: 0, queue: 0, bars: 0, report: 0 };
  /** The part of the pipeline being driven right now. */
  private stage = 'provisioned';
  readonly queue: QueuePoller;
  readonly stream: StreamPoller;

  private constructor(
    readonly config: PipelineConfig,
    readonly resources: ProvisionedPipeline,
    readonly functions: LocalFunctions,
    readonly clients: ProvisionClients & { streams: DynamoDBStreamsClient },
    private readonly options: LocalPipelineOptions,
  ) {
    const log = options.log;
    this.workflows = new WorkflowRunner({
      pipeline: resources,
      sfn: clients.sfn,
      s3: clients.s3,
      functions,
      retryDelayScale: options.retryDelayScale,
      log,
    });
    this.queue = new QueuePoller({ pipeline: resources, sqs: clients.sqs, functions, log });
    this.stream = new StreamPoller({ pipeline: resources, streams: clients.streams, functions, log });
  }

  /**
   * Provisions the pipeline in the emulator named by `AWS_ENDPOINT_URL` and loads the handlers.
   * @throws ResourceSpecError when a construct no longer synthesizes what the local run needs.
   */
  static async create(options: LocalPipelineOptions): Promise<LocalPipeline> {
    const region = options.region ?? options.config.primaryRegion;
    const emulatorRegion = options.emulatorRegion ?? region;
    const clientConfig = { region: emulatorRegion };
    const clients = {
      dynamodb: new DynamoDBClient(clientConfig),
      s3: new S3Client({ ...clientConfig, forcePathStyle: true }),
      sqs: new SQSClient(clientConfig),
      sfn: new SFNClient(clientConfig),
      streams: new DynamoDBStreamsClient(clientConfig),
      eventBridge: new EventBridgeClient(clientConfig),
      sns: new SNSClient(clientConfig),
    };
    const spec = pipelineResourceSpec(options.config, region);
    options.log?.(
      `provisioning ${spec.table.name}, ${spec.ingestBucket.name}, ${spec.eventBus.name}, ` +
        `${spec.processingQueue.name}, ${spec.stateMachineName}`,
    );
    const resources = await provisionPipeline(spec, clients, { fresh: options.fresh ?? true, emulatorRegion });
    const functions = new LocalFunctions({
      pipeline: resources,
      config: options.config,
      fault: options.fault,
      emulatorRegion,
    });
    return new LocalPipeline(options.config, resources, functions, clients, options);
  }

  /**
   * Puts `body` into the ingest bucket under `incoming/<name>` and delivers the S3 notification
   * to the file-trigger function when the key matches the bucket's notification filters.
   */
  async uploadFile(name: string, body: string | Buffer): Promise<UploadedFile> {
    const key = name.startsWith(KEY_PREFIX.incoming) ? name : `${KEY_PREFIX.incoming}${name}`;
    const bucket = this.resources.ingestBucket;
    const put = await this.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const head = await this.clients.s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: put.VersionId }),
    );
    const notification = matchingNotification(this.resources.spec.ingestBucket.notifications, key);
    if (!notification) {
      this.options.log?.(`uploaded ${key}: no notification (outside ${KEY_PREFIX.incoming} or unsupported suffix)`);
      return { key, versionId: put.VersionId };
    }
    const event = s3Event(
      objectCreatedRecord(
        {
          region: this.resources.spec.region,
          bucket,
          key,
          size: Number(head.ContentLength ?? 0),
          eTag: put.ETag ?? '',
          versionId: put.VersionId,
        },
        notification.id,
      ),
    );
    await this.deliverS3Event(event);
    this.options.log?.(`uploaded ${key} (version ${put.VersionId ?? 'null'})`);
    return { key, versionId: put.VersionId, event };
  }

  /** Delivers an S3 notification to the file-trigger function (again, to simulate at-least-once delivery). */
  async deliverS3Event(event: S3Event): Promise<unknown> {
    return this.functions.invoke('file-trigger', event);
  }

  /** Sends an HTTP request to the api-ingest function as API Gateway (HTTP API, payload 2.0) would. */
  async apiRequest(
    body: unknown,
    options: {
      routeKey?: string;
      path?: string;
      headers?: Record<string, string>;
      /** IAM principal ARN the (SigV4) authorizer reports. Default: a local user of the emulator's account. */
      caller?: string;
    } = {},
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const event = apiGatewayEvent(
      {
        routeKey: options.routeKey ?? 'POST /ingest',
        path: options.path,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
          ...options.headers,
        },
        body: text,
      },
      { accountId: this.resources.accountId, caller: options.caller },
    );
    return this.invokeApi(event);
  }

  /** Invokes api-ingest with an API Gateway event (the local HTTP server's path in). */
  invokeApi(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    return this.functions.invoke<APIGatewayProxyStructuredResultV2>('api-ingest', event);
  }

  /** One round of what AWS drives: pending workflow executions, one queue batch, one stream poll. */
  async step(): Promise<DrainStats> {
    const executions = await this.timed('workflows', 'file workflows', () => this.workflows.runPending());
    const messages = await this.timed('queue', 'processing queue', () => this.queue.pollOnce());
    const streamRecords =
      this.options.bars === false ? 0 : await this.timed('bars', 'stream to bars', () => this.stream.pollOnce());
    return { executions, messages, streamRecords };
  }

  /** Runs `work` as `stage`, adding its time to {@link stageSeconds}. */
  private async timed<T>(stage: keyof StageSeconds, label: string, work: () => Promise<T>): Promise<T> {
    this.stage = label;
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.stageSeconds[stage] += (Date.now() - started) / 1000;
    }
  }

  /**
   * Keeps driving the pipeline (as {@link step} does) until stopped, pausing `idleMs` after a round
   * that found nothing: what the local HTTP server runs behind the API. A failing round is reported
   * through `onError` and the loop goes on, as AWS's pollers do.
   */
  runInBackground(options: { idleMs?: number; onError?: (error: unknown) => void } = {}): BackgroundRun {
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        let busy = false;
        try {
          const round = await this.step();
          busy = round.executions + round.messages + round.streamRecords > 0;
        } catch (error) {
          options.onError?.(error);
        }
        if (!busy && !stopped) await new Promise((resolve) => setTimeout(resolve, options.idleMs ?? 100));
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
      },
    };
  }

  /**
   * Runs executions, queue and stream until nothing happens for the quiet period.
   * @throws PipelineStepError when it is still busy after `timeoutMs`.
   */
  async drain(timeoutMs = 120_000): Promise<DrainStats> {
    const quietMs = this.options.quietMs ?? 300;
    const deadline = Date.now() + timeoutMs;
    const stats = { executions: 0, messages: 0, streamRecords: 0 };
    let quietSince: number | undefined;
    while (Date.now() < deadline) {
      const { executions, messages, streamRecords } = await this.step();
      this.stage = 'waiting for quiet';
      stats.executions += executions;
      stats.messages += messages;
      stats.streamRecords += streamRecords;
      if (executions + messages + streamRecords > 0) {
        quietSince = undefined;
        continue;
      }
      // Messages in flight are invisible, not gone: idle only when the queue is really empty.
      const { queued } = await this.queue.depth();
      if (queued > 0) {
        quietSince = undefined;
      } else {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= quietMs) return stats;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new PipelineStepError(`the pipeline was still busy after ${timeoutMs} ms`);
  }

  /** One line of where the run stands: files, rows, chunks, messages and stream records so far. */
  progress(): string {
    const w = this.workflows.progress;
    return (
      `files ${w.finished}/${w.started} done, ${w.rowsRead.toLocaleString('en-US')} rows validated, ` +
      `chunks ${w.chunksStored}/${w.chunksStaged} stored (${w.recordsStored.toLocaleString('en-US')} records), ` +
      `${this.queue.delivered} queue message(s), ${this.stream.delivered.toLocaleString('en-US')} stream record(s) ` +
      `to bars; stage: ${this.stage}`
    );
  }

  /** Deletes every resource of this pipeline from the emulator (a local run cleans up after itself). */
  async dispose(): Promise<void> {
    await removePipeline(this.resources.spec, this.clients);
  }

  /** Reads the run's outcome back from the emulator (table items and rejects reports). */
  async report(): Promise<LocalRunReport> {
    const reconcile = this.options.bars !== false;
    this.stage = reconcile ? 'report and drift check' : 'report';
    const started = Date.now();
    try {
      return await readRunReport(this.resources, this.clients, [this.config.primaryRegion, this.config.drRegion], {
        reconcile,
      });
    } finally {
      this.stageSeconds.report += (Date.now() - started) / 1000;
      this.stage = 'idle';
    }
  }
}
