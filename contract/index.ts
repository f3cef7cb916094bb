/**
 * Names the infrastructure and the handlers must agree on. Both `modules/` and `functions/`
 * import this file (it has no dependencies), so an env var, event source, detail-type or key
 * format cannot drift between the Terraform and the code that runs under it.
 */

/** Every deployed function: the folder `functions/<name>/index.ts` exports `handler`. */
export const FUNCTION_NAMES = [
  'file-trigger',
  'validate-file',
  'store-chunk',
  'archive-file',
  'compensate-file',
  'notify-file',
  'file-watchdog',
  'api-ingest',
  'processor',
  'bars',
  'summary',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Environment variables set on the functions (only those a function uses are set on it). */
export const ENV = {
  tableName: 'TABLE_NAME',
  eventBusName: 'EVENT_BUS_NAME',
  ingestBucket: 'INGEST_BUCKET',
  archiveBucket: 'ARCHIVE_BUCKET',
  stateMachineArn: 'STATE_MACHINE_ARN',
  notificationsTopicArn: 'NOTIFICATIONS_TOPIC_ARN',
  /** The region this copy of the pipeline runs in; stamped on every record as `originRegion`. */
  pipelineRegion: 'PIPELINE_REGION',
  /** Every region of the pipeline, comma-separated: the partial bars a reader merges. */
  pipelineRegions: 'PIPELINE_REGIONS',
  maxBodyBytes: 'MAX_BODY_BYTES',
  maxRecordsPerRequest: 'MAX_RECORDS_PER_REQUEST',
  chunkSize: 'CHUNK_SIZE',
  /** Longest a file run may take (config `fileWorkflowTimeoutMinutes`). */
  fileWorkflowTimeoutMinutes: 'FILE_WORKFLOW_TIMEOUT_MINUTES',
} as const;

/** EventBridge source of every event the pipeline puts on its bus. */
export const EVENT_SOURCE = 'market-data.pipeline';

/** EventBridge detail-types. */
export const DETAIL_TYPES = {
  /** One accepted market record from the HTTP API; `detail.type` is `trade` or `quote`. */
  marketRecord: 'MarketRecordAccepted',
  /** A minute bar changed. */
  barUpdated: 'MinuteBarUpdated',
  /** A 5-minute per-symbol summary. */
  summary: 'FiveMinuteSummary',
  /** A file finished processing (status COMPLETED or FAILED). */
  fileProcessed: 'FileProcessed',
  /**
   * An accepted API record that could not be stored: its identity is stored with other content
   * (`reason` CONFLICTING_DUPLICATE). The API answered 202 before storage found it.
   */
  recordRejected: 'MarketRecordRejected',
} as const;

/** `detail.type` values routed from the bus to the processing queue. */
export const ROUTED_RECORD_TYPES = ['trade', 'quote'] as const;

/** Object key prefixes in the ingest bucket. */
export const KEY_PREFIX = {
  incoming: 'incoming/',
  rejected: 'rejected/',
  staged: 'staged/',
  quarantine: 'quarantine/',
} as const;

/** Object key prefixes in the archive bucket. */
export const ARCHIVE_PREFIX = {
  originals: 'originals/',
  lineage: 'lineage/',
} as const;

/**
 * Suffixes of the files the pipeline ingests: the S3 notification filters (one per suffix), the
 * trigger, `POST /files` and the local run all follow this list. `.gz` files are gunzipped while
 * they stream (so are objects stored with `Content-Encoding: gzip` or starting with gzip's magic
 * bytes, whatever their name).
 */
export const INGEST_SUFFIXES = ['.csv', '.json', '.ndjson', '.csv.gz', '.json.gz', '.ndjson.gz'] as const;

/** True when `key` ends with one of {@link INGEST_SUFFIXES}. */
export function hasIngestSuffix(key: string): boolean {
  return INGEST_SUFFIXES.some((suffix) => key.endsWith(suffix));
}

/** Processing profiles of the file-processing request. */
export const PROCESSING_TYPES = ['standard', 'priority', 'batch'] as const;
export type ProcessingType = (typeof PROCESSING_TYPES)[number];

/** HTTP routes of the ingest API. */
export const API_ROUTES = {
  ingest: 'POST /ingest',
  processFile: 'POST /files',
} as const;

/** Table key and index attribute names. */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /**
   * Sparse: only items that must be found by state: files in a non-final state, and minute-bar
   * changes made after their 5-minute summary window closed (what summary revisions look for).
   */
  statusIndex: { name: 'status-index', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Sparse: only time-series items (partial minute bars). */
  timeSeriesIndex: { name: 'timeseries-index', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** Attribute stamped on every written item with the region that wrote it. */
  originRegion: 'originRegion',
  /** Key prefix of stored market records (`REC#<symbol>#<minute>`). */
  recordKeyPrefix: 'REC#',
  /** Sort-key prefix of trades within a record partition. */
  tradeSortKeyPrefix: 'T#',
  /**
   * Sort-key prefix of a reconciliation written into a record partition (`FIX#<region>`): it
   * reaches the bars function in stream order with the minute's trades.
   */
  reconcileSortKeyPrefix: 'FIX#',
  /** Key prefix of partial minute bars (`BAR#<symbol>`, sort key `<minute>#<region>`). */
  barKeyPrefix: 'BAR#',
  ttl: 'expiresAt',
} as const;

/** SQS: records per processor invocation. */
export const PROCESSOR_BATCH_SIZE = 10;
/** DynamoDB stream: records per bars invocation. */
export const BARS_BATCH_SIZE = 100;

/**
 * Lambda event-source-mapping filter patterns for the bars function in `region`:
 * - trade (and reconciliation) changes whose new version originated in this region (it adds
 *   them to this region's partial bar), or whose old version did (it subtracts them: a REMOVE,
 *   or a replicated MODIFY that moved the trade to the other region);
 * - partial bars of the other region arriving by replication (it publishes the merged bar).
 * This region's own partial bars and every other item never reach it.
 */
export function streamFilterPatterns(region: string): Record<string, unknown>[] {
  const records = {
    pk: { S: [{ prefix: TABLE.recordKeyPrefix }] },
    sk: { S: [{ prefix: TABLE.tradeSortKeyPrefix }, { prefix: TABLE.reconcileSortKeyPrefix }] },
  };
  const origin = TABLE.originRegion;
  return [
    { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: records, NewImage: { [origin]: { S: [region] } } } },
    { eventName: ['MODIFY', 'REMOVE'], dynamodb: { Keys: records, OldImage: { [origin]: { S: [region] } } } },
    {
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: {
        Keys: { pk: { S: [{ prefix: TABLE.barKeyPrefix }] } },
        NewImage: { [origin]: { S: [{ 'anything-but': [region] }] } },
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// File workflow: the state machine (modules/file-workflow), its step handlers (functions/*-file,
// store-chunk) and the local run all use these shapes.
// ---------------------------------------------------------------------------------------------

/** Execution input, built by `file-trigger` (S3 event) and `api-ingest` (POST /files). */
export interface FileWorkflowInput {
  readonly bucket: string;
  /** Decoded object key (never URL-encoded). */
  readonly key: string;
  /** S3 version id ('null' for unversioned objects). */
  readonly versionId: string;
  readonly size?: number;
  readonly processingType: ProcessingType;
  /** ISO time the run was requested. */
  readonly requestedAt: string;
  /**
   * A run of this version that held it but is no longer running (the starter checked): this run
   * may take the version over from it.
   */
  readonly supersedes?: string;
}

/**
 * Identity of a run, set at `$.run` by the first state from the context object. The run id is
 * the execution name: one per object version (S3) or per version and processing type (API).
 * What a run stages lives under `staged/<runId>/`, and what it stores carries its run id.
 */
export interface WorkflowRun {
  readonly runId: string;
}

/**
 * One staged chunk of normalised records (NDJSON of MarketRecord in the ingest bucket): one line
 * of the chunk manifest and the item one StoreChunks child execution stores.
 */
export interface StagedChunk {
  readonly key: string;
  readonly records: number;
}

/**
 * Output of the Validate step, placed at `$.validation`. Its size does not depend on the file's:
 * the chunk list is in S3 (`manifestKey`), never in the execution state.
 */
export interface ValidationOutput {
  /** Stable id of (bucket, key, versionId): the file item's key and the name of its S3-triggered run. */
  readonly fileId: string;
  readonly sourceUri: string;
  readonly format: 'csv' | 'json' | 'ndjson';
  /** True when the object was gzipped. */
  readonly compressed: boolean;
  readonly accepted: number;
  readonly rejected: number;
  readonly reasons: Readonly<Record<string, number>>;
  /** Kept rows that lost an optional field (listed in the rejects report as warnings). */
  readonly warnings: number;
  /** `rejected/<key>/<fileId>.jsonl` (one per object version), written even when empty. */
  readonly rejectsKey: string;
  /** JSON Lines object listing every staged chunk (one {@link StagedChunk} per line). */
  readonly manifestKey: string;
  /** Number of staged chunks (lines of the manifest). */
  readonly chunks: number;
  /** Where StoreChunks writes its child outputs (Distributed Map ResultWriter prefix). */
  readonly resultsPrefix: string;
}

/** Input of the StoreChunk step (one StoreChunks child execution). */
export interface StoreChunkInput {
  readonly bucket: string;
  readonly fileId: string;
  /** The run storing the chunk (its records carry it as their creator). */
  readonly runId: string;
  readonly chunk: StagedChunk;
}

/** Output of StoreChunk (one line of the StoreChunks results). */
export interface StoreChunkOutput {
  /** Records this chunk stored. */
  readonly stored: number;
  /** Rows whose content was already stored (by another run, or another row of this file). */
  readonly duplicates: number;
  /** CONFLICTING_DUPLICATE rows, listed in `conflictsKey`. */
  readonly conflicts: number;
  /** Staged NDJSON of the chunk's conflict rejects (present when `conflicts` > 0). */
  readonly conflictsKey?: string;
}

/** Output of the StoreChunks Distributed Map: where its results are, never the results themselves. */
export interface StoreChunksOutput {
  readonly MapRunArn: string;
  /** `Key` is the Map Run's `manifest.json`, which lists the result files (StoreChunkOutput per line). */
  readonly ResultWriterDetails: { readonly Bucket: string; readonly Key: string };
}

/** Output of the Archive step. */
export interface ArchiveOutput {
  readonly archiveBucket: string;
  readonly originalKey: string;
  readonly lineageKey: string;
}

/** State after Validate and the Parallel step: `FileWorkflowInput` + `run` + `validation` + `results`. */
export interface FileWorkflowState extends FileWorkflowInput {
  readonly run?: WorkflowRun;
  readonly validation?: ValidationOutput;
  /** Parallel output: [StoreChunksOutput, ArchiveOutput]. */
  readonly results?: readonly [StoreChunksOutput, ArchiveOutput];
  /** Set by a Catch: `{ Error, Cause }`. */
  readonly error?: { readonly Error: string; readonly Cause?: string };
  /** Set by the Pass states before Notify. */
  readonly status?: 'COMPLETED' | 'FAILED';
}

/**
 * Names of the errors step handlers throw on purpose. Each error class takes its `name` from
 * here (functions/lib/runtime/workflow-errors.ts and the classes named below), and the state
 * machine's retriers are built from the same lists, so a class and its retry policy cannot drift.
 */
export const STEP_ERROR_NAMES = {
  // Permanent: retrying cannot fix them, so the run compensates.
  fileNotFound: 'FileNotFoundError',
  unsupportedFile: 'UnsupportedFileError',
  fileTooLarge: 'FileTooLargeError',
  /** A gzip object that is truncated or corrupt: the file fails as a whole, never as MALFORMED rows. */
  corruptFile: 'CorruptFileError',
  /** A chunk stored after its run was compensated: it removed its own records again (store-chunk). */
  runCompensated: 'RunCompensatedError',
  /** Another run of the same object version holds it: this run ends, touching nothing. */
  runInProgress: 'RunInProgressError',
  // Transient: they clear on their own.
  /** functions/lib/store/ownership.ts: a record item changed between read and conditional write. */
  ownershipContention: 'OwnershipContentionError',
  /** functions/lib/aws/event-publisher.ts: entries the bus did not accept after its retries. */
  eventPublish: 'EventPublishError',
} as const;

/** Error names step handlers throw that must NOT be retried (the run compensates instead). */
export const NON_RETRYABLE_ERRORS = [
  STEP_ERROR_NAMES.fileNotFound,
  STEP_ERROR_NAMES.unsupportedFile,
  STEP_ERROR_NAMES.fileTooLarge,
  STEP_ERROR_NAMES.corruptFile,
  STEP_ERROR_NAMES.runCompensated,
  STEP_ERROR_NAMES.runInProgress,
] as const;

/** Validate's error when another run of the same object version holds it: the run ends, touching nothing. */
export const RUN_IN_PROGRESS_ERROR = STEP_ERROR_NAMES.runInProgress;

/** AWS service errors a step lets escape that clear on their own (throttling, service 5xx, timeouts). */
export const AWS_TRANSIENT_ERRORS = [
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'SlowDown',
  'TimeoutError',
] as const;

/**
 * Error names (`error.name` of what a step handler throws, including AWS SDK errors it lets
 * escape) that clear on their own: the state machine retries these with backoff and jitter.
 * Anything not listed here and not a Lambda service fault goes straight to compensation.
 */
export const RETRYABLE_STEP_ERRORS = [
  STEP_ERROR_NAMES.ownershipContention,
  STEP_ERROR_NAMES.eventPublish,
  ...AWS_TRANSIENT_ERRORS,
] as const;

/** Step names of the state machine, in definition order. */
export const WORKFLOW_STEPS = {
  identifyRun: 'IdentifyRun',
  validate: 'Validate',
  process: 'StoreAndArchive',
  storeChunks: 'StoreChunks',
  storeChunk: 'StoreChunk',
  archive: 'Archive',
  markCompleted: 'MarkCompleted',
  notifySuccess: 'NotifySuccess',
  compensate: 'Compensate',
  markFailed: 'MarkFailed',
  notifyFailure: 'NotifyFailure',
  failed: 'Failed',
  done: 'Done',
  duplicateRun: 'DuplicateRun',
} as const;

/**
 * Error of a run that failed through its own Catch path: it ends in the Fail state only after
 * Compensate and NotifyFailure ran, so the watchdog has nothing left to do for it.
 */
export const FILE_WORKFLOW_FAILED_ERROR = 'FileWorkflowFailed';

/** Execution names are [A-Za-z0-9_-]{1,80}; `fileId` is built to satisfy that. */
export const EXECUTION_NAME_MAX = 80;

// ---------------------------------------------------------------------------------------------
// Watching file runs (functions/file-watchdog, modules/operations/file-run-watchdog): a run that
// ends without its own Catch path (payload quota, execution timeout, abort) is compensated and
// announced from its status-change event; files left PROCESSING are counted and alarmed on.
// ---------------------------------------------------------------------------------------------

/** EventBridge source and detail-type of Step Functions' execution status changes (default bus). */
export const EXECUTION_STATUS_CHANGE = {
  source: 'aws.states',
  detailType: 'Step Functions Execution Status Change',
} as const;

/** Final statuses of a run that did not succeed (what the watchdog's rule matches). */
export const UNSUCCESSFUL_EXECUTION_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** EMF metric (namespace: the config `project`, dimension `service` = `file-watchdog`) of stuck file items. */
export const STUCK_FILES_METRIC = 'FilesStuckProcessing';

/** How often the watchdog looks for file items PROCESSING longer than a run may take. */
export const STUCK_FILES_SCHEDULE_MINUTES = 15;
