/**
 * Sizes (`size`, `bidSize`, `askSize`): integers (a fraction of only zeros, `100.0`, is allowed)
 * up to 2^53−1; a trade's size is > 0, a quote's sizes ≥ 0; anything else is INVALID_SIZE.
 */
import { FIELDS } from './fields';
import { RowSlots, SlotKind } from './row-slots';
import { previewValue } from './value-preview';

// Imported bindings copied once (CommonJS transpilers make each imported-binding use a getter call).
const TEXT = SlotKind.Text;
const NUMBER = SlotKind.Number;
const BOOLEAN = SlotKind.Boolean;

const SIZE_NOT_INTEGER = -1;
const SIZE_TOO_LARGE = -2;
const SIZE_NEGATIVE = -3;

/** Integer size in `src[start, end)`, or a negative SIZE_* code. */
function scanSize(src: string, start: number, end: number): number {
  let i = start;
  if (src.charCodeAt(i) === 45) {
    return scanSize(src, start + 1, end) >= 0 ? SIZE_NEGATIVE : SIZE_NOT_INTEGER;
  }
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const d = src.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    if (value > 0) digits++;
  }
  if (i === start) return SIZE_NOT_INTEGER;
  if (i < end) {
    // "100.0" is an integer written by a float-minded producer: allow zeros only.
    if (src.charCodeAt(i) !== 46) return SIZE_NOT_INTEGER;
    for (i++; i < end; i++) if (src.charCodeAt(i) !== 48) return SIZE_NOT_INTEGER;
  }
  if (digits > 16 || value > Number.MAX_SAFE_INTEGER) return SIZE_TOO_LARGE;
  return value;
}

/** The integer size in slot `f` (0 or more), or a negative code for {@link sizeProblem}. */
export function readSize(slots: RowSlots, f: number): number {
  const k = slots.kind[f];
  if (k !== TEXT && k !== NUMBER) return SIZE_NOT_INTEGER;
  return scanSize(slots.src[f], slots.start[f], slots.end[f]);
}

/**
 * The INVALID_SIZE message for what {@link readSize} returned (`code`); `positive` when the size
 * must be greater than 0 (a trade's).
 */
export function sizeProblem(slots: RowSlots, f: number, code: number, positive: boolean): string {
  const shown = slots.kind[f] === BOOLEAN ? 'a boolean' : previewValue(slots.src[f], slots.start[f], slots.end[f]);
  const why =
    code === SIZE_TOO_LARGE
      ? 'is larger than 2^53-1'
      : code === 0 || code === SIZE_NEGATIVE
        ? positive
          ? 'must be an integer greater than 0'
          : 'must be an integer of 0 or more'
        : 'is not an integer';
  return `${FIELDS[f]} ${shown} ${why}`;
}
