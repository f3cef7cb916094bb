import { PROCESSOR_BATCH_SIZE } from '../../../contract';
import { QueueConsumer } from '../../../modules/compute/queue-consumer';
import { FakeFunction, onlyResource, synthJson, testStack } from '../../stacks/fixtures';

describe('QueueConsumer', () => {
  const stack = testStack();
  const processor = new FakeFunction('processor');
  new QueueConsumer(stack, 'Consumer', { queueArn: 'arn:queue', consumer: processor, maximumConcurrency: 20 });
  const mapping = onlyResource(synthJson(stack), 'aws_lambda_event_source_mapping');

  it('reads batches of PROCESSOR_BATCH_SIZE and reports partial batch failures', () => {
    expect(mapping).toMatchObject({
      event_source_arn: 'arn:queue',
      function_name: processor.arn,
      batch_size: PROCESSOR_BATCH_SIZE,
      function_response_types: ['ReportBatchItemFailures'],
      maximum_batching_window_in_seconds: 5,
    });
  });

  it('caps the concurrency the queue can drive', () => {
    expect(mapping.scaling_config).toEqual({ maximum_concurrency: 20 });
  });
});
