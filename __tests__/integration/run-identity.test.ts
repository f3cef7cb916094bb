import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { S3Event } from 'aws-lambda';
import { KEY_PREFIX, type FileWorkflowInput } from '../../contract';
import { fileIdFor } from '../../functions/lib/store/file-ids';
import type { LocalPipeline } from '../../local/local-pipeline';
import { objectCreatedRecord, s3Event } from '../../local/s3-event';
import {
  barsOf,
  expectedBars,
  generateTrades,
  recordItemsOf,
  runsOf,
  testPipeline,
  topStates,
  tradesCsv,
} from './harness';

describe('one run per object version at a time, staged data scoped to the run', () => {
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    // Standard runs stage 40 records per chunk, priority runs 10: two runs sharing staged keys would clash.
    pipeline = await testPipeline('run-identity', { chunkSize: 40 });
  });

  it('refuses POST /files while a run of the version is in progress, naming it, and loses nothing', async () => {
    const rows = generateTrades(100, { symbols: ['AAPL'], idPrefix: 'HUNDRED' });
    const uploaded = await pipeline.uploadFile('hundred.csv', tradesCsv(rows));
    const fileId = fileIdFor(pipeline.resources.ingestBucket, uploaded.key, uploaded.versionId as string);

    // The S3-triggered run has started and not finished yet.
    const response = await pipeline.apiRequest(
      { fileName: 'hundred.csv', processingType: 'priority' },
      { routeKey: 'POST /files' },
    );
    expect(response.statusCode).toBe(409);
    const body = JSON.parse(response.body as string) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'RunInProgress', fileId, requestId: expect.any(String) });
    expect(body.executionArn).toMatch(new RegExp(`:${fileId}$`));
    expect(body.message).toContain(fileId);

    await pipeline.drain();
    expect(runsOf(pipeline, uploaded.key).map((run) => run.status)).toEqual(['SUCCEEDED']);
    expect(await recordItemsOf(pipeline, 'AAPL')).toHaveLength(100);
    expect(await barsOf(pipeline, ['AAPL'])).toEqual(expectedBars(rows));
  });

  it("a second execution of the version started alongside does nothing; the other run's data stays whole", async () => {
    const rows = generateTrades(100, { symbols: ['MSFT'], idPrefix: 'ALONG' });
    const uploaded = await pipeline.uploadFile('alongside.csv', tradesCsv(rows));
    const fileId = fileIdFor(pipeline.resources.ingestBucket, uploaded.key, uploaded.versionId as string);
    // Started directly, bypassing the API's check: the workflow itself must keep the runs apart.
    const input: FileWorkflowInput = {
      bucket: pipeline.resources.ingestBucket,
      key: uploaded.key,
      versionId: uploaded.versionId as string,
      processingType: 'priority',
      requestedAt: new Date().toISOString(),
    };
    await pipeline.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: pipeline.resources.stateMachineArn,
        name: `${fileId}-manual`,
        input: JSON.stringify(input),
      }),
    );
    await pipeline.drain();

    const runs = runsOf(pipeline, uploaded.key);
    expect(runs.map((run) => run.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const stood = runs.filter((run) => topStates(run).includes('DuplicateRun'));
    expect(stood).toHaveLength(1);
    expect(topStates(stood[0])).not.toContain('Compensate');
    expect(await recordItemsOf(pipeline, 'MSFT')).toHaveLength(100);
    expect(await barsOf(pipeline, ['MSFT'])).toEqual(expectedBars(rows));
  });

  it('ignores an S3 notification for a version whose requested run is in progress', async () => {
    const rows = generateTrades(30, { symbols: ['NVDA'], idPrefix: 'REQ' });
    const key = `${KEY_PREFIX.incoming}requested.csv`;
    const bucket = pipeline.resources.ingestBucket;
    // Uploaded without its notification; the run is requested over the API first.
    const put = await pipeline.clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: tradesCsv(rows) }),
    );
    const head = await pipeline.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const requested = await pipeline.apiRequest(
      { fileName: 'requested.csv', processingType: 'priority' },
      { routeKey: 'POST /files' },
    );
    expect(requested.statusCode).toBe(202);

    const notification: S3Event = s3Event(
      objectCreatedRecord(
        {
          region: pipeline.resources.spec.region,
          bucket,
          key,
          size: Number(head.ContentLength),
          eTag: put.ETag ?? '',
          versionId: put.VersionId,
        },
        pipeline.resources.spec.ingestBucket.notifications[0].id,
      ),
    );
    expect(await pipeline.deliverS3Event(notification)).toEqual({
      started: 0,
      duplicates: 0,
      inProgress: 1,
      skipped: 0,
    });
    await pipeline.drain();
    expect(runsOf(pipeline, key).map((run) => run.status)).toEqual(['SUCCEEDED']);
    expect(await recordItemsOf(pipeline, 'NVDA')).toHaveLength(30);
  });
});
