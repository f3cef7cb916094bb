/** Where the data path collects what one batch of rows became. */
import type { MarketRecord, Reject, ValidationWarning } from '../domain/types';

/** Mutable collector of one batch's output. */
export interface ResultSink {
  records: MarketRecord[];
  rejects: Reject[];
  warnings: ValidationWarning[];
}

/** Creates an empty sink to collect a `ValidationResult` into. */
export function newResultSink(): ResultSink {
  return { records: [], rejects: [], warnings: [] };
}
