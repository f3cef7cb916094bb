/**
 * Starts file-workflow runs, one run per object version at a time. The run id is the execution
 * name (one per version for S3-triggered runs, per version and processing type for requested
 * ones), so a repeated request for the same run is recognised (Step Functions refuses a reused
 * name). Before starting, the version is claimed for the run on its file item; a version held
 * by another run that is still running is refused (the API answers 409, the trigger logs a no-op).
 * A holder that is no longer running (its run died before it could finish the item) is replaced.
 * Validate claims the version again, so a run started any other way is held to the same rule.
 */
import { DescribeExecutionCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from './clients/sfn';
import type { FileWorkflowInput } from '../../../contract';
import { executionArnFor, fileIdFor } from '../store/file-ids';
import { claimFileRun, fileRunOf, readFileHolder } from '../store/file-store';
import { RunInProgressError } from '../runtime/workflow-errors';

/** What a start request did. */
export type StartOutcome =
  | { readonly kind: 'started'; readonly executionArn: string }
  /** This very run exists already (a repeated notification or request). */
  | { readonly kind: 'duplicate'; readonly executionArn: string }
  /** Another run of the version is in progress: nothing was started. */
  | { readonly kind: 'inProgress'; readonly executionArn: string; readonly runId: string };

/**
 * How long a claim may wait for its execution to appear: a starter claims, then starts; a claim
 * older than this whose execution does not exist was left by a starter that failed in between.
 */
export const CLAIM_GRACE_MS = 15 * 60 * 1000;

/** Execution statuses of a run that may still write. */
const LIVE_STATUSES = new Set(['RUNNING', 'PENDING_REDRIVE']);

/** Status of execution `name`, or undefined when it does not exist. */
async function executionStatus(client: SFNClient, stateMachineArn: string, name: string): Promise<string | undefined> {
  try {
    const described = await client.send(
      // Metadata only: the status is all that is needed, and input/output may be KMS-encrypted.
      new DescribeExecutionCommand({
        executionArn: executionArnFor(stateMachineArn, name),
        includedData: 'METADATA_ONLY',
      }),
    );
    return described.status ?? 'RUNNING';
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}

/** Starts execution `name` with `input`, treating an existing execution of that name as a duplicate. */
export async function startFileExecution(
  stateMachineArn: string,
  name: string,
  input: FileWorkflowInput,
  client: SFNClient = sfnClient(),
): Promise<StartOutcome> {
  try {
    const result = await client.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return { kind: 'started', executionArn: result.executionArn ?? executionArnFor(stateMachineArn, name) };
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists')
      return { kind: 'duplicate', executionArn: executionArnFor(stateMachineArn, name) };
    throw error;
  }
}

/** Where runs are started and versions claimed. */
export interface RunStarterTarget {
  readonly stateMachineArn: string;
  readonly tableName: string;
  readonly region: string;
  readonly client?: SFNClient;
  readonly now?: () => number;
}

/** Claims the object version of `input` for run `runId` and starts it, unless another run holds it. */
export async function startFileRun(
  target: RunStarterTarget,
  runId: string,
  input: FileWorkflowInput,
): Promise<StartOutcome> {
  const client = target.client ?? sfnClient();
  const now = target.now ?? Date.now;
  const { stateMachineArn } = target;
  // Already started (a repeated notification or request): nothing to claim.
  if ((await executionStatus(client, stateMachineArn, runId)) !== undefined)
    return { kind: 'duplicate', executionArn: executionArnFor(stateMachineArn, runId) };

  const fileId = fileIdFor(input.bucket, input.key, input.versionId);
  const holder = await readFileHolder(target.tableName, fileId);
  let supersedes: string | undefined;
  if (holder?.status === 'PROCESSING' && holder.runId !== undefined && holder.runId !== runId) {
    const status = await executionStatus(client, stateMachineArn, holder.runId);
    const claimedAt = Date.parse(holder.requestedAt ?? '');
    const waitingToStart = status === undefined && !(now() - claimedAt > CLAIM_GRACE_MS);
    if (waitingToStart || (status !== undefined && LIVE_STATUSES.has(status)))
      return { kind: 'inProgress', executionArn: executionArnFor(stateMachineArn, holder.runId), runId: holder.runId };
    supersedes = holder.runId;
  }
  const started = { ...input, ...(supersedes ? { supersedes } : {}) };
  try {
    await claimFileRun(target.tableName, fileRunOf(input, fileId, runId), target.region, { replaces: supersedes });
  } catch (error) {
    // Another starter claimed the version between the read and the claim.
    if (error instanceof RunInProgressError)
      return { kind: 'inProgress', executionArn: executionArnFor(stateMachineArn, error.holder), runId: error.holder };
    throw error;
  }
  return startFileExecution(stateMachineArn, runId, started, client);
}
