/**
 * The contract fields of one row as spans of source text: what a reader fills (CSV cells, JSON
 * values, the HTTP API's objects) and {@link RecordNormaliser} reads. No text is copied. Empty
 * values count as absent; surrounding spaces and tabs are ignored.
 */
import { FIELD_COUNT } from './fields';

/** What a slot holds. */
export enum SlotKind {
  Absent = 0,
  /** A CSV cell or a JSON string. */
  Text = 1,
  /** A JSON number token (raw text, never converted to a float). */
  Number = 2,
  /** A JSON `true`/`false`. */
  Boolean = 3,
  /** A JSON object or array. */
  Nested = 4,
}

/**
 * A `Uint8Array` whose elements are {@link SlotKind}s. Typed arrays only ever read back numbers,
 * and every element is written from a `SlotKind`, so this view is exact; it lets the slot kinds be
 * compared with `SlotKind` members directly.
 */
interface SlotKinds extends Uint8Array<ArrayBuffer> {
  [index: number]: SlotKind;
}

/**
 * The contract fields of one row as spans of source text (no copies). One instance is reused
 * for every row of a reader.
 */
export class RowSlots {
  readonly src: string[] = new Array<string>(FIELD_COUNT).fill('');
  readonly start = new Int32Array(FIELD_COUNT);
  readonly end = new Int32Array(FIELD_COUNT);
  readonly kind = new Uint8Array(FIELD_COUNT) as SlotKinds;
  /** Set by a reader when the row cannot be read; the row becomes a MALFORMED reject. */
  malformed: string | undefined = undefined;
  /** Some slot holds an object or array. */
  hasNested = false;

  /** Forgets the previous row. */
  clear(): void {
    const kind = this.kind;
    for (let f = 0; f < kind.length; f++) kind[f] = SlotKind.Absent;
    this.malformed = undefined;
    this.hasNested = false;
  }

  /**
   * Overwrites `slot` with the text `src[start, end)` (trimmed; empty means absent). For readers
   * that visit every column of every row (CSV), which then need no `clear()` between rows.
   */
  assign(slot: number, src: string, start: number, end: number): void {
    let c: number;
    while (start < end && ((c = src.charCodeAt(start)) === 32 || c === 9)) start++;
    while (end > start && ((c = src.charCodeAt(end - 1)) === 32 || c === 9)) end--;
    if (start === end) {
      this.kind[slot] = SlotKind.Absent;
      return;
    }
    this.src[slot] = src;
    this.start[slot] = start;
    this.end[slot] = end;
    this.kind[slot] = SlotKind.Text;
  }

  /**
   * Stores `src[start, end)` in `slot`, trimming spaces and tabs; empty text stays absent.
   * Returns false when the slot was already set (a duplicate field).
   */
  set(slot: number, src: string, start: number, end: number, kind: SlotKind): boolean {
    if (this.kind[slot] !== SlotKind.Absent) return false;
    if (kind === SlotKind.Text) {
      let c: number;
      while (start < end && ((c = src.charCodeAt(start)) === 32 || c === 9)) start++;
      while (end > start && ((c = src.charCodeAt(end - 1)) === 32 || c === 9)) end--;
      if (start === end) return true;
    }
    this.src[slot] = src;
    this.start[slot] = start;
    this.end[slot] = end;
    this.kind[slot] = kind;
    if (kind === SlotKind.Nested) this.hasNested = true;
    return true;
  }
}
