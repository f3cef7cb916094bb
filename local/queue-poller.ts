/**
 * SQS → processor as the Lambda event source mapping does it: batches of the mapping's size,
 * the SQS event shape, partial batch responses honoured (failed messages go back to the queue,
 * the others are deleted), and the queue's own redrive moving a message to the DLQ after
 * maxReceiveCount receives. Visibility timeouts are minutes in AWS; a failed message is made
 * visible again at once here so the local run does not wait them out.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalFunctions } from './lambda-runtime';
import type { ProvisionedPipeline } from './provision';

/** Options of {@link QueuePoller}. */
export interface QueuePollerOptions {
  readonly pipeline: ProvisionedPipeline;
  readonly sqs: SQSClient;
  readonly functions: LocalFunctions;
  readonly log?: (message: string) => void;
}

/** Converts a received message into the record Lambda hands the function. */
export function sqsEventRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Delivers the processing queue to the processor function. */
export class QueuePoller {
  /** Messages the processor handled successfully. */
  delivered = 0;
  /** Messages the processor reported as failed (each receive counts). */
  failedReceives = 0;

  constructor(private readonly options: QueuePollerOptions) {}

  /** Receives one batch and delivers it; resolves with the number of messages received. */
  async pollOnce(): Promise<number> {
    const { sqs, pipeline, functions, log } = this.options;
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pipeline.queueUrl,
        MaxNumberOfMessages: pipeline.spec.queueMapping.batchSize,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return 0;
    const event: SQSEvent = {
      Records: messages.map((m) => sqsEventRecord(m, pipeline.queueArn, pipeline.spec.region)),
    };
    let failedIds: Set<string>;
    try {
      const response = await functions.invoke<SQSBatchResponse | undefined>('processor', event);
      failedIds = new Set(
        pipeline.spec.queueMapping.reportBatchItemFailures
          ? (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier)
          : [],
      );
    } catch (error) {
      // A thrown handler fails the whole batch: every message returns to the queue.
      log?.(`processor failed a batch of ${messages.length}: ${(error as Error).message}`);
      failedIds = new Set(messages.map((m) => m.MessageId as string));
    }
    const succeeded = messages.filter((m) => !failedIds.has(m.MessageId as string));
    const failed = messages.filter((m) => failedIds.has(m.MessageId as string));
    if (succeeded.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: pipeline.queueUrl,
          Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    if (failed.length > 0) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: pipeline.queueUrl,
          Entries: failed.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
    this.delivered += succeeded.length;
    this.failedReceives += failed.length;
    return messages.length;
  }

  /** Messages visible or in flight on the processing queue and its DLQ. */
  async depth(): Promise<{ queued: number; deadLettered: number }> {
    const { sqs, pipeline } = this.options;
    const count = async (url: string): Promise<number> => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    };
    return { queued: await count(pipeline.queueUrl), deadLettered: await count(pipeline.deadLetterQueueUrl) };
  }
}
