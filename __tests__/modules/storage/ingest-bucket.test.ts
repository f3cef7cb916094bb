import { INGEST_SUFFIXES, KEY_PREFIX } from '../../../contract';
import { IngestBucket } from '../../../modules/storage/ingest-bucket';
import { FakeFunction, onlyResource, synthJson, testStack } from '../../stacks/fixtures';

describe('IngestBucket', () => {
  const stack = testStack();
  const trigger = new FakeFunction('file-trigger');
  new IngestBucket(stack, 'Ingest', {
    bucketName: 'ingest-bucket',
    accountId: 'acct',
    trigger,
    kmsKeyArn: 'arn:key',
  });
  const json = synthJson(stack);
  const rules = onlyResource(json, 'aws_s3_bucket_lifecycle_configuration').rule as Record<string, unknown>[];

  it('expires noncurrent versions after 30 days and aborts incomplete multipart uploads after 7', () => {
    expect(rules).toContainEqual(
      expect.objectContaining({
        status: 'Enabled',
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      }),
    );
  });

  it('expires staged chunks after 7 days, and nothing else', () => {
    const expiring = rules.filter((r) => r.expiration);
    expect(expiring).toEqual([
      expect.objectContaining({ filter: [{ prefix: KEY_PREFIX.staged }], expiration: [{ days: 7 }] }),
    ]);
  });

  it('notifies the trigger only for objects created under incoming/ with an accepted suffix', () => {
    const notification = onlyResource(json, 'aws_s3_bucket_notification');
    expect(notification.lambda_function).toEqual(
      INGEST_SUFFIXES.map((suffix) =>
        expect.objectContaining({
          events: ['s3:ObjectCreated:*'],
          filter_prefix: KEY_PREFIX.incoming,
          filter_suffix: suffix,
          lambda_function_arn: trigger.arn,
        }),
      ),
    );
    expect(notification.depends_on).toEqual([expect.stringMatching(/^aws_lambda_permission\./)]);
  });

  it('notifies for plain and gzipped CSV, JSON and NDJSON files', () => {
    const notification = onlyResource(json, 'aws_s3_bucket_notification');
    const suffixes = (notification.lambda_function as { filter_suffix: string }[]).map((n) => n.filter_suffix);
    expect(suffixes.sort()).toEqual(['.csv', '.csv.gz', '.json', '.json.gz', '.ndjson', '.ndjson.gz']);
  });

  it('lets only this bucket in this account invoke the trigger', () => {
    expect(onlyResource(json, 'aws_lambda_permission')).toMatchObject({
      action: 'lambda:InvokeFunction',
      function_name: trigger.functionName,
      principal: 's3.amazonaws.com',
      source_account: 'acct',
      source_arn: expect.stringMatching(/^\$\{aws_s3_bucket\.\w+\.arn\}$/),
    });
  });

  it('uses the KMS key when configured and exposes object ARNs per prefix', () => {
    expect(onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      expect.objectContaining({ bucket_key_enabled: true }),
    ]);
  });
});
