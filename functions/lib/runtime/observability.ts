/**
 * Structured JSON logs, EMF metrics and X-Ray traces (Powertools), shared by every handler.
 * Logs carry ids, keys and counts only — never record payloads (prices are customer data).
 *
 * The service name comes from POWERTOOLS_SERVICE_NAME (set per function by the infrastructure),
 * the metrics namespace from POWERTOOLS_METRICS_NAMESPACE, both with defaults.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';

const serviceName =
  process.env.POWERTOOLS_SERVICE_NAME || process.env.AWS_LAMBDA_FUNCTION_NAME || 'market-data-pipeline';

/** JSON logger; level from POWERTOOLS_LOG_LEVEL (default INFO). */
export const logger = new Logger({ serviceName });
/** EMF metrics buffered per invocation and flushed by `instrumented`. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'MarketDataPipeline',
  serviceName,
});
/** X-Ray tracer; a no-op outside Lambda or when POWERTOOLS_TRACE_ENABLED=false. */
export const tracer = new Tracer({ serviceName });

/** Metric names the dashboards and alarms refer to. */
export const METRIC = {
  recordsAccepted: 'RecordsAccepted',
  recordsRejected: 'RecordsRejected',
  recordsStored: 'RecordsStored',
  recordsDeleted: 'RecordsDeleted',
  barsUpdated: 'BarsUpdated',
  barExtremesRecomputed: 'BarExtremesRecomputed',
  summariesPublished: 'SummariesPublished',
  summaryRevisionsPublished: 'SummaryRevisionsPublished',
  eventsPublished: 'EventsPublished',
  executionsStarted: 'ExecutionsStarted',
  duplicateNotifications: 'DuplicateNotifications',
  runsInProgress: 'RunsInProgress',
  recordsConflicting: 'RecordsConflicting',
  malformedMessages: 'MalformedMessages',
  filesCompleted: 'FilesCompleted',
  filesFailed: 'FilesFailed',
} as const;

/** Records `value` of the metric `name` even when it is 0 (a gauge an alarm watches needs its zeros). */
export function gauge(name: string, value: number): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** Adds `value` to the count metric `name` (no-op for 0 so empty runs emit no noise). */
export function count(name: (typeof METRIC)[keyof typeof METRIC], value = 1): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * Wraps a handler: Lambda context in every log line; when tracing is on, a `## <handler>`
 * subsegment (annotations cannot go on Lambda's own facade segment) with the cold-start and
 * service annotations and any error as metadata — the response is not recorded, it may carry
 * data; and the invocation's metrics flushed even when the handler throws.
 */
export function instrumented<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    logger.addContext(context);
    try {
      if (!tracer.isTracingEnabled()) return await handler(event, context);
      return (await tracer.provider.captureAsyncFunc(`## ${process.env._HANDLER ?? 'handler'}`, async (subsegment) => {
        tracer.annotateColdStart();
        tracer.addServiceNameAnnotation();
        try {
          return await handler(event, context);
        } catch (error) {
          tracer.addErrorAsMetadata(error as Error);
          throw error;
        } finally {
          subsegment?.close();
        }
      })) as R;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
