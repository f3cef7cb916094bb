/**
 * SNS notifications (the notifications topic): subject sanitised to what SNS accepts; long
 * messages are split into parts below the 256 KB limit by the caller. Throttling and 5xx are
 * retried by the SNS client itself (clients/retry-policy.ts).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { snsClient } from './clients/sns';

/** Parts are kept under this many bytes (SNS allows 256 KB including attributes). */
export const NOTIFICATION_PART_BYTES = 200 * 1024;
const SUBJECT_MAX = 100;

/** One notification. */
export interface Notification {
  readonly subject: string;
  readonly message: string;
  /** String message attributes (subscribers can filter on them). */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** SNS subjects: printable ASCII, no line breaks, at most 100 characters. */
export function sanitizeSubject(subject: string): string {
  const ascii = subject
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7E]/g, '?')
    .trim();
  return ascii.length <= SUBJECT_MAX ? ascii : `${ascii.slice(0, SUBJECT_MAX - 3)}...`;
}

/** Publishes `notification` to `topicArn`; returns the message id. */
export async function publishNotification(
  topicArn: string,
  notification: Notification,
  options: { client?: SNSClient } = {},
): Promise<string | undefined> {
  const client = options.client ?? snsClient();
  const result = await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: sanitizeSubject(notification.subject),
      Message: notification.message,
      MessageAttributes: Object.fromEntries(
        Object.entries(notification.attributes ?? {}).map(([name, value]) => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
    }),
  );
  return result.MessageId;
}
