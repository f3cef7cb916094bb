/**
 * The processing queue between the event bus and the processor function, with its DLQ.
 */
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import { Construct } from 'constructs';
import { FailureQueue, queueEncryption } from './failure-queue';
import { PolicyDocument, denyInsecureTransport } from '../iam/policy-document';
import { jsonAttribute } from '../json-attribute';

/** Props of {@link ProcessingQueue}. */
export interface ProcessingQueueProps {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  /** Timeout of the consuming function; visibility is `visibilityMultiplier` × this. */
  readonly consumerTimeoutSeconds: number;
  /** AWS guidance for Lambda consumers: at least 6 × the function timeout. Default 6. */
  readonly visibilityMultiplier?: number;
  /** Receives before a message moves to the DLQ. Default 3. */
  readonly maxReceiveCount?: number;
  /** Message retention in seconds. Default 4 days (345600). */
  readonly retentionSeconds?: number;
  /** KMS key for SSE. Default: SQS-managed SSE. */
  readonly kmsKeyArn?: string;
}

/** Processing queue + DLQ (redrive after `maxReceiveCount` receives, DLQ keeps 14 days). */
export class ProcessingQueue extends Construct {
  readonly queueName: string;
  readonly queueArn: string;
  readonly queueUrl: string;
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the DLQ. */
  readonly maxReceiveCount: number;
  readonly deadLetterQueue: FailureQueue;
  private readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: ProcessingQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new FailureQueue(this, 'DeadLetterQueue', {
      queueName: props.deadLetterQueueName,
      kmsKeyArn: props.kmsKeyArn,
    });
    this.visibilityTimeoutSeconds = props.consumerTimeoutSeconds * (props.visibilityMultiplier ?? 6);
    this.maxReceiveCount = props.maxReceiveCount ?? 3;
    const queue = new SqsQueue(this, 'Queue', {
      name: props.queueName,
      visibilityTimeoutSeconds: this.visibilityTimeoutSeconds,
      messageRetentionSeconds: props.retentionSeconds ?? 4 * 24 * 60 * 60,
      // Long polling: fewer empty receives.
      receiveWaitTimeSeconds: 20,
      redrivePolicy: jsonAttribute({
        deadLetterTargetArn: this.deadLetterQueue.queueArn,
        maxReceiveCount: this.maxReceiveCount,
      }),
      ...queueEncryption(props.kmsKeyArn),
    });
    this.queueName = queue.name;
    this.queueArn = queue.arn;
    this.queueUrl = queue.url;
    // Only this queue may use the DLQ as its dead-letter target.
    new SqsQueueRedriveAllowPolicy(this, 'DeadLetterSources', {
      queueUrl: this.deadLetterQueue.queueUrl,
      redriveAllowPolicy: jsonAttribute({ redrivePermission: 'byQueue', sourceQueueArns: [queue.arn] }),
    });
    this.policy = new PolicyDocument(`queue ${props.queueName}`);
    this.policy.add(denyInsecureTransport('sqs:*', [queue.arn]));
    new SqsQueuePolicy(this, 'Policy', { queueUrl: queue.url, policy: this.policy.toJson() });
  }

  /** Lets exactly one EventBridge rule deliver to the queue. */
  allowSendFromRule(sid: string, ruleArn: string): void {
    this.policy.add({
      Sid: sid,
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['sqs:SendMessage'],
      Resource: [this.queueArn],
      Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
    });
  }
}
