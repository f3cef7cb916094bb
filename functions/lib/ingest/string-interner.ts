/** Reuse of the short strings that repeat across the rows of a run. */
const INTERN_SLOTS = 256;

/**
 * Remembers short strings (symbols, exchanges) so a row repeating one reuses the same string
 * instead of slicing a new one; a file has few distinct values and millions of rows.
 */
export class StringInterner {
  private readonly values: string[] = new Array<string>(INTERN_SLOTS).fill('');

  /** The remembered string equal to `src[start, end)`, if any. */
  find(src: string, start: number, end: number): string | undefined {
    const len = end - start;
    if (len <= 0) return undefined;
    const cached = this.values[slotOf(src, start, end)];
    if (cached.length !== len) return undefined;
    for (let k = 0; k < len; k++) if (cached.charCodeAt(k) !== src.charCodeAt(start + k)) return undefined;
    return cached;
  }

  /** Remembers `src[start, end)` (replacing whatever shared its slot) and returns it. */
  add(src: string, start: number, end: number): string {
    const value = src.slice(start, end);
    this.values[slotOf(src, start, end)] = value;
    return value;
  }

  /** `src[start, end)`, reused when seen before. */
  get(src: string, start: number, end: number): string {
    return this.find(src, start, end) ?? this.add(src, start, end);
  }
}

function slotOf(src: string, start: number, end: number): number {
  const len = end - start;
  return (
    (len * 31 + src.charCodeAt(start) * 7 + src.charCodeAt(end - 1) * 3 + src.charCodeAt(start + (len >> 1))) &
    (INTERN_SLOTS - 1)
  );
}
