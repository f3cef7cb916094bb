import { BARS_BATCH_SIZE, streamFilterPatterns } from '../../../contract';
import { StreamConsumer } from '../../../modules/compute/stream-consumer';
import { FakeFunction, onlyResource, synthJson, testStack } from '../../stacks/fixtures';

describe('StreamConsumer', () => {
  const stack = testStack('us-west-2');
  const bars = new FakeFunction('bars');
  new StreamConsumer(stack, 'Bars', {
    region: 'us-west-2',
    streamArn: 'arn:stream',
    consumer: bars,
    failureQueueArn: 'arn:failures',
  });
  const mapping = onlyResource(synthJson(stack), 'aws_lambda_event_source_mapping');

  it('stream mapping keeps only own-region records', () => {
    const filters = (mapping.filter_criteria as { filter: { pattern: string }[] }).filter.map((f): unknown =>
      JSON.parse(f.pattern),
    );
    expect(filters).toEqual(streamFilterPatterns('us-west-2'));
    expect(JSON.stringify(filters)).toContain('"us-west-2"');
    expect(JSON.stringify(filters)).not.toContain('us-east-1');
  });

  it('bisects failing batches, bounds retries and record age, and sends failures to the queue', () => {
    expect(mapping).toMatchObject({
      bisect_batch_on_function_error: true,
      maximum_retry_attempts: 5,
      maximum_record_age_in_seconds: 3600,
      destination_config: { on_failure: { destination_arn: 'arn:failures' } },
      function_response_types: ['ReportBatchItemFailures'],
    });
  });

  it('reads from the trim horizon in batches of BARS_BATCH_SIZE, one batch per shard at a time', () => {
    expect(mapping).toMatchObject({
      event_source_arn: 'arn:stream',
      starting_position: 'TRIM_HORIZON',
      batch_size: BARS_BATCH_SIZE,
      parallelization_factor: 1,
    });
  });
});
