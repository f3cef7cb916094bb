/**
 * DynamoDB stream → bars function. The filter (`streamFilterPatterns`) delivers the trade
 * changes this region's partial bars count (a version that originated here added or removed)
 * and the other region's partial bars arriving by replication; nothing else.
 *
 * Starting position TRIM_HORIZON: on first deploy (or after a mapping is recreated) the
 * function reads the 24 h the stream retains instead of skipping them; each partial bar keeps
 * the last stream sequence number it applied, so re-reading is safe while skipping would lose
 * data.
 */
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { Construct } from 'constructs';
import { BARS_BATCH_SIZE, streamFilterPatterns } from '../../contract';
import type { FunctionHandle } from './function-handle';

/** Props of {@link StreamConsumer}. */
export interface StreamConsumerProps {
  /** Region of the stream; only records with this `originRegion` are delivered. */
  readonly region: string;
  /** Stream ARN of the table (replica) in `region`. */
  readonly streamArn: string;
  readonly consumer: FunctionHandle;
  /** Queue receiving the metadata of batches that still fail after retries. */
  readonly failureQueueArn: string;
  /** Records per invocation. Default BARS_BATCH_SIZE (100). */
  readonly batchSize?: number;
  /** Retries of a failing batch (after bisecting). Default 5. */
  readonly maximumRetryAttempts?: number;
  /** Records older than this go to the failure queue. Default 3600 s. */
  readonly maximumRecordAgeSeconds?: number;
  /** Seconds to wait for a fuller batch. Default 1. */
  readonly maximumBatchingWindowSeconds?: number;
}

/**
 * Stream mapping with bisect-on-error, bounded retries and age, and an on-failure queue. The
 * poller uses the function's role: it needs dynamodb:GetRecords/GetShardIterator/DescribeStream
 * on the stream, dynamodb:ListStreams and sqs:SendMessage on the failure queue (granted in
 * stacks/function-permissions.ts).
 */
export class StreamConsumer extends Construct {
  readonly mappingUuid: string;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const mapping = new LambdaEventSourceMapping(this, 'Mapping', {
      eventSourceArn: props.streamArn,
      functionName: props.consumer.arn,
      startingPosition: 'TRIM_HORIZON',
      batchSize: props.batchSize ?? BARS_BATCH_SIZE,
      maximumBatchingWindowInSeconds: props.maximumBatchingWindowSeconds ?? 1,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: props.maximumRetryAttempts ?? 5,
      maximumRecordAgeInSeconds: props.maximumRecordAgeSeconds ?? 3600,
      // Bars rely on per-key order within a shard.
      parallelizationFactor: 1,
      functionResponseTypes: ['ReportBatchItemFailures'],
      destinationConfig: { onFailure: { destinationArn: props.failureQueueArn } },
      filterCriteria: {
        filter: streamFilterPatterns(props.region).map((pattern) => ({ pattern: JSON.stringify(pattern) })),
      },
    });
    this.mappingUuid = mapping.uuid;
  }
}
