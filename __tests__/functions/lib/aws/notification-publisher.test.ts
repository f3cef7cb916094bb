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
  it('retries a throttled publish and sends string attributes', async () => {
    sns.reset();
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('slow'), { name: 'ThrottlingException' }))
      .resolves({ MessageId: 'm1' });
    await expect(
      publishNotification(
        'arn:topic',
        { subject: 'S', message: 'M', attributes: { status: 'FAILED' } },
        { sleep: () => Promise.resolve() },
      ),
    ).resolves.toBe('m1');
    expect(sns.commandCalls(PublishCommand)[1].args[0].input).toEqual({
      TopicArn: 'arn:topic',
      Subject: 'S',
      Message: 'M',
      MessageAttributes: { status: { DataType: 'String', StringValue: 'FAILED' } },
    });
  });
});
