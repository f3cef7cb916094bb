/**
 * Newline-delimited JSON: one object per line, blank (whitespace-only) lines skipped. A reject's
 * `line` is the 1-based line of the object. A line longer than {@link MAX_ELEMENT_CHARS} is
 * MALFORMED and skipped to the next line break; invalid JSON on a line is MALFORMED for that line
 * and the next line is still read.
 */
import { JsonObjectEmitter } from './json-object-emitter';
import { MAX_ELEMENT_CHARS, skipWs } from './json-scan';
import { LineChunkReader } from './line-chunk-reader';
import type { RecordNormaliser } from './record-normaliser';
import type { ResultSink } from './result-sink';

// Imported bindings copied once (CommonJS transpilers make each imported-binding use a getter call).
const MAX_LINE_CHARS = MAX_ELEMENT_CHARS;
const skipWsHot = skipWs;

/** Streaming NDJSON reader: `feed` text chunks, then `finish`; rows go to the normaliser. */
export class NdjsonReader extends LineChunkReader {
  private readonly objects: JsonObjectEmitter;

  constructor(normaliser: RecordNormaliser) {
    super();
    this.objects = new JsonObjectEmitter(normaliser);
  }

  protected run(s: string, from: number, final: boolean, sink: ResultSink): void {
    const len = s.length;
    let pos = from;
    this.objects.newText();
    pos = this.skipOverflow(s, pos);
    if (pos < 0) return;
    while (pos < len) {
      let nl = s.indexOf('\n', pos);
      if (nl < 0) {
        if (!final) break;
        nl = len;
      }
      // A line that is only whitespace is skipped (a trailing newline, a blank separator).
      const first = skipWsHot(s, pos, nl);
      if (nl - pos > MAX_LINE_CHARS) {
        sink.rejects.push({
          line: this.line,
          reason: 'MALFORMED',
          message: `line is longer than ${MAX_LINE_CHARS} characters`,
        });
      } else if (first < nl) {
        this.objects.emit(s, first, nl, this.line, sink);
      }
      this.line++;
      pos = nl + 1;
    }
    this.carry = pos >= len ? '' : s.slice(pos);
    if (this.carry.length > MAX_LINE_CHARS) {
      sink.rejects.push({
        line: this.line,
        reason: 'MALFORMED',
        message: `line is longer than ${MAX_LINE_CHARS} characters; skipped`,
      });
      this.carry = '';
      this.skipping = true;
    }
  }
}
