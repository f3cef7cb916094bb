/**
 * The run id of a file-workflow step: `$.run.runId`, set by the workflow's first state from the
 * execution name. A step without it was not started by the workflow; it refuses to guess.
 */
import type { FileWorkflowState } from '../../../contract';

/** The step was invoked without `$.run.runId` (not through the file workflow). */
export class MissingRunIdError extends Error {
  constructor() {
    super('The step input has no run.runId: file-workflow steps run only inside the file workflow');
    this.name = 'MissingRunIdError';
  }
}

/** `state.run.runId`. @throws MissingRunIdError when absent. */
export function runIdOf(state: Pick<FileWorkflowState, 'run'>): string {
  const runId = state.run?.runId;
  if (typeof runId !== 'string' || runId === '') throw new MissingRunIdError();
  return runId;
}
