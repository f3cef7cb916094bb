/**
 * S3 ObjectCreated → one file-workflow run per object version. S3 delivers notifications at
 * least once; the run id (the execution name: the file id of bucket/key/version) turns a
 * duplicate into a no-op that is counted, not an error. A version another run is processing
 * (one requested over the API) is a logged no-op too: one run per version at a time.
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { type FileWorkflowInput, hasIngestSuffix, KEY_PREFIX } from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { fileIdFor } from '../lib/store/file-ids';
import { count, instrumented, logger, METRIC } from '../lib/runtime/observability';
import { startFileRun } from '../lib/aws/workflow-starter';

/** What one invocation did. */
export interface FileTriggerResult {
  readonly started: number;
  readonly duplicates: number;
  /** Versions another run was processing: nothing started. */
  readonly inProgress: number;
  readonly skipped: number;
}

/** Some executions could not be started; the async invoke retries the whole event (the started ones dedupe). */
export class ExecutionStartError extends Error {
  constructor(
    readonly failed: number,
    cause: unknown,
  ) {
    super(`${failed} file execution(s) could not be started`, { cause });
    this.name = 'ExecutionStartError';
  }
}

/** S3 event keys are URL-encoded with '+' for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** True for keys the pipeline ingests: under `incoming/` with a supported suffix. */
export function isIngestKey(key: string): boolean {
  return key.startsWith(KEY_PREFIX.incoming) && hasIngestSuffix(key);
}

/** The workflow input of one notification record, or undefined when it is not for the pipeline. */
export function workflowInputOf(record: S3EventRecord, now: Date): FileWorkflowInput | undefined {
  if (!record.eventName?.startsWith('ObjectCreated')) return undefined;
  const key = decodeS3Key(record.s3.object.key);
  if (!isIngestKey(key)) return undefined;
  return {
    bucket: record.s3.bucket.name,
    key,
    versionId: record.s3.object.versionId ?? 'null',
    size: record.s3.object.size,
    processingType: 'standard',
    requestedAt: now.toISOString(),
  };
}

/** S3 ObjectCreated notifications → file-workflow executions (async invoke; throws so a failed start is retried). */
export const handler = instrumented(async (event: S3Event): Promise<FileTriggerResult> => {
  const target = { stateMachineArn: env.stateMachineArn(), tableName: env.tableName(), region: pipelineRegion() };
  let started = 0;
  let duplicates = 0;
  let inProgress = 0;
  let skipped = 0;
  const failures: unknown[] = [];
  for (const record of event.Records ?? []) {
    const input = workflowInputOf(record, new Date());
    if (!input) {
      skipped++;
      logger.info('Notification ignored', { eventName: record.eventName, key: record.s3?.object?.key });
      continue;
    }
    const fileId = fileIdFor(input.bucket, input.key, input.versionId);
    try {
      const outcome = await startFileRun(target, fileId, input);
      const facts = { fileId, key: input.key, versionId: input.versionId, executionArn: outcome.executionArn };
      if (outcome.kind === 'started') {
        started++;
        logger.info('File execution started', facts);
      } else if (outcome.kind === 'duplicate') {
        duplicates++;
        logger.info('Duplicate notification: execution already exists', {
          ...facts,
          sequencer: record.s3.object.sequencer,
        });
      } else {
        inProgress++;
        logger.info('Version already being processed by another run: nothing started', facts);
      }
    } catch (error) {
      failures.push(error);
      logger.error('Could not start file execution', { fileId, key: input.key, error: error as Error });
    }
  }
  count(METRIC.executionsStarted, started);
  count(METRIC.duplicateNotifications, duplicates);
  count(METRIC.runsInProgress, inProgress);
  if (failures.length > 0) throw new ExecutionStartError(failures.length, failures[0]);
  return { started, duplicates, inProgress, skipped };
});
