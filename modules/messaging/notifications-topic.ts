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
  /**
   * Terraform logical ids to keep for the topic and its policy, when a deployment created them
   * under other construct paths (renaming the address would replace the topic and drop its
   * subscriptions). Default: ids derived from this construct's path.
   */
  readonly logicalIds?: { readonly topic: string; readonly policy: string };
}

/** The notifications topic and its TLS-only policy. */
export class NotificationsTopic extends Construct {
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: NotificationsTopicProps) {
    super(scope, id);
    const name = notificationsTopicName(props.config);
    const topic = new SnsTopic(this, 'Topic', { name, kmsMasterKeyId: props.kmsKeyArn });
    // Before any reference to the topic is taken: references resolve the logical id once.
    if (props.logicalIds) topic.overrideLogicalId(props.logicalIds.topic);
    const policy = new PolicyDocument(`topic ${name}`).add(denyInsecureTransport('sns:Publish', [topic.arn]));
    const topicPolicy = new SnsTopicPolicy(this, 'Policy', { arn: topic.arn, policy: policy.toJson() });
    if (props.logicalIds) topicPolicy.overrideLogicalId(props.logicalIds.policy);
    this.topicArn = topic.arn;
  }
}
