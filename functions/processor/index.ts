/**
 * SQS (fed by the bus rule on accepted API records) → table. Each message body is an
 * EventBridge envelope whose `detail` is a MarketRecord. Valid records are grouped into
 * BatchWriteItem calls; a message fails alone (partial batch response) when its detail is
 * malformed or its write is still unprocessed after retries, and reaches the DLQ after
 * maxReceiveCount. Writes are idempotent (deterministic keys), so redelivery is harmless.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { writeBatches, writeRequestKey } from '../lib/store/batch-writer';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { recordItem } from '../lib/store/items';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { assertMarketRecord } from '../lib/domain/record-guard';
import type { MarketRecord } from '../lib/domain/types';

/** A message whose body is not an envelope carrying a valid MarketRecord. */
export class MalformedMessageError extends Error {
  constructor(
    readonly messageId: string,
    detail: string,
  ) {
    super(`Message ${messageId} is malformed: ${detail}`);
    this.name = 'MalformedMessageError';
  }
}

/** A message whose record could not be written after retries. */
export class RecordNotStoredError extends Error {
  constructor(readonly messageId: string) {
    super(`Record of message ${messageId} was not stored`);
    this.name = 'RecordNotStoredError';
  }
}

/** The MarketRecord carried by an SQS message (EventBridge envelope → detail, or the bare record). */
export function recordOfMessage(message: SQSRecord): MarketRecord {
  let envelope: unknown;
  try {
    envelope = JSON.parse(message.body);
  } catch {
    throw new MalformedMessageError(message.messageId, 'body is not JSON');
  }
  if (!envelope || typeof envelope !== 'object')
    throw new MalformedMessageError(message.messageId, 'body is not an object');
  // The rule delivers the whole event; a rule with InputPath `$.detail` would deliver the record itself.
  const detail = 'detail' in envelope ? envelope.detail : envelope;
  try {
    return assertMarketRecord(detail);
  } catch (error) {
    throw new MalformedMessageError(message.messageId, (error as Error).message);
  }
}

const batchProcessor = new BatchProcessor(EventType.SQS);

/** SQS handler with partial batch responses (ReportBatchItemFailures). */
export const handler = instrumented(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const region = pipelineRegion();
  // Pass 1: parse every message and write all valid records together (25 per request).
  const problems = new Map<string, Error>();
  const requests: WriteRequest[] = [];
  const messagesByKey = new Map<string, string[]>();
  for (const message of event.Records ?? []) {
    try {
      // The item records the region that writes it: that is the region whose bars count it.
      const record = { ...recordOfMessage(message), originRegion: region };
      const request: WriteRequest = { PutRequest: { Item: recordItem(record) } };
      const key = writeRequestKey(request);
      messagesByKey.set(key, [...(messagesByKey.get(key) ?? []), message.messageId]);
      requests.push(request);
    } catch (error) {
      problems.set(message.messageId, error as Error);
      logger.warn('Malformed message', { messageId: message.messageId });
    }
  }
  const outcome =
    requests.length > 0 ? await writeBatches(env.tableName(), requests) : { written: 0, failed: [], errors: [] };
  for (const failedRequest of outcome.failed) {
    for (const messageId of messagesByKey.get(writeRequestKey(failedRequest)) ?? [])
      problems.set(messageId, new RecordNotStoredError(messageId));
  }
  if (outcome.failed.length > 0)
    logger.error('Records not stored after retries', {
      failed: outcome.failed.length,
      error: outcome.errors[0] as Error | undefined,
    });
  count(METRIC.recordsStored, outcome.written);
  count(METRIC.malformedMessages, [...problems.values()].filter((e) => e instanceof MalformedMessageError).length);

  // Pass 2: Powertools builds the partial batch response from per-message outcomes.
  return processPartialResponse(
    event,
    (message: SQSRecord): Promise<void> => {
      const problem = problems.get(message.messageId);
      return problem ? Promise.reject(problem) : Promise.resolve();
    },
    batchProcessor,
    { context, throwOnFullBatchFailure: false },
  );
});
