/**
 * Environment for running the real handlers in the security suites. Imported first, so the
 * handlers and Powertools read it at module load. Fake resource names only; aws-sdk-client-mock
 * answers every call before any request is signed, so no credentials exist or are needed.
 */
process.env.POWERTOOLS_LOG_LEVEL = process.env.SECURITY_TEST_LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.AWS_REGION = 'us-east-1';
process.env.PIPELINE_REGION = 'us-east-1';
process.env.TABLE_NAME = 'pipeline-security-test';
process.env.EVENT_BUS_NAME = 'events-security-test';
process.env.INGEST_BUCKET = 'ingest-security-test';
process.env.ARCHIVE_BUCKET = 'archive-security-test';
process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:file-workflow-security-test';
process.env.NOTIFICATIONS_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:notifications-security-test';
process.env.MAX_BODY_BYTES = String(64 * 1024);
process.env.MAX_RECORDS_PER_REQUEST = '1000';

export {};
