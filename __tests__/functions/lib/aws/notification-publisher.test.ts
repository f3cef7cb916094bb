import '../../support/env';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { publishNotification, sanitizeSubject } from '../../../../functions/lib/aws/notification-publisher';

const sns = mockClient(SNSClient);

describe('notification subjects', () => {
  it('keeps subjects to printable ASCII within 100 characters', () => {
    expect(sanitizeSubject('File COMPLETED: incoming/ü.csv\n')).toBe('File COMPLETED: incoming/?.csv');
    expect(sanitizeSubject('x'.repeat(150))).toHaveLength(100);
  });
});

describe('publishNotification', () => {
  it('publishes once, with the sanitised subject and string attributes (the client retries)', async () => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    await expect(
      publishNotification('arn:topic', { subject: 'S\n', message: 'M', attributes: { status: 'FAILED' } }),
    ).resolves.toBe('m1');
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
      {
        TopicArn: 'arn:topic',
        Subject: 'S',
        Message: 'M',
        MessageAttributes: { status: { DataType: 'String', StringValue: 'FAILED' } },
      },
    ]);
  });

  it('lets a throttled publish fail once the client has given up, without retrying it again', async () => {
    sns.reset();
    sns.on(PublishCommand).rejects(Object.assign(new Error('slow'), { name: 'ThrottlingException' }));
    await expect(publishNotification('arn:topic', { subject: 'S', message: 'M' })).rejects.toThrow('slow');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
