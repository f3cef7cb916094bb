/**
 * `symbol`: text, upper-cased, then the symbol rule of `domain/symbol.ts` (so `aapl` is accepted
 * as `AAPL`); anything else is INVALID_SYMBOL.
 */
import { isSymbolCode, isSymbolStartCode, SYMBOL_MAX_LENGTH, SYMBOL_RULE } from '../domain/symbol';
import { Field } from './fields';
import { RowSlots, SlotKind } from './row-slots';
import type { StringInterner } from './string-interner';
import { kindName, previewValue } from './value-preview';

// Imported bindings copied once (CommonJS transpilers make each imported-binding use a getter call).
const F_SYMBOL = Field.symbol;
const TEXT = SlotKind.Text;

/**
 * The row's symbol, upper-cased, or undefined when it breaks the rule. Only valid upper-case
 * symbols enter `symbols`, so a hit needs no re-validation.
 */
export function readSymbol(slots: RowSlots, symbols: StringInterner): string | undefined {
  if (slots.kind[F_SYMBOL] !== TEXT) return undefined;
  const src = slots.src[F_SYMBOL];
  const start = slots.start[F_SYMBOL];
  const end = slots.end[F_SYMBOL];
  const known = symbols.find(src, start, end);
  if (known !== undefined) return known;
  if (end - start > SYMBOL_MAX_LENGTH || !isSymbolStartCode(src.charCodeAt(start))) return undefined;
  let lower = false;
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (!isSymbolCode(c)) return undefined;
    if (c >= 97) lower = true;
  }
  return lower ? src.slice(start, end).toUpperCase() : symbols.add(src, start, end);
}

/** The INVALID_SYMBOL message of a row whose symbol {@link readSymbol} refused. */
export function symbolProblem(slots: RowSlots): string {
  const kind = slots.kind[F_SYMBOL];
  if (kind !== TEXT) return `symbol must be text, got ${kindName(kind)}`;
  const shown = previewValue(slots.src[F_SYMBOL], slots.start[F_SYMBOL], slots.end[F_SYMBOL]);
  return `symbol ${shown} must be ${SYMBOL_RULE}`;
}
