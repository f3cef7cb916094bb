/**
 * Chunk bookkeeping of the line-oriented readers (CSV, NDJSON): text arrives in chunks that cut
 * rows anywhere, so the unfinished row of one chunk is carried into the next. (The JSON-array
 * reader splits elements by nesting, not by lines, and keeps its own carry.)
 */
import type { ResultSink } from './result-sink';

export abstract class LineChunkReader {
  /** Text of the unfinished row (or element) left by earlier chunks. */
  protected carry = '';
  /** After an over-long row: drop text up to the next line break. */
  protected skipping = false;
  /** 1-based line number of the row being read. */
  protected line = 1;

  /** Reads every complete row of `text` (appended to what was left from earlier chunks). */
  feed(text: string, sink: ResultSink): void {
    const carry = this.carry;
    if (carry.length === 0) return this.run(text, 0, false, sink);
    // The row left over from the last chunk is finished on a small joined string, and the rest
    // is read from `text` itself: a long concatenated (cons) string would make every
    // charCodeAt on the hot path take V8's slow, non-flat string route.
    const nl = text.indexOf('\n');
    if (nl < 0) return this.run(carry + text, 0, false, sink);
    this.carry = '';
    this.run(carry + text.slice(0, nl + 1), 0, false, sink);
    if (this.carry.length > 0) {
      // The leftover row continues past that line (a quoted line break): join the rest too.
      const rest = this.carry;
      this.carry = '';
      this.run(rest + text.slice(nl + 1), 0, false, sink);
    } else {
      // If that row overflowed, it was cut at this line break: resume right after it.
      this.skipping = false;
      this.run(text, nl + 1, false, sink);
    }
  }

  /** Reads what is left as the final row(s). */
  finish(sink: ResultSink): void {
    const rest = this.carry;
    this.carry = '';
    if (rest.length > 0) this.run(rest, 0, true, sink);
  }

  /**
   * Where reading `s` resumes after the rest of an over-long row is dropped: past the next line
   * break (counted in `line`), or -1 when `s` ends first (the whole text is dropped).
   */
  protected skipOverflow(s: string, from: number): number {
    if (!this.skipping) return from;
    const nl = s.indexOf('\n', from);
    if (nl < 0) {
      this.carry = '';
      return -1;
    }
    this.skipping = false;
    this.line++;
    return nl + 1;
  }

  /**
   * Reads the rows of `s` from `from`; leaves an unfinished row in `carry` unless `final`
   * (the end of input), where it is read as the last row.
   */
  protected abstract run(s: string, from: number, final: boolean, sink: ResultSink): void;
}
