/**
 * Starts file-workflow executions idempotently: the execution name is derived from the object
 * version, so a repeated request for the same version is recognised instead of starting a
 * second run (Step Functions answers ExecutionAlreadyExists, or returns the running execution
 * when the input is identical).
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from './clients/sfn';
import type { FileWorkflowInput } from '../../../contract';
import { executionArnFor } from '../store/file-ids';
import { withRetry } from './retry';

/** Result of a start request. */
export interface StartedExecution {
  readonly executionArn: string;
  /** True when an execution with this name already existed (nothing new was started). */
  readonly alreadyStarted: boolean;
}

/** Starts execution `name` with `input`, treating an existing execution of that name as success. */
export async function startFileExecution(
  stateMachineArn: string,
  name: string,
  input: FileWorkflowInput,
  client: SFNClient = sfnClient(),
): Promise<StartedExecution> {
  try {
    const result = await withRetry(
      () => client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) })),
      { maxAttempts: 4 },
    );
    return { executionArn: result.executionArn ?? executionArnFor(stateMachineArn, name), alreadyStarted: false };
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists')
      return { executionArn: executionArnFor(stateMachineArn, name), alreadyStarted: true };
    throw error;
  }
}
