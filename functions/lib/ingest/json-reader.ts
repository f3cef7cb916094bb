/**
 * Streaming JSON readers feeding {@link RecordNormaliser}:
 *
 * - {@link NdjsonReader}: one object per line (blank lines skipped).
 * - {@link JsonReader}: a top-level array of objects, `{"records": [...]}` (other wrapper keys are
 *   ignored), or a sequence of top-level objects. Elements are split incrementally, so a large
 *   array is never held in memory as a whole.
 *
 * Both hand each object's text to {@link FlatObjectParser}, which reads a flat JSON object
 * straight into {@link RowSlots} without building a JS object (so `__proto__` and friends are
 * just unknown keys, and number tokens keep their exact digits).
 *
 * Decisions: a reject's `line` is the 1-based line where the object starts. Unknown keys are
 * ignored whatever their value; an object or array as the value of a contract field is
 * MALFORMED; `null` counts as absent; a repeated field (also via an alias) is MALFORMED; invalid
 * JSON in an element (trailing comma, bare `NaN`, truncation) is MALFORMED for that element and
 * the next element is still read. Elements or lines longer than {@link MAX_ELEMENT_CHARS} are
 * MALFORMED.
 */
import { FIELDS, resolveField } from './fields';
import { LineChunkReader } from './line-chunk-reader';
import { RowSlots, SlotKind, type RecordNormaliser, type ResultSink } from './validation';

// Imported enum values copied once (CommonJS transpilers make each imported-binding use a getter call).
const TEXT = SlotKind.Text;
const NUMBER = SlotKind.Number;
const BOOLEAN = SlotKind.Boolean;
const ABSENT = SlotKind.Absent;
const NESTED = SlotKind.Nested;

/** Longest JSON element or NDJSON line (UTF-16 code units) before it is MALFORMED. */
export const MAX_ELEMENT_CHARS = 64 * 1024;
const NOT_FOUND = 0x7fffffff;

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const COLON = 58;
const LF = 10;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipWs(s: string, i: number, end: number): number {
  while (i < end && isWs(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Index of the quote closing the JSON string whose content starts at `i`, honouring escapes; -1 if
 * none before `end`.
 */
function closingQuote(s: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** Index after the object/array starting at `i` (strings honoured), or -1 when it is not closed before `end`. */
function skipNested(s: string, i: number, end: number): number {
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
    let i = skipWs(s, start, end);
    if (s.charCodeAt(i) !== LBRACE || i >= end) {
      slots.malformed = 'not a JSON object';
      return;
    }
    i = skipWs(s, i + 1, end);
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
          q = closingQuote(s, i + 1, end);
          const key = q < 0 ? undefined : decodeJsonString(s, i, q + 1);
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
      if (s.charCodeAt(i) !== COLON) i = skipWs(s, i, end);
      if (s.charCodeAt(i) !== COLON || i >= end) {
        slots.malformed = 'invalid JSON: expected : after a key';
        return;
      }
      i++;
      if (isWs(s.charCodeAt(i))) i = skipWs(s, i, end);
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
          close = closingQuote(s, i + 1, end);
          const decoded = close < 0 ? undefined : decodeJsonString(s, i, close + 1);
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
        const after = skipNested(s, i, end);
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
      i = skipWs(s, i, end);
      const sep = s.charCodeAt(i);
      if (i < end && sep === COMMA) {
        i = skipWs(s, i + 1, end);
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
    if (skipWs(s, i, end) !== end) slots.malformed = 'unexpected text after the JSON object';
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

/** Decodes the JSON string literal `s[from, to)` (quotes included), or `undefined` if invalid. */
function decodeJsonString(s: string, from: number, to: number): string | undefined {
  try {
    const value: unknown = JSON.parse(s.slice(from, to));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What both JSON readers share: the object parser, line and UTF-8 tracking, and emitting a row. */
abstract class ChunkedReader extends LineChunkReader {
  protected readonly slots = new RowSlots();
  protected readonly parser = new FlatObjectParser();
  protected line = 1;
  protected nextBad = -1;

  constructor(protected readonly normaliser: RecordNormaliser) {
    super();
  }

  /** True when `s[from, to)` contains U+FFFD (how invalid UTF-8 arrives after decoding). */
  protected hasReplacementChar(s: string, from: number, to: number): boolean {
    if (this.nextBad < from && this.nextBad !== NOT_FOUND) {
      const at = s.indexOf('\uFFFD', from);
      this.nextBad = at < 0 ? NOT_FOUND : at;
    }
    return this.nextBad < to;
  }

  /**
   * Parses the object in `s[from, to)` that starts on `line` and emits a record or reject;
   * `element` is its position among the file's JSON values (-1 for NDJSON, where lines are unique).
   */
  protected emit(s: string, from: number, to: number, line: number, sink: ResultSink, element = -1): void {
    const slots = this.slots;
    this.parser.parse(s, from, to, slots);
    if (this.hasReplacementChar(s, from, to)) slots.malformed = 'invalid UTF-8';
    this.normaliser.normalise(slots, line, sink, element);
  }
}

/** Newline-delimited JSON: one object per line. */
export class NdjsonReader extends ChunkedReader {
  protected run(s: string, from: number, final: boolean, sink: ResultSink): void {
    const len = s.length;
    let pos = from;
    this.nextBad = -1;
    if (this.skipping) {
      const nl = s.indexOf('\n', pos);
      if (nl < 0) {
        this.carry = '';
        return;
      }
      this.skipping = false;
      this.line++;
      pos = nl + 1;
    }
    while (pos < len) {
      let nl = s.indexOf('\n', pos);
      if (nl < 0) {
        if (!final) break;
        nl = len;
      }
      // A line that is only whitespace is skipped (a trailing newline, a blank separator).
      const first = skipWs(s, pos, nl);
      if (nl - pos > MAX_ELEMENT_CHARS) {
        sink.rejects.push({
          line: this.line,
          reason: 'MALFORMED',
          message: `line is longer than ${MAX_ELEMENT_CHARS} characters`,
        });
      } else if (first < nl) {
        this.emit(s, first, nl, this.line, sink);
      }
      this.line++;
      pos = nl + 1;
    }
    this.carry = pos >= len ? '' : s.slice(pos);
    if (this.carry.length > MAX_ELEMENT_CHARS) {
      sink.rejects.push({
        line: this.line,
        reason: 'MALFORMED',
        message: `line is longer than ${MAX_ELEMENT_CHARS} characters; skipped`,
      });
      this.carry = '';
      this.skipping = true;
    }
  }
}

enum Mode {
  /** Between top-level values. */
  Top,
  /** Inside the records array (a top-level array or a wrapper's `records`). */
  Array,
  /** Inside a top-level object: a record, unless a `records` array shows it is a wrapper. */
  TopObject,
  /** Inside a wrapper after its records array: skipped to its end. */
  WrapperRest,
  /** After unexpected top-level text: skipped to the end of the line. */
  Garbage,
}

/** JSON array / `{"records": [...]}` / sequence of objects, split incrementally. */
export class JsonReader extends ChunkedReader {
  private mode = Mode.Top;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private arrayDepth = -1;
  /** In Array mode: 0 after `[`, 1 after an element, 2 after a comma. */
  private expect = 0;
  private elemStart = -1;
  private elemLine = 0;
  private elemPrimitive = false;
  /** The current element was too long: its end is still tracked, its text is not kept. */
  private elemDropped = false;
  /** The dropped element's reject was already reported. */
  private elemReported = false;
  private stringStart = -1;
  private lastKeyIsRecords = false;
  /** Index in `carry` where scanning resumes. */
  private scanFrom = 0;
  /** Position of the next JSON value among the file's records (record ids use it). */
  private elementCount = 0;

  /** Reads every complete element in `text` (appended to the unfinished element of earlier chunks). */
  feed(text: string, sink: ResultSink): void {
    const s = this.carry.length === 0 ? text : this.carry + text;
    this.run(s, this.scanFrom, false, sink);
  }

  /** Reports what the input left unfinished. */
  finish(sink: ResultSink): void {
    const line = this.elemStart >= 0 || this.elemDropped ? this.elemLine : this.line;
    if (this.elemPrimitive && this.elemStart >= 0 && !this.inString) {
      // A primitive element at the end of input (e.g. `[1`): report it as not an object.
      this.emit(this.carry, this.elemStart, this.carry.length, this.elemLine, sink, this.elementCount++);
    } else if (this.elemStart >= 0 || this.elemDropped) {
      sink.rejects.push({
        line,
        reason: 'MALFORMED',
        message: 'unexpected end of input inside this JSON value (truncated file?)',
      });
    } else if (this.mode === Mode.Array || this.mode === Mode.WrapperRest) {
      sink.rejects.push({
        line,
        reason: 'MALFORMED',
        message: 'unexpected end of input: the JSON array is not closed',
      });
    }
    this.carry = '';
    this.mode = Mode.Top;
    this.elemStart = -1;
    this.elemDropped = false;
  }

  /** Scans `s` from `from` (where the previous chunk's scan stopped) for complete elements. */
  protected run(s: string, from: number, _final: boolean, sink: ResultSink): void {
    const len = s.length;
    this.nextBad = -1;
    let i = from;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c === LF) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.mode === Mode.TopObject && this.depth === 1) {
            this.lastKeyIsRecords = i - this.stringStart === 7 && s.startsWith('records', this.stringStart);
          }
        }
        continue;
      }
      if (isWs(c)) {
        if (this.mode === Mode.Garbage && c === LF) this.mode = Mode.Top;
        continue;
      }
      switch (this.mode) {
        case Mode.Garbage:
          break;
        case Mode.Top:
          if (c === LBRACKET) {
            this.mode = Mode.Array;
            this.depth = 1;
            this.arrayDepth = 1;
            this.expect = 0;
          } else if (c === LBRACE) {
            this.mode = Mode.TopObject;
            this.depth = 1;
            this.startElement(i, false);
            this.lastKeyIsRecords = false;
          } else {
            sink.rejects.push({
              line: this.line,
              reason: 'MALFORMED',
              message: 'unexpected text outside a JSON array or object',
            });
            this.mode = Mode.Garbage;
          }
          break;
        case Mode.TopObject:
          if (c === QUOTE) {
            this.inString = true;
            this.stringStart = i + 1;
          } else if (c === LBRACKET && this.depth === 1 && this.lastKeyIsRecords) {
            // `{"records": [` — a wrapper: drop what was buffered and stream its elements.
            this.elemStart = -1;
            this.elemDropped = false;
            this.mode = Mode.Array;
            this.depth = 2;
            this.arrayDepth = 2;
            this.expect = 0;
          } else if (c === LBRACE || c === LBRACKET) this.depth++;
          else if (c === RBRACE || c === RBRACKET) {
            if (--this.depth === 0) {
              this.endElement(s, i + 1, sink);
              this.mode = Mode.Top;
            }
          }
          break;
        case Mode.WrapperRest:
          if (c === QUOTE) this.inString = true;
          else if (c === LBRACE || c === LBRACKET) this.depth++;
          else if ((c === RBRACE || c === RBRACKET) && --this.depth === 0) this.mode = Mode.Top;
          break;
        case Mode.Array:
          this.scanArrayChar(s, i, c, sink);
          break;
      }
    }
    // Keep only the unfinished element.
    if (this.elemStart >= 0) {
      this.carry = s.slice(this.elemStart);
      this.scanFrom = len - this.elemStart;
      if (this.stringStart >= this.elemStart) this.stringStart -= this.elemStart;
      this.elemStart = 0;
      if (this.carry.length > MAX_ELEMENT_CHARS) {
        if (this.mode === Mode.TopObject) {
          // Could still be a wrapper whose records array comes later: keep scanning, stop keeping.
          this.elemDropped = true;
        } else {
          sink.rejects.push({
            line: this.elemLine,
            reason: 'MALFORMED',
            message: `JSON element is longer than ${MAX_ELEMENT_CHARS} characters; skipped`,
          });
          this.elemDropped = true;
          this.elemReported = true;
        }
        this.carry = '';
        this.scanFrom = 0;
        this.elemStart = -1;
      }
    } else {
      this.carry = '';
      this.scanFrom = 0;
    }
  }

  private scanArrayChar(s: string, i: number, c: number, sink: ResultSink): void {
    if (this.depth > this.arrayDepth) {
      // Inside an object/array element.
      if (c === QUOTE) this.inString = true;
      else if (c === LBRACE || c === LBRACKET) this.depth++;
      else if ((c === RBRACE || c === RBRACKET) && --this.depth === this.arrayDepth) {
        this.endElement(s, i + 1, sink);
        this.expect = 1;
      }
      return;
    }
    // Between elements (or inside a primitive element).
    if (c === COMMA || c === RBRACKET) {
      if (this.elemPrimitive) {
        this.endElement(s, i, sink);
        this.expect = 1;
      }
      if (c === COMMA) {
        if (this.expect !== 1)
          sink.rejects.push({ line: this.line, reason: 'MALFORMED', message: 'empty array element (extra comma)' });
        this.expect = 2;
        return;
      }
      if (this.expect === 2)
        sink.rejects.push({ line: this.line, reason: 'MALFORMED', message: 'trailing comma before ]' });
      this.depth--;
      this.arrayDepth = -1;
      this.mode = this.depth === 0 ? Mode.Top : Mode.WrapperRest;
      return;
    }
    if (this.elemPrimitive) {
      if (c === QUOTE) this.inString = true;
      return;
    }
    if (this.expect === 1)
      sink.rejects.push({ line: this.line, reason: 'MALFORMED', message: 'missing comma between array elements' });
    this.startElement(i, true);
    this.expect = 1;
    if (c === LBRACE || c === LBRACKET) {
      this.elemPrimitive = false;
      this.depth++;
    } else if (c === QUOTE) {
      this.inString = true;
    } else if (c === RBRACE) {
      this.elemPrimitive = false;
      this.elemStart = -1;
      sink.rejects.push({ line: this.line, reason: 'MALFORMED', message: 'unexpected } in array' });
    }
  }

  private startElement(i: number, primitive: boolean): void {
    this.elemStart = i;
    this.elemLine = this.line;
    this.elemPrimitive = primitive;
    this.elemDropped = false;
    this.elemReported = false;
  }

  private endElement(s: string, end: number, sink: ResultSink): void {
    if (this.elemDropped) {
      if (!this.elemReported) {
        sink.rejects.push({
          line: this.elemLine,
          reason: 'MALFORMED',
          message: `JSON object is longer than ${MAX_ELEMENT_CHARS} characters; skipped`,
        });
      }
    } else if (this.elemStart >= 0 && end - this.elemStart > MAX_ELEMENT_CHARS) {
      sink.rejects.push({
        line: this.elemLine,
        reason: 'MALFORMED',
        message: `JSON element is longer than ${MAX_ELEMENT_CHARS} characters; skipped`,
      });
    } else if (this.elemStart >= 0) {
      this.emit(s, this.elemStart, end, this.elemLine, sink, this.elementCount);
    }
    this.elementCount++;
    this.elemStart = -1;
    this.elemPrimitive = false;
    this.elemDropped = false;
    this.elemReported = false;
  }
}
