/**
 * A JSON file of records: a top-level array of objects, `{"records": [...]}` (other wrapper keys
 * are ignored), or a sequence of top-level objects. Elements are split incrementally, so a large
 * array is never held in memory as a whole; each element's text goes to {@link JsonObjectEmitter}.
 *
 * Decisions: a reject's `line` is the 1-based line where the element starts. Invalid JSON in an
 * element is MALFORMED for that element and the next element is still read; so are a primitive
 * element, a missing or extra comma and text outside any array or object. Elements longer than
 * {@link MAX_ELEMENT_CHARS} are MALFORMED.
 */
import { JsonObjectEmitter } from './json-object-emitter';
import { isWs, JsonChar, MAX_ELEMENT_CHARS } from './json-scan';
import type { RecordNormaliser } from './record-normaliser';
import type { ResultSink } from './result-sink';

// Imported bindings copied once (CommonJS transpilers make each imported-binding use a getter call).
const { QUOTE, BACKSLASH, LBRACE, RBRACE, LBRACKET, RBRACKET, COMMA, LF } = JsonChar;
const MAX_CHARS = MAX_ELEMENT_CHARS;
const isWsHot = isWs;

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
export class JsonReader {
  private readonly objects: JsonObjectEmitter;
  /** Text of the unfinished element left by earlier chunks. */
  private carry = '';
  /** Line (1-based) of the character being scanned. */
  private line = 1;
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

  constructor(normaliser: RecordNormaliser) {
    this.objects = new JsonObjectEmitter(normaliser);
  }

  /** Reads every complete element in `text` (appended to the unfinished element of earlier chunks). */
  feed(text: string, sink: ResultSink): void {
    const s = this.carry.length === 0 ? text : this.carry + text;
    this.scan(s, this.scanFrom, sink);
  }

  /** Reports what the input left unfinished. */
  finish(sink: ResultSink): void {
    const line = this.elemStart >= 0 || this.elemDropped ? this.elemLine : this.line;
    if (this.elemPrimitive && this.elemStart >= 0 && !this.inString) {
      // A primitive element at the end of input (e.g. `[1`): report it as not an object.
      this.objects.emit(this.carry, this.elemStart, this.carry.length, this.elemLine, sink, this.elementCount++);
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
  private scan(s: string, from: number, sink: ResultSink): void {
    const len = s.length;
    this.objects.newText();
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
      if (isWsHot(c)) {
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
      if (this.carry.length > MAX_CHARS) {
        if (this.mode === Mode.TopObject) {
          // Could still be a wrapper whose records array comes later: keep scanning, stop keeping.
          this.elemDropped = true;
        } else {
          sink.rejects.push({
            line: this.elemLine,
            reason: 'MALFORMED',
            message: `JSON element is longer than ${MAX_CHARS} characters; skipped`,
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
          message: `JSON object is longer than ${MAX_CHARS} characters; skipped`,
        });
      }
    } else if (this.elemStart >= 0 && end - this.elemStart > MAX_CHARS) {
      sink.rejects.push({
        line: this.elemLine,
        reason: 'MALFORMED',
        message: `JSON element is longer than ${MAX_CHARS} characters; skipped`,
      });
    } else if (this.elemStart >= 0) {
      this.objects.emit(s, this.elemStart, end, this.elemLine, sink, this.elementCount);
    }
    this.elementCount++;
    this.elemStart = -1;
    this.elemPrimitive = false;
    this.elemDropped = false;
    this.elemReported = false;
  }
}
