import { NON_RETRYABLE_ERRORS, RETRYABLE_STEP_ERRORS, STEP_ERROR_NAMES } from '../../../../contract';
import { EventPublishError } from '../../../../functions/lib/aws/event-publisher';
import {
  CorruptFileError,
  FileNotFoundError,
  FileTooLargeError,
  RunCompensatedError,
  RunInProgressError,
  UnsupportedFileError,
} from '../../../../functions/lib/runtime/workflow-errors';
import { OwnershipContentionError } from '../../../../functions/lib/store/ownership';

describe('step error names', () => {
  it('every permanent step error class is named as the state machine refuses to retry it', () => {
    const names = [
      new FileNotFoundError('b', 'k'),
      new UnsupportedFileError('k', 'why'),
      new FileTooLargeError('k', 2, 1),
      new RunInProgressError('file', 'run'),
      new CorruptFileError('k', 'unexpected end of file'),
      new RunCompensatedError('file', 'run'),
    ].map((error) => error.name);
    expect(names.sort()).toEqual([...NON_RETRYABLE_ERRORS].sort());
  });

  it('every transient step error class is named as the state machine retries it', () => {
    for (const name of [
      new EventPublishError(1, 0, 'InternalFailure').name,
      new OwnershipContentionError({ pk: { S: 'pk' }, sk: { S: 'sk' } }).name,
    ]) {
      expect(RETRYABLE_STEP_ERRORS).toContain(name);
      expect(NON_RETRYABLE_ERRORS).not.toContain(name);
    }
  });

  it('names each error once', () => {
    expect(new Set(Object.values(STEP_ERROR_NAMES)).size).toBe(Object.keys(STEP_ERROR_NAMES).length);
  });
});
