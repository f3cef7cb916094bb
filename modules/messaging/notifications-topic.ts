/**
 * The notifications topic of one region: what consumers subscribe to for "file processed" and
 * 5-minute summaries. KMS-encrypted and TLS-only; publishers get `sns:Publish` through their
 * own roles (stacks/function-permissions.ts), so the topic policy grants nobody anything.
 */
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import { notificationsTopicName, type NamingConfig } from '../../config';
import { PolicyDocument, denyInsecureTransport } from '../iam/policy-document';

/** Props of {@link NotificationsTopic}. */
export interface NotificationsTopicProps {
  readonly config: NamingConfig;
  /** KMS key encrypting the topic. */
  readonly kmsKeyArn: string;
}

/** The notifications topic and its TLS-only policy. */
export class NotificationsTopic extends Construct {
  readonly topicArn: string;
  /** The topic resource (for `moved` blocks when its address changes). */
  readonly topic: SnsTopic;
  /** The topic's policy resource. */
  readonly topicPolicy: SnsTopicPolicy;

  constructor(scope: Construct, id: string, props: NotificationsTopicProps) {
    super(scope, id);
    const name = notificationsTopicName(props.config);
    this.topic = new SnsTopic(this, 'Topic', { name, kmsMasterKeyId: props.kmsKeyArn });
    const policy = new PolicyDocument(`topic ${name}`).add(denyInsecureTransport('sns:Publish', [this.topic.arn]));
    this.topicPolicy = new SnsTopicPolicy(this, 'Policy', { arn: this.topic.arn, policy: policy.toJson() });
    this.topicArn = this.topic.arn;
  }
}
