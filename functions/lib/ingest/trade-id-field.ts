/**
 * `tradeId`: optional, 1-{@link TRADE_ID_MAX_LENGTH} printable characters, kept verbatim (it is
 * opaque to us); anything else makes the row MALFORMED.
 */
import { Field } from './fields';
import { RowSlots, SlotKind } from './row-slots';
import { previewValue } from './value-preview';

// Imported bindings copied once (CommonJS transpilers make each imported-binding use a getter call).
const F_TRADE_ID = Field.tradeId;
const BOOLEAN = SlotKind.Boolean;

/** Longest accepted trade id. */
export const TRADE_ID_MAX_LENGTH = 128;

/** The MALFORMED message when the row's (present) trade id breaks the rule, else undefined. */
export function tradeIdProblem(slots: RowSlots): string | undefined {
  const s = slots.src[F_TRADE_ID];
  const a = slots.start[F_TRADE_ID];
  const b = slots.end[F_TRADE_ID];
  if (slots.kind[F_TRADE_ID] === BOOLEAN || b - a > TRADE_ID_MAX_LENGTH || hasControlChar(s, a, b)) {
    return `tradeId ${previewValue(s, a, b)} must be 1-${TRADE_ID_MAX_LENGTH} printable characters`;
  }
  return undefined;
}

function hasControlChar(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}
