/**
 * `exchange`: optional free text (`NYSE Arca`), trimmed, inner runs of spaces collapsed,
 * upper-cased. An unusable exchange costs the field, not the row: it is dropped with a
 * FIELD_DROPPED warning when it is longer than {@link EXCHANGE_MAX_LENGTH}, holds control
 * characters, is not text, or starts with `=`, `+`, `-` or `@` (spreadsheet formula injection).
 */
import { Field } from './fields';
import { RowSlots, SlotKind } from './row-slots';
import type { StringInterner } from './string-interner';
import { kindName, previewValue } from './value-preview';

// Imported bindings copied once (CommonJS transpilers make each imported-binding use a getter call).
const F_EXCHANGE = Field.exchange;
const TEXT = SlotKind.Text;
const NUMBER = SlotKind.Number;

/** Longest exchange kept (after trimming); a longer one is dropped with a warning. */
export const EXCHANGE_MAX_LENGTH = 64;

/**
 * The normalised exchange, or undefined when it must be dropped (see {@link exchangeProblem}).
 * Only normalised exchanges enter `exchanges`, so a hit needs no re-validation.
 */
export function readExchange(slots: RowSlots, exchanges: StringInterner): string | undefined {
  const f = F_EXCHANGE;
  const k = slots.kind[f];
  if (k !== TEXT && k !== NUMBER) return undefined;
  const s = slots.src[f];
  const a = slots.start[f];
  const b = slots.end[f];
  const known = exchanges.find(s, a, b);
  if (known !== undefined) return known;
  if (b - a > EXCHANGE_MAX_LENGTH || isFormulaStart(s.charCodeAt(a))) return undefined;
  let normalise = false;
  let previous = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (isControl(c)) return undefined;
    // Lower case, non-ASCII (upper-cased by toUpperCase) or a second space in a row.
    if ((c >= 97 && c <= 122) || c > 127 || (c === 32 && previous === 32)) normalise = true;
    previous = c;
  }
  return normalise ? s.slice(a, b).replace(/ {2,}/g, ' ').toUpperCase() : exchanges.add(s, a, b);
}

/** Why the exchange in `slots` was dropped (the message of its FIELD_DROPPED warning). */
export function exchangeProblem(slots: RowSlots): string {
  const f = F_EXCHANGE;
  const k = slots.kind[f];
  const kept = 'the field was dropped and the row kept';
  if (k !== TEXT && k !== NUMBER) return `exchange must be text, got ${kindName(k)}; ${kept}`;
  const s = slots.src[f];
  const a = slots.start[f];
  const b = slots.end[f];
  const shown = previewValue(s, a, b);
  if (b - a > EXCHANGE_MAX_LENGTH) return `exchange ${shown} is longer than ${EXCHANGE_MAX_LENGTH} characters; ${kept}`;
  if (isFormulaStart(s.charCodeAt(a)))
    return `exchange ${shown} starts with ${JSON.stringify(s[a])}, which spreadsheets run as a formula; ${kept}`;
  return `exchange ${shown} has control characters; ${kept}`;
}

/** C0 and C1 control characters and DEL. */
function isControl(c: number): boolean {
  return c < 32 || (c >= 127 && c <= 159);
}

/** `=`, `+`, `-`, `@`: a cell starting with one is a formula to spreadsheet programs. */
function isFormulaStart(c: number): boolean {
  return c === 61 || c === 43 || c === 45 || c === 64;
}
