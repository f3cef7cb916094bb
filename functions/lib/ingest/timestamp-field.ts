/**
 * `timestamp`: ISO-8601 with a zone, or epoch milliseconds (rules in `domain/timestamps.ts`);
 * anything else is INVALID_TIMESTAMP, and one more than {@link FUTURE_TOLERANCE_MS} ahead of
 * "now" is FUTURE_TIMESTAMP.
 */
import { scanTimestamp, TimestampScan, type ScannedTimestamp } from '../domain/timestamps';
import { Field } from './fields';
import { RowSlots, SlotKind } from './row-slots';
import { previewValue } from './value-preview';

// Imported bindings copied once (CommonJS transpilers make each imported-binding use a getter call).
const F_TIMESTAMP = Field.timestamp;
const BOOLEAN = SlotKind.Boolean;
const UNPARSEABLE = TimestampScan.Unparseable;
const scanTimestampHot = scanTimestamp;

/** How far ahead of `now` a timestamp may be before it is FUTURE_TIMESTAMP. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** Scans the row's timestamp into `out`. */
export function readTimestamp(slots: RowSlots, out: ScannedTimestamp): TimestampScan {
  if (slots.kind[F_TIMESTAMP] === BOOLEAN) return UNPARSEABLE;
  return scanTimestampHot(slots.src[F_TIMESTAMP], slots.start[F_TIMESTAMP], slots.end[F_TIMESTAMP], out);
}

function shownTimestamp(slots: RowSlots): string {
  return previewValue(slots.src[F_TIMESTAMP], slots.start[F_TIMESTAMP], slots.end[F_TIMESTAMP]);
}

/** The INVALID_TIMESTAMP message for what {@link readTimestamp} returned. */
export function timestampProblem(slots: RowSlots, status: TimestampScan): string {
  const shown = shownTimestamp(slots);
  switch (status) {
    case TimestampScan.NoZone:
      return `timestamp ${shown} has no time zone (add Z or an offset such as -05:00)`;
    case TimestampScan.EpochSeconds:
      return `timestamp ${shown} looks like epoch seconds; send epoch milliseconds or ISO-8601`;
    case TimestampScan.LeapSecond:
      return `timestamp ${shown} is a leap second (:60), which is not accepted`;
    case TimestampScan.OutOfRange:
      return `timestamp ${shown} is out of range (impossible date or time, offset, or before 1970)`;
    default:
      return `timestamp ${shown} is not ISO-8601 with a zone or epoch milliseconds`;
  }
}

/** The FUTURE_TIMESTAMP message. */
export function futureTimestampProblem(slots: RowSlots): string {
  return `timestamp ${shownTimestamp(slots)} is more than ${FUTURE_TOLERANCE_MS / 60000} minutes in the future`;
}
