/**
 * SQS (fed by the bus rule on accepted API records) → table. Each message body is an
 * EventBridge envelope whose `detail` is a MarketRecord. Records are stored with ownership, one
 * conditional write each (functions/lib/store/record-store.ts), held by the API request they
 * came from. A record whose identity is already stored with other content is not stored: the
 * stored version is kept and a MarketRecordRejected event (CONFLICTING_DUPLICATE) announces it,
 * since the API answered 202 before storage found the conflict. A message fails alone (partial
 * batch response) when it is malformed, its write failed after the client's retries, or its
 * rejection could not be announced; it reaches the DLQ after maxReceiveCount. Redelivery is
 * harmless: the record finds its own write again.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DETAIL_TYPES } from '../../contract';
import { putEvents } from '../lib/aws/event-publisher';
import { apiRequestOf } from '../lib/domain/ids';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { assertMarketRecord } from '../lib/domain/record-guard';
import type { MarketRecord, Reject } from '../lib/domain/types';
import { storeRecords } from '../lib/store/record-store';

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

/** A message whose record could not be written after the client's retries. */
export class RecordNotStoredError extends Error {
  constructor(
    readonly messageId: string,
    cause?: unknown,
  ) {
    super(`Record of message ${messageId} was not stored`, { cause });
    this.name = 'RecordNotStoredError';
  }
}

/** A message whose record conflicts, and whose MarketRecordRejected event the bus did not take. */
export class RejectionNotAnnouncedError extends Error {
  constructor(
    readonly messageId: string,
    readonly errorCode: string,
  ) {
    super(`Conflict of message ${messageId} could not be announced (${errorCode})`);
    this.name = 'RejectionNotAnnouncedError';
  }
}

/** Detail of a MarketRecordRejected event. */
export interface MarketRecordRejectedDetail {
  readonly reason: Reject['reason'];
  readonly message: string;
  readonly recordId: string;
  readonly type: MarketRecord['type'];
  readonly symbol: string;
  /** The rejected record's timestamp (absent for a record another one of its request displaced). */
  readonly timestamp?: string;
  /** 0-based index of the record in its request. */
  readonly index: number;
  /** The request's Idempotency-Key (the caller's, or the one the API assigned). */
  readonly idempotencyKey?: string;
  readonly sourceUri: string;
  /** The stored row this record conflicts with (kept). */
  readonly conflictsWith?: Reject['conflictsWith'];
}

/**
 * The MarketRecordRejected detail of the record at `reject.line` of `record`'s request: `record`
 * itself, or a record of the same request and identity that `record` displaced (a smaller index
 * with other content wins), whose timestamp is not at hand.
 */
export function rejectionDetail(record: MarketRecord, reject: Reject): MarketRecordRejectedDetail {
  const request = apiRequestOf(record.source.uri);
  const itself = reject.line === record.source.line;
  return {
    reason: reject.reason,
    message: reject.message,
    recordId: record.recordId,
    type: record.type,
    symbol: record.symbol,
    ...(itself ? { timestamp: record.timestamp } : {}),
    index: reject.line,
    ...(request ? { idempotencyKey: request.idempotencyKey } : {}),
    sourceUri: record.source.uri,
    ...(reject.conflictsWith ? { conflictsWith: reject.conflictsWith } : {}),
  };
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
  // Pass 1: parse every message, store all valid records together, announce conflicts.
  const problems = new Map<string, Error>();
  const parsed: { messageId: string; record: MarketRecord }[] = [];
  for (const message of event.Records ?? []) {
    try {
      // The item records the region that writes it: that is the region whose bars count it.
      parsed.push({ messageId: message.messageId, record: { ...recordOfMessage(message), originRegion: region } });
    } catch (error) {
      problems.set(message.messageId, error as Error);
      logger.warn('Malformed message', { messageId: message.messageId });
    }
  }
  const results = await storeRecords(
    env.tableName(),
    parsed.map(({ record }) => ({ record, runId: apiRunIdOf(record) })),
  );
  const rejections: { messageId: string; detail: MarketRecordRejectedDetail }[] = [];
  results.forEach((result, i) => {
    const { messageId, record } = parsed[i];
    if (result.status === 'failed') problems.set(messageId, new RecordNotStoredError(messageId, result.error));
    else if (result.status === 'conflict' && result.reject)
      rejections.push({ messageId, detail: rejectionDetail(record, result.reject) });
    // Records of the same request this one took the place of (they were stored, now rejected).
    for (const displaced of result.displaced)
      rejections.push({ messageId, detail: rejectionDetail(record, displaced) });
  });
  if (rejections.length > 0) {
    const outcome = await putEvents(
      rejections.map((r) => ({ detailType: DETAIL_TYPES.recordRejected, detail: r.detail })),
      { busName: env.eventBusName() },
    );
    for (const failed of outcome.failed) {
      const { messageId } = rejections[failed.index];
      problems.set(messageId, new RejectionNotAnnouncedError(messageId, failed.errorCode));
    }
  }
  const failedWrites = results.filter((r) => r.status === 'failed');
  if (failedWrites.length > 0)
    logger.error('Records not stored after retries', {
      failed: failedWrites.length,
      error: failedWrites[0].error as Error,
    });
  count(METRIC.recordsStored, results.filter((r) => r.status === 'stored').length);
  count(METRIC.recordsConflicting, rejections.length);
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

/** The run an API record belongs to: its request (the same request, retried, is the same run). */
function apiRunIdOf(record: MarketRecord): string {
  return apiRequestOf(record.source.uri)?.runId ?? record.source.uri;
}
