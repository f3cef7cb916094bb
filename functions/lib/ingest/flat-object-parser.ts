/**
 * Reads one flat JSON object straight into {@link RowSlots} without building a JS object, so
 * `__proto__` and friends are just unknown keys and number tokens keep their exact digits.
 *
 * Decisions: unknown keys are ignored whatever their value; an object or array as the value of a
 * contract field is recorded as nested (the normaliser makes it MALFORMED); `null` counts as
 * absent; a repeated field (also via an alias) is MALFORMED; invalid JSON (trailing comma, bare
 * `NaN`, truncation, text after the object) is MALFORMED.
 */
import { FIELDS, resolveField } from './fields';
import { closingQuote, decodeJsonString, isWs, JsonChar, skipNested, skipWs } from './json-scan';
import { RowSlots, SlotKind } from './row-slots';

// Imported bindings copied once (CommonJS transpilers make each imported-binding use a getter call).
const TEXT = SlotKind.Text;
const NUMBER = SlotKind.Number;
const BOOLEAN = SlotKind.Boolean;
const ABSENT = SlotKind.Absent;
const NESTED = SlotKind.Nested;
const { QUOTE, BACKSLASH, LBRACE, RBRACE, LBRACKET, COMMA, COLON } = JsonChar;
const isWsHot = isWs;
const skipWsHot = skipWs;
const closingQuoteHot = closingQuote;
const skipNestedHot = skipNested;
const decodeJsonStringHot = decodeJsonString;

const KEY_TABLE_SIZE = 256;
/** (FIELD_COUNT + 2) previous-key states × 128 first characters. */
const GUESS_TABLE_SIZE = (FIELDS.length + 2) * 128;

/**
 * Reads one flat JSON object into {@link RowSlots}. Producers repeat a handful of keys millions
 * of times, so keys are resolved through a small hash table (verified character by character)
 * instead of being sliced and normalised on every row.
 */
export class FlatObjectParser {
  private readonly keys: string[] = new Array<string>(KEY_TABLE_SIZE).fill('');
  private readonly keyHashes = new Int32Array(KEY_TABLE_SIZE);
  private readonly keySlots = new Int32Array(KEY_TABLE_SIZE);
  /** Key expected after a given previous key and first character, with its slot. */
  private readonly guessKeys: string[] = new Array<string>(GUESS_TABLE_SIZE).fill('');
  private readonly guessSlots = new Int32Array(GUESS_TABLE_SIZE);
  /** The key string last resolved by `keySlot`. */
  private lastKey = '';

  /** Parses `s[start, end)`; problems are recorded as `slots.malformed`. */
  parse(s: string, start: number, end: number, slots: RowSlots): void {
    slots.clear();
    let i = skipWsHot(s, start, end);
    if (s.charCodeAt(i) !== LBRACE || i >= end) {
      slots.malformed = 'not a JSON object';
      return;
    }
    i = skipWsHot(s, i + 1, end);
    if (s.charCodeAt(i) === RBRACE && i < end) {
      this.expectEnd(s, i + 1, end, slots);
      return;
    }
    // 0 before the first key, then slot + 2 of the previous key (unknown keys are -1 → 1).
    let previous = 0;
    for (;;) {
      // Key.
      if (i >= end || s.charCodeAt(i) !== QUOTE) {
        slots.malformed = i >= end ? 'truncated JSON object' : 'invalid JSON: expected a quoted key (trailing comma?)';
        return;
      }
      // Producers write keys in a fixed order, so the key after the previous one (told apart by
      // its first character) is guessed and compared in a single pass.
      const guessAt = previous * 128 + (s.charCodeAt(i + 1) & 127);
      const guess = this.guessKeys[guessAt];
      const guessLen = guess.length;
      let q = i + 1;
      let m = 0;
      while (m < guessLen && s.charCodeAt(q + m) === guess.charCodeAt(m)) m++;
      let slot: number;
      if (guessLen > 0 && m === guessLen && s.charCodeAt(q + m) === QUOTE && q + m < end) {
        q += m;
        slot = this.guessSlots[guessAt];
      } else {
        // Scan the key, hashing it on the way; a backslash sends it down the decoding path.
        let hash = 0;
        for (; q < end; q++) {
          const kc = s.charCodeAt(q);
          if (kc === QUOTE || kc === BACKSLASH) break;
          hash = (Math.imul(hash, 31) + kc) | 0;
        }
        if (q >= end) {
          slots.malformed = 'truncated JSON object (unterminated key)';
          return;
        }
        if (s.charCodeAt(q) === BACKSLASH) {
          q = closingQuoteHot(s, i + 1, end);
          const key = q < 0 ? undefined : decodeJsonStringHot(s, i, q + 1);
          if (key === undefined) {
            slots.malformed = 'invalid JSON string in key';
            return;
          }
          slot = resolveField(key);
        } else {
          slot = this.keySlot(s, i + 1, q, hash);
          this.guessKeys[guessAt] = this.lastKey;
          this.guessSlots[guessAt] = slot;
        }
      }
      previous = slot + 2;
      i = q + 1;
      if (s.charCodeAt(i) !== COLON) i = skipWsHot(s, i, end);
      if (s.charCodeAt(i) !== COLON || i >= end) {
        slots.malformed = 'invalid JSON: expected : after a key';
        return;
      }
      i++;
      if (isWsHot(s.charCodeAt(i))) i = skipWsHot(s, i, end);
      // Value.
      const c = s.charCodeAt(i);
      let kind: SlotKind;
      let vs = s;
      let va = i;
      let vb: number;
      if (i >= end) {
        slots.malformed = 'truncated JSON object';
        return;
      } else if (c === QUOTE) {
        let close = i + 1;
        for (; close < end; close++) {
          const vc = s.charCodeAt(close);
          if (vc === QUOTE || vc === BACKSLASH) break;
        }
        if (close >= end) {
          slots.malformed = 'truncated JSON object (unterminated string)';
          return;
        }
        if (s.charCodeAt(close) === BACKSLASH) {
          close = closingQuoteHot(s, i + 1, end);
          const decoded = close < 0 ? undefined : decodeJsonStringHot(s, i, close + 1);
          if (decoded === undefined) {
            slots.malformed = 'invalid JSON string';
            return;
          }
          vs = decoded;
          va = 0;
          vb = decoded.length;
        } else {
          va = i + 1;
          vb = close;
        }
        kind = TEXT;
        i = close + 1;
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        let j = i + 1;
        for (; j < end; j++) {
          const d = s.charCodeAt(j);
          if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
        }
        vb = j;
        kind = NUMBER;
        i = j;
      } else if (c === 116 && s.startsWith('true', i)) {
        kind = BOOLEAN;
        vb = i + 4;
        i += 4;
      } else if (c === 102 && s.startsWith('false', i)) {
        kind = BOOLEAN;
        vb = i + 5;
        i += 5;
      } else if (c === 110 && s.startsWith('null', i)) {
        kind = ABSENT;
        vb = i;
        i += 4;
      } else if (c === LBRACE || c === LBRACKET) {
        const after = skipNestedHot(s, i, end);
        if (after < 0) {
          slots.malformed = 'truncated JSON object (unclosed nested value)';
          return;
        }
        kind = NESTED;
        vb = after;
        i = after;
      } else {
        slots.malformed = `invalid JSON value${slot >= 0 ? ` for ${FIELDS[slot]}` : ''}`;
        return;
      }
      if (slot >= 0 && kind !== ABSENT && !slots.set(slot, vs, va, vb, kind)) {
        slots.malformed = `duplicate field ${FIELDS[slot]}`;
        return;
      }
      i = skipWsHot(s, i, end);
      const sep = s.charCodeAt(i);
      if (i < end && sep === COMMA) {
        i = skipWsHot(s, i + 1, end);
        continue;
      }
      if (i < end && sep === RBRACE) {
        this.expectEnd(s, i + 1, end, slots);
        return;
      }
      slots.malformed = i >= end ? 'truncated JSON object' : 'invalid JSON: expected , or } after a value';
      return;
    }
  }

  private expectEnd(s: string, i: number, end: number, slots: RowSlots): void {
    if (skipWsHot(s, i, end) !== end) slots.malformed = 'unexpected text after the JSON object';
  }

  /** Slot of the key `s[from, to)` whose hash is `hash`, through the key table. */
  private keySlot(s: string, from: number, to: number, hash: number): number {
    const index = (hash ^ (hash >>> 13)) & (KEY_TABLE_SIZE - 1);
    const cached = this.keys[index];
    const len = to - from;
    if (cached.length === len && this.keyHashes[index] === hash) {
      let k = 0;
      while (k < len && cached.charCodeAt(k) === s.charCodeAt(from + k)) k++;
      if (k === len) {
        this.lastKey = cached;
        return this.keySlots[index];
      }
    }
    const key = s.slice(from, to);
    const slot = resolveField(key);
    this.keys[index] = key;
    this.keyHashes[index] = hash;
    this.keySlots[index] = slot;
    this.lastKey = key;
    return slot;
  }
}
