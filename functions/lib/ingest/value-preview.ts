/** How a rejected value is shown in a message: quoted, shortened and safe to log. */
import { SlotKind } from './row-slots';

/** Quoted, shortened, control-character-safe rendering of a value for reject messages. */
export function previewValue(src: string, start: number, end: number): string {
  const text = end - start > 40 ? `${src.slice(start, start + 40)}...` : src.slice(start, end);
  return JSON.stringify(text);
}

/** What a slot that is not text holds, as a message says it ("got a boolean"). */
export function kindName(kind: SlotKind): string {
  return kind === SlotKind.Boolean ? 'a boolean' : kind === SlotKind.Nested ? 'an object or array' : 'a number';
}
