/**
 * Compensate (any failure in Validate or StoreAndArchive): mark the file FAILED if this run holds
 * it, let go of every record the run stored — an item is deleted only when no other run stored it
 * too — and quarantine the original under the version's own key (see `compensateFileRun`:
 * idempotent, so the step can be retried or re-run, and the watchdog may run it too).
 */
import type { FileWorkflowState } from '../../contract';
import { env, pipelineRegion } from '../lib/runtime/environment';
import { instrumented } from '../lib/runtime/observability';
import { compensateFileRun } from '../lib/store/file-run-compensation';
import type { CompensationOutput } from '../lib/store/record-compensation';

/** Compensate step: undo this run's writes, quarantine the file, mark it FAILED (`$.compensation`). */
export const handler = instrumented((state: FileWorkflowState): Promise<CompensationOutput> =>
  compensateFileRun(state, env.tableName(), pipelineRegion()),
);
