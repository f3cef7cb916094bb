/**
 * Streaming CSV reader (RFC 4180) feeding {@link RecordNormaliser}.
 *
 * - The first non-blank row is the header; names are matched as in `fields.ts`; unknown columns
 *   are ignored. A header with no recognised column (e.g. a missing header) or two columns for
 *   the same field makes the header line and every row MALFORMED.
 * - Rows without a `"` take a fast path (`indexOf` per field, no copies); rows with quotes take a
 *   char-level path that handles `""` escapes, delimiters and newlines inside quotes.
 * - LF or CRLF. Blank lines are skipped (they still count for line numbers).
 * - A reject's `line` is the 1-based physical line where its row starts.
 * - MALFORMED rows: field count differs from the header, a quote inside an unquoted field,
 *   text after a closing quote, an unterminated quote, a row longer than
 *   {@link MAX_ROW_CHARS}, or invalid UTF-8 (decoded as U+FFFD, so a literal U+FFFD is treated
 *   as invalid too). After an over-long row, reading resumes at the next line break.
 *
 * Memory: only the current incomplete row is kept between chunks.
 */
import { resolveField, FIELDS } from './fields';
import { LineChunkReader } from './line-chunk-reader';
import type { RecordNormaliser } from './record-normaliser';
import type { ResultSink } from './result-sink';
import { RowSlots, SlotKind } from './row-slots';

// Imported enum values copied once (CommonJS transpilers make each imported-binding use a getter call).
const TEXT = SlotKind.Text;

/** Longest row (in UTF-16 code units, including quoted line breaks) before it is MALFORMED. */
export const MAX_ROW_CHARS = 64 * 1024;
const NOT_FOUND = 0x7fffffff;

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Outcome of the slow (quoted) row path. */
const NEED_MORE = -1;

/** Streaming CSV reader: `feed` text chunks, then `finish`; rows go to the normaliser. */
export class CsvReader extends LineChunkReader {
  private readonly slots = new RowSlots();
  private headerDone = false;
  private headerProblem: string | undefined;
  private columnSlots = new Int32Array(0);
  private columnCount = 0;
  // Cached positions of the next `"` and U+FFFD in the current text, so each is searched once.
  private nextQuote = 0;
  private nextBad = 0;
  /** Slow path output: physical lines the last quoted row spanned. */
  private rowLines = 0;
  /** Slow path output: the cells of a quoted header row. */
  private headerCells: string[] | undefined;

  constructor(private readonly normaliser: RecordNormaliser) {
    super();
  }

  protected run(s: string, from: number, final: boolean, sink: ResultSink): void {
    let pos = from;
    const len = s.length;
    pos = this.skipOverflow(s, pos);
    if (pos < 0) return;
    this.nextQuote = -1;
    this.nextBad = -1;
    const slots = this.slots;
    while (pos < len) {
      let nl = s.indexOf('\n', pos);
      if (nl < 0) {
        if (!final) break;
        nl = len;
      }
      if (this.nextQuote < pos && this.nextQuote !== NOT_FOUND) this.nextQuote = indexOr(s, '"', pos);
      if (this.nextBad < pos && this.nextBad !== NOT_FOUND) this.nextBad = indexOr(s, '\uFFFD', pos);
      let rowEnd: number; // index after the row's terminator
      let lines = 1;
      if (this.nextQuote >= nl) {
        // Fast path: no quotes in this row.
        let lineEnd = nl;
        if (lineEnd > pos && s.charCodeAt(lineEnd - 1) === CR) lineEnd--;
        rowEnd = nl + 1;
        if (nl - pos > MAX_ROW_CHARS) {
          sink.rejects.push({
            line: this.line,
            reason: 'MALFORMED',
            message: `row is longer than ${MAX_ROW_CHARS} characters`,
          });
          this.line++;
          pos = rowEnd;
          continue;
        }
        if (lineEnd === pos) {
          // Blank line.
          this.line++;
          pos = rowEnd;
          continue;
        }
        if (!this.headerDone) {
          this.readHeader(splitPlain(s, pos, lineEnd), sink);
          this.line++;
          pos = rowEnd;
          continue;
        }
        slots.malformed = undefined;
        this.splitInto(s, pos, lineEnd);
      } else {
        const end = this.readQuotedRow(s, pos, final);
        if (end === NEED_MORE) break;
        rowEnd = end;
        lines = this.rowLines;
        if (rowEnd - pos > MAX_ROW_CHARS) this.reportRow(`row is longer than ${MAX_ROW_CHARS} characters`);
        if (!this.headerDone) {
          this.readHeader(this.headerCells ?? [], sink);
          this.headerCells = undefined;
          this.line += lines;
          pos = rowEnd;
          continue;
        }
      }
      if (this.nextBad < rowEnd && slots.malformed === undefined) slots.malformed = 'invalid UTF-8 in row';
      if (this.headerProblem !== undefined) slots.malformed = `cannot read row: ${this.headerProblem}`;
      this.normaliser.normalise(slots, this.line, sink);
      this.line += lines;
      pos = rowEnd;
    }
    this.carry = pos >= len ? '' : s.slice(pos);
    if (this.carry.length > MAX_ROW_CHARS) this.overflow(sink);
  }

  /** Fast path: fills slots from the unquoted row `s[start, end)`. */
  private splitInto(s: string, start: number, end: number): void {
    const slots = this.slots;
    const columnSlots = this.columnSlots;
    const columns = this.columnCount;
    let col = 0;
    let fieldStart = start;
    for (;;) {
      // A plain loop beats indexOf for fields this short.
      let comma = fieldStart;
      while (comma < end && s.charCodeAt(comma) !== COMMA) comma++;
      if (col < columns) {
        const slot = columnSlots[col];
        // Every column is assigned on every row, so slots need no clearing between rows.
        if (slot >= 0) slots.assign(slot, s, fieldStart, comma);
      }
      col++;
      if (comma === end) break;
      fieldStart = comma + 1;
    }
    if (col !== columns) slots.malformed = `row has ${col} fields, header has ${columns}`;
  }

  /**
   * Slow path: reads one row that contains a quote starting at `start`, filling slots (or
   * `headerCells` before the header). Returns the index after the row terminator, or NEED_MORE.
   */
  private readQuotedRow(s: string, start: number, final: boolean): number {
    const slots = this.slots;
    const len = s.length;
    const collectHeader = !this.headerDone;
    const cells: string[] = [];
    slots.clear();
    let lines = 1;
    let col = 0;
    let i = start;
    let problem: string | undefined;
    for (;;) {
      // One field starting at i.
      let value: string;
      let valueSrc = s;
      let a = i;
      let b: number;
      if (s.charCodeAt(i) === QUOTE) {
        let parts = '';
        let from = i + 1;
        let closed = -1;
        for (;;) {
          const q = s.indexOf('"', from);
          if (q < 0) break;
          if (s.charCodeAt(q + 1) === QUOTE) {
            parts += s.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          if (q + 1 >= len && !final) break; // a `""` escape may straddle the chunk boundary
          parts += s.slice(from, q);
          closed = q;
          break;
        }
        if (closed < 0) {
          if (!final) return NEED_MORE;
          // Unterminated quote at end of input: the rest of the input is this row.
          lines += countLines(s, i, len);
          this.reportRow(`unterminated quoted field in column ${col + 1}`);
          this.rowLines = lines;
          return len;
        }
        lines += countLines(s, i, closed);
        value = parts;
        valueSrc = value;
        a = 0;
        b = value.length;
        i = closed + 1;
        const next = s.charCodeAt(i);
        const crlf = next === CR && (s.charCodeAt(i + 1) === LF || (final && i + 1 === len));
        if (i < len && next !== COMMA && next !== LF && !crlf) {
          problem ??= `unexpected text after closing quote in column ${col + 1}`;
          // Resynchronise at the end of this physical line.
          const nl = s.indexOf('\n', i);
          if (nl < 0 && !final) return NEED_MORE;
          i = nl < 0 ? len : nl;
        }
      } else {
        // Unquoted field: up to the next comma or line break.
        let j = i;
        let c = 0;
        while (j < len && (c = s.charCodeAt(j)) !== COMMA && c !== LF) {
          if (c === QUOTE) problem ??= `quote inside unquoted field in column ${col + 1}`;
          j++;
        }
        if (j >= len && !final) return NEED_MORE;
        b = j > i && c === LF && s.charCodeAt(j - 1) === CR ? j - 1 : j;
        i = j;
        value = '';
      }
      if (collectHeader) {
        cells.push(valueSrc === s ? s.slice(a, b) : value);
      } else if (col < this.columnCount) {
        const slot = this.columnSlots[col];
        if (slot >= 0) slots.set(slot, valueSrc, a, b, TEXT);
      }
      col++;
      // After a field: comma → next field; line break or end → row done.
      if (i >= len) {
        this.rowLines = lines;
        this.finishQuotedRow(col, problem, cells, collectHeader);
        return len;
      }
      const c = s.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === CR) i++;
      // c is LF (or CR before LF)
      this.rowLines = lines;
      this.finishQuotedRow(col, problem, cells, collectHeader);
      return i + 1;
    }
  }

  private finishQuotedRow(col: number, problem: string | undefined, cells: string[], header: boolean): void {
    if (header) {
      this.headerCells = cells;
      return;
    }
    if (problem !== undefined) this.slots.malformed = problem;
    else if (col !== this.columnCount) this.slots.malformed = `row has ${col} fields, header has ${this.columnCount}`;
  }

  private reportRow(problem: string): void {
    this.slots.clear();
    this.slots.malformed = problem;
    this.headerCells = undefined;
  }

  private readHeader(cells: string[], sink: ResultSink): void {
    this.headerDone = true;
    if (this.slots.malformed !== undefined && cells.length === 0) {
      this.headerProblem = `header row is malformed (${this.slots.malformed})`;
    }
    const columnSlots = new Int32Array(cells.length).fill(-1);
    const owner = new Map<number, string>();
    let recognised = 0;
    for (let c = 0; c < cells.length; c++) {
      const slot = resolveField(cells[c].trim());
      if (slot < 0) continue;
      const previous = owner.get(slot);
      if (previous !== undefined) {
        const columns = `${JSON.stringify(previous)} and ${JSON.stringify(cells[c])}`;
        this.headerProblem ??= `columns ${columns} both map to ${FIELDS[slot]}`;
        continue;
      }
      owner.set(slot, cells[c]);
      columnSlots[c] = slot;
      recognised++;
    }
    if (recognised === 0) {
      this.headerProblem ??=
        'header row is missing or has no recognised column names (expected e.g. symbol,timestamp,price,size)';
    }
    this.columnSlots = columnSlots;
    this.columnCount = cells.length;
    if (this.headerProblem !== undefined) {
      sink.rejects.push({ line: this.line, reason: 'MALFORMED', message: this.headerProblem });
    }
  }

  private overflow(sink: ResultSink): void {
    sink.rejects.push({
      line: this.line,
      reason: 'MALFORMED',
      message: `row is longer than ${MAX_ROW_CHARS} characters (unterminated quote?); skipped to the next line break`,
    });
    this.line += countLines(this.carry, 0, this.carry.length);
    this.carry = '';
    this.skipping = true;
    if (!this.headerDone) {
      this.headerDone = true;
      this.headerProblem = 'header row is longer than the row limit';
    }
  }
}

function indexOr(s: string, needle: string, from: number): number {
  const i = s.indexOf(needle, from);
  return i < 0 ? NOT_FOUND : i;
}

function countLines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Cells of an unquoted row. */
function splitPlain(s: string, start: number, end: number): string[] {
  return s.slice(start, end).split(',');
}
