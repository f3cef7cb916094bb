/**
 * Environment of the handler tests; imported first by every handler test so Powertools and
 * the handlers read it at module load. No credentials: aws-sdk-client-mock answers before any
 * signing happens.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.AWS_REGION = 'us-east-1';
process.env.PIPELINE_REGION = 'us-east-1';
process.env.PIPELINE_REGIONS = 'us-east-1,us-west-2';
process.env.TABLE_NAME = 'pipeline-test';
process.env.EVENT_BUS_NAME = 'events-test';
process.env.INGEST_BUCKET = 'ingest-test';
process.env.ARCHIVE_BUCKET = 'archive-test';
process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:file-workflow-test';
process.env.NOTIFICATIONS_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:notifications-test';
process.env.MAX_BODY_BYTES = String(1024 * 1024);
process.env.MAX_RECORDS_PER_REQUEST = '1000';
process.env.CHUNK_SIZE = '1000';

export {};
