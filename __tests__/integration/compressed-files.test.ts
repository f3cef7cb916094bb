import { gzipSync } from 'node:zlib';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { KEY_PREFIX } from '../../contract';
import { quarantineKeyFor, rejectsKeyFor } from '../../functions/lib/store/evidence-keys';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import type { LocalPipeline } from '../../local/local-pipeline';
import {
  expectedBars,
  fileItem,
  generateTrades,
  listKeys,
  storedRecords,
  tableBars,
  testPipeline,
  tradesCsv,
} from './harness';

describe('gzipped files through the local pipeline', () => {
  let pipeline: LocalPipeline;
  let notificationsQueueUrl: string;
  const rows = generateTrades(80, { symbols: ['AAPL', 'SPY'], idPrefix: 'GZ' });
  const broken = gzipSync(tradesCsv(generateTrades(400, { symbols: ['MSFT'], idPrefix: 'BROKEN', seed: 11 })));
  let brokenId: string;
  let goodId: string;

  beforeAll(async () => {
    pipeline = await testPipeline('gzip', { chunkSize: 25 });
    // Read the notifications topic through a queue subscribed to it.
    const queue = await pipeline.clients.sqs.send(new CreateQueueCommand({ QueueName: 'it-gzip-notifications' }));
    notificationsQueueUrl = queue.QueueUrl as string;
    const { Attributes } = await pipeline.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: notificationsQueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await pipeline.clients.sns.send(
      new SubscribeCommand({
        TopicArn: pipeline.resources.notificationsTopicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    const good = await pipeline.uploadFile('day/trades.csv.gz', gzipSync(tradesCsv(rows)));
    goodId = fileIdFor(pipeline.resources.ingestBucket, good.key, good.versionId as string);
    const uploaded = await pipeline.uploadFile('day/broken.csv.gz', broken.subarray(0, broken.length - 40));
    brokenId = fileIdFor(pipeline.resources.ingestBucket, uploaded.key, uploaded.versionId as string);
    await pipeline.drain();
  });

  it('ingests a .csv.gz end to end: every row stored, bars exact, file COMPLETED', async () => {
    const report = await pipeline.report();
    expect(report.files.find((f) => f.key === 'incoming/day/trades.csv.gz')).toMatchObject({
      accepted: rows.length,
      rejected: 0,
      status: 'COMPLETED',
    });
    expect(await storedRecords(pipeline)).toBe(rows.length);
    expect(await tableBars(pipeline)).toEqual(expectedBars(rows));
  });

  it('fails a truncated gzip as a whole: compensated, quarantined, FAILED (CorruptFileError), no rows', async () => {
    const run = pipeline.workflows.finished.find((r) => r.name === brokenId);
    expect(run).toMatchObject({ status: 'FAILED', error: 'FileWorkflowFailed' });
    expect(await fileItem(pipeline, brokenId)).toMatchObject({
      status: { S: 'FAILED' },
      errorName: { S: 'CorruptFileError' },
    });
    expect(await listKeys(pipeline, pipeline.resources.ingestBucket, KEY_PREFIX.quarantine)).toEqual([
      quarantineKeyFor('incoming/day/broken.csv.gz', brokenId),
    ]);
    // Its report was never completed: no half-written rejects, no MALFORMED rows; the only report
    // is the good file's.
    expect(await listKeys(pipeline, pipeline.resources.ingestBucket, KEY_PREFIX.rejected)).toEqual([
      rejectsKeyFor('incoming/day/trades.csv.gz', goodId),
    ]);
  });

  it('says why in the FAILED notification', async () => {
    const { Messages } = await pipeline.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: notificationsQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const failed = (Messages ?? [])
      .map(
        (m) =>
          JSON.parse(m.Body as string) as { status: string; key: string; error?: { name: string; message: string } },
      )
      .find((m) => m.status === 'FAILED');
    expect(failed).toMatchObject({
      key: 'incoming/day/broken.csv.gz',
      error: {
        name: 'CorruptFileError',
        message: 'incoming/day/broken.csv.gz cannot be read: truncated: the gzip stream ends before its end marker',
      },
    });
  });
});
