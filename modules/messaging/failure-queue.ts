/**
 * A queue where failures end: dead-letter queues, Lambda on-failure destinations, EventBridge
 * target DLQs. Keeps messages 14 days (the SQS maximum), encrypted, TLS-only.
 */
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { PolicyDocument, denyInsecureTransport } from '../iam/policy-document';

/** Props of {@link FailureQueue}. */
export interface FailureQueueProps {
  readonly queueName: string;
  /** KMS key for SSE. Default: SQS-managed SSE. */
  readonly kmsKeyArn?: string;
  /** Message retention in seconds. Default 14 days (1209600, the SQS maximum). */
  readonly retentionSeconds?: number;
}

/** Shared SQS encryption settings: the customer key when given, else SQS-managed SSE. */
export function queueEncryption(kmsKeyArn?: string): {
  kmsMasterKeyId?: string;
  kmsDataKeyReusePeriodSeconds?: number;
  sqsManagedSseEnabled?: boolean;
} {
  // Reusing a data key for 5 minutes keeps KMS calls (and cost) low at high message rates.
  return kmsKeyArn ? { kmsMasterKeyId: kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 } : { sqsManagedSseEnabled: true };
}

/** An encrypted, TLS-only queue that holds failed messages for 14 days. */
export class FailureQueue extends Construct {
  readonly queueName: string;
  readonly queueArn: string;
  readonly queueUrl: string;
  /** The queue policy; senders are added with {@link allowServiceSend}. */
  readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: FailureQueueProps) {
    super(scope, id);
    const queue = new SqsQueue(this, 'Queue', {
      name: props.queueName,
      messageRetentionSeconds: props.retentionSeconds ?? 14 * 24 * 60 * 60,
      ...queueEncryption(props.kmsKeyArn),
    });
    this.queueName = queue.name;
    this.queueArn = queue.arn;
    this.queueUrl = queue.url;
    this.policy = new PolicyDocument(`queue ${props.queueName}`);
    this.policy.add(denyInsecureTransport('sqs:*', [queue.arn]));
    new SqsQueuePolicy(this, 'Policy', { queueUrl: queue.url, policy: this.policy.toJson() });
  }

  /** Lets an AWS service (e.g. `events.amazonaws.com`) send here, only on behalf of `sourceArns`. */
  allowServiceSend(sid: string, service: string, sourceArns: string[]): void {
    this.policy.add({
      Sid: sid,
      Effect: 'Allow',
      Principal: { Service: service },
      Action: ['sqs:SendMessage'],
      Resource: [this.queueArn],
      Condition: { ArnEquals: { 'aws:SourceArn': sourceArns } },
    });
  }
}
