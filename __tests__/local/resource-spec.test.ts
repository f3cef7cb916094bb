import { loadConfig, tableName, ingestBucketName, processingQueueName } from '../../config';
import {
  BARS_BATCH_SIZE,
  FUNCTION_NAMES,
  INGEST_SUFFIXES,
  KEY_PREFIX,
  PROCESSOR_BATCH_SIZE,
  streamFilterPatterns,
  TABLE,
} from '../../contract';
import { pipelineResourceSpec } from '../../local/resource-spec';

describe('local resource spec read from the synthesized constructs', () => {
  const config = loadConfig('dev', { namePrefix: 'spec-test' }, {});
  const spec = pipelineResourceSpec(config, 'us-west-2');

  it('uses the deployed names of the region', () => {
    expect(spec.table.name).toBe(tableName(config));
    expect(spec.ingestBucket.name).toBe(ingestBucketName(config, 'us-west-2'));
    expect(spec.processingQueue.name).toBe(processingQueueName(config));
    expect(Object.keys(spec.functionNames).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it('has the table key schema, both sparse indexes and a NEW_AND_OLD_IMAGES stream', () => {
    expect(spec.table).toMatchObject({
      hashKey: TABLE.partitionKey,
      rangeKey: TABLE.sortKey,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      ttlAttribute: TABLE.ttl,
    });
    expect(spec.table.globalSecondaryIndexes.map((i) => [i.name, i.hashKey, i.rangeKey])).toEqual([
      [TABLE.statusIndex.name, TABLE.statusIndex.partitionKey, TABLE.statusIndex.sortKey],
      [TABLE.timeSeriesIndex.name, TABLE.timeSeriesIndex.partitionKey, TABLE.timeSeriesIndex.sortKey],
    ]);
  });

  it('notifies for incoming/ keys with each ingest suffix on a versioned bucket', () => {
    expect(spec.ingestBucket.versioned).toBe(true);
    expect(spec.ingestBucket.notifications.map((n) => [n.prefix, n.suffix])).toEqual(
      INGEST_SUFFIXES.map((suffix) => [KEY_PREFIX.incoming, suffix]),
    );
  });

  it('takes queue redrive, visibility and both mappings from the constructs', () => {
    expect(spec.processingQueue.maxReceiveCount).toBe(3);
    expect(spec.processingQueue.visibilityTimeoutSeconds).toBe(6 * config.functions.processor.timeoutSeconds);
    expect(spec.deadLetterQueue.messageRetentionSeconds).toBe(14 * 24 * 3600);
    expect(spec.queueMapping).toEqual({ batchSize: PROCESSOR_BATCH_SIZE, reportBatchItemFailures: true });
    expect(spec.streamMapping).toMatchObject({
      batchSize: BARS_BATCH_SIZE,
      reportBatchItemFailures: true,
      filterPatterns: streamFilterPatterns('us-west-2'),
    });
  });

  it('routes only trade and quote records from the pipeline source', () => {
    expect(JSON.parse(spec.eventBus.routingRule.eventPattern)).toEqual({
      source: ['market-data.pipeline'],
      'detail-type': ['MarketRecordAccepted'],
      detail: { type: ['trade', 'quote'] },
    });
  });
});
