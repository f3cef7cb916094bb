/**
 * Character-level JSON scanning shared by the JSON readers and {@link FlatObjectParser}: the
 * structural characters, whitespace, the end of a string or a nested value, and decoding a string
 * literal with escapes. Everything works on `(s, index, end)` so no text is copied.
 */

/** Longest JSON element or NDJSON line (UTF-16 code units) before it is MALFORMED. */
export const MAX_ELEMENT_CHARS = 64 * 1024;

/**
 * Character codes of JSON's structural characters. Readers copy the ones they use into module
 * constants (`const { QUOTE } = JsonChar`): CommonJS transpilers make each use of an imported
 * binding a getter call, which the per-character loops cannot afford.
 */
export const JsonChar = {
  QUOTE: 34,
  BACKSLASH: 92,
  LBRACE: 123,
  RBRACE: 125,
  LBRACKET: 91,
  RBRACKET: 93,
  COMMA: 44,
  COLON: 58,
  LF: 10,
} as const;

const { QUOTE, BACKSLASH, LBRACE, RBRACE, LBRACKET, RBRACKET } = JsonChar;

/** JSON whitespace: space, LF, CR, tab. */
export function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Index of the first non-whitespace character of `s[i, end)`, or `end`. */
export function skipWs(s: string, i: number, end: number): number {
  while (i < end && isWs(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Index of the quote closing the JSON string whose content starts at `i`, honouring escapes; -1 if
 * none before `end`.
 */
export function closingQuote(s: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** Index after the object/array starting at `i` (strings honoured), or -1 when it is not closed before `end`. */
export function skipNested(s: string, i: number, end: number): number {
  let depth = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(s, i + 1, end);
      if (i < 0) return -1;
    } else if (c === LBRACE || c === LBRACKET) depth++;
    else if (c === RBRACE || c === RBRACKET) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Decodes the JSON string literal `s[from, to)` (quotes included), or `undefined` if invalid. */
export function decodeJsonString(s: string, from: number, to: number): string | undefined {
  try {
    const value: unknown = JSON.parse(s.slice(from, to));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
