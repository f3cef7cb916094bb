/**
 * Errors the file-workflow steps throw on purpose. Their `name` is what Step Functions matches
 * (`STEP_ERROR_NAMES` in the contract, from which `NON_RETRYABLE_ERRORS` is built): retrying
 * cannot fix them, so the run compensates
 * (or, for RunInProgressError, stops without touching anything).
 */
import { STEP_ERROR_NAMES } from '../../../contract';

/** The object version to process does not exist (deleted, or a wrong key/version). */
export class FileNotFoundError extends Error {
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly versionId?: string,
  ) {
    super(`s3://${bucket}/${key}${versionId ? ` (version ${versionId})` : ''} does not exist`);
    this.name = STEP_ERROR_NAMES.fileNotFound;
  }
}

/** The object is neither CSV nor JSON/NDJSON. */
export class UnsupportedFileError extends Error {
  constructor(
    readonly key: string,
    readonly detail: string,
  ) {
    super(`${key} is not a supported file: ${detail}`);
    this.name = STEP_ERROR_NAMES.unsupportedFile;
  }
}

/** The object is larger than one run can process (and archive with a single copy). */
export class FileTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${key} is ${size} bytes; the limit is ${limit} bytes`);
    this.name = STEP_ERROR_NAMES.fileTooLarge;
  }
}

/**
 * Another run holds the object version and is (or may still be) running: this run ends at
 * DuplicateRun having staged and stored nothing (`RUN_IN_PROGRESS_ERROR` in the contract).
 */
export class RunInProgressError extends Error {
  constructor(
    readonly fileId: string,
    readonly holder: string,
  ) {
    super(`Object version ${fileId} is being processed by run ${holder}; this run does nothing`);
    this.name = STEP_ERROR_NAMES.runInProgress;
  }
}

/** The object cannot be read as what it claims to be (a truncated or corrupt gzip stream). */
export class CorruptFileError extends Error {
  constructor(
    readonly key: string,
    readonly detail: string,
  ) {
    super(`${key} cannot be read: ${detail}`);
    this.name = STEP_ERROR_NAMES.corruptFile;
  }
}

/** The chunk's run was compensated while the chunk was being written: its records were released again. */
export class RunCompensatedError extends Error {
  constructor(
    readonly fileId: string,
    readonly runId: string,
  ) {
    super(`Run ${runId} of ${fileId} was compensated while this chunk was written; its records were released`);
    this.name = STEP_ERROR_NAMES.runCompensated;
  }
}
