/**
 * Runs the real handlers in this process, as Lambda would call them: the environment the
 * stacks set on the functions, a Lambda context, and the event; a thrown error is the
 * invocation's failure (its `name` is the error type Step Functions and the tests see).
 */
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { ENV, type FunctionName } from '../contract';
import type { PipelineConfig } from '../config';
import type { ProvisionedPipeline } from './provision';

/** Runs before each invocation; throwing fails that invocation (fault injection in tests). */
export type FaultInjector = (name: FunctionName, event: unknown, invocation: number) => void | Promise<void>;

/** Options of {@link LocalFunctions}. */
export interface LocalFunctionsOptions {
  readonly pipeline: ProvisionedPipeline;
  readonly config: PipelineConfig;
  /** Injected before each invocation; may throw. */
  readonly fault?: FaultInjector;
  /** Region of the emulator backend (`AWS_REGION` of the handlers). Default: the pipeline's region. */
  readonly emulatorRegion?: string;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const FUNCTIONS_DIR = join(__dirname, '..', 'functions');

/**
 * The environment variables the functions get in AWS (from contract `ENV`), for the emulator's
 * resources. Every function reads its variables lazily, so one shared process environment
 * serves them all.
 */
export function lambdaEnvironment(
  pipeline: ProvisionedPipeline,
  config: PipelineConfig,
  emulatorRegion = pipeline.spec.region,
): Record<string, string> {
  return {
    [ENV.tableName]: pipeline.tableName,
    [ENV.eventBusName]: pipeline.eventBusName,
    [ENV.ingestBucket]: pipeline.ingestBucket,
    [ENV.archiveBucket]: pipeline.archiveBucket,
    [ENV.stateMachineArn]: pipeline.stateMachineArn,
    [ENV.notificationsTopicArn]: pipeline.notificationsTopicArn,
    [ENV.pipelineRegion]: pipeline.spec.region,
    [ENV.pipelineRegions]: [config.primaryRegion, config.drRegion].join(','),
    [ENV.maxBodyBytes]: String(config.apiMaxBodyBytes),
    [ENV.maxRecordsPerRequest]: String(config.apiMaxRecords),
    [ENV.chunkSize]: String(config.chunkSize),
    AWS_REGION: emulatorRegion,
    AWS_DEFAULT_REGION: emulatorRegion,
    // X-Ray has no daemon here; Powertools would otherwise try to send segments.
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_NAMESPACE: 'MarketDataPipeline',
  };
}

/** The handlers of `functions/<name>/index.ts`, invoked in-process. */
export class LocalFunctions {
  /** Invocations per function (tests assert on them). */
  readonly invocations: Partial<Record<FunctionName, number>> = {};
  private readonly handlers = new Map<FunctionName, Handler>();

  private readonly environment: Record<string, string>;

  constructor(private readonly options: LocalFunctionsOptions) {
    this.environment = lambdaEnvironment(options.pipeline, options.config, options.emulatorRegion);
    // Set before any handler module loads: loggers read their level at import.
    Object.assign(process.env, this.environment);
  }

  /**
   * Invokes `name` with `event`; resolves with its result or rejects with its error. The
   * environment is set again first, so two pipelines in one process (two regions) work as long
   * as they are driven one at a time.
   */
  async invoke<R = unknown>(name: FunctionName, event: unknown): Promise<R> {
    const invocation = (this.invocations[name] = (this.invocations[name] ?? 0) + 1);
    Object.assign(process.env, this.environment);
    await this.options.fault?.(name, event, invocation);
    return (await this.handler(name)(event, this.context(name, invocation))) as R;
  }

  private handler(name: FunctionName): Handler {
    let handler = this.handlers.get(name);
    if (!handler) {
      // require, not import(): resolved through jest's module registry in tests, so a test and
      // the handlers share one instance of each module (and of the SDK clients).
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- shares jest's module registry, see above
      const module = require(join(FUNCTIONS_DIR, name, 'index.ts')) as { handler?: Handler };
      if (typeof module.handler !== 'function') throw new Error(`functions/${name}/index.ts does not export a handler`);
      handler = module.handler;
      this.handlers.set(name, handler);
    }
    return handler;
  }

  private context(name: FunctionName, invocation: number): Context {
    const { pipeline, config } = this.options;
    const functionName = pipeline.spec.functionNames[name];
    const deadline = Date.now() + config.functions[name].timeoutSeconds * 1000;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${pipeline.spec.region}:${pipeline.accountId}:function:${functionName}`,
      memoryLimitInMB: String(config.functions[name].memoryMb),
      awsRequestId: `local-${name}-${invocation}-${Date.now().toString(36)}`,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}
