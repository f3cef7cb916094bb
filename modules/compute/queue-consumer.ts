/**
 * SQS → Lambda event source mapping with partial batch responses: a failed record is retried
 * alone (and ends in the DLQ after the queue's maxReceiveCount), the rest of the batch is deleted.
 */
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { Construct } from 'constructs';
import { PROCESSOR_BATCH_SIZE } from '../../contract';
import type { FunctionHandle } from './function-handle';

/** Props of {@link QueueConsumer}. */
export interface QueueConsumerProps {
  readonly queueArn: string;
  readonly consumer: FunctionHandle;
  /** Messages per invocation. Default PROCESSOR_BATCH_SIZE (10). */
  readonly batchSize?: number;
  /** Seconds to wait for a fuller batch. Default 5. */
  readonly maximumBatchingWindowSeconds?: number;
  /**
   * Concurrent invocations the mapping may drive (2-1000). Default: the consumer's reserved
   * concurrency when it has one of at least 2 (the queue never drives more than the function may
   * run), else 10.
   */
  readonly maximumConcurrency?: number;
}

/**
 * Polls a queue into a function. The poller uses the function's role: it needs
 * sqs:ReceiveMessage/DeleteMessage/GetQueueAttributes on the queue
 * (granted in stacks/function-permissions.ts with the rest of the function's grants).
 */
export class QueueConsumer extends Construct {
  readonly mappingUuid: string;

  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    const mapping = new LambdaEventSourceMapping(this, 'Mapping', {
      eventSourceArn: props.queueArn,
      functionName: props.consumer.arn,
      batchSize: props.batchSize ?? PROCESSOR_BATCH_SIZE,
      maximumBatchingWindowInSeconds: props.maximumBatchingWindowSeconds ?? 5,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: {
        maximumConcurrency: Math.max(2, props.maximumConcurrency ?? defaultConcurrency(props.consumer)),
      },
    });
    this.mappingUuid = mapping.uuid;
  }
}

function defaultConcurrency(consumer: FunctionHandle): number {
  return consumer.reservedConcurrency >= 2 ? Math.min(1000, consumer.reservedConcurrency) : 10;
}
