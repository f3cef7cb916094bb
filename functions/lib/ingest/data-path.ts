/**
 * The data path: bytes or objects in, normalised and enriched `MarketRecord`s plus `Reject`s
 * out. Parse → validate → normalise → enrich in one pass, streaming with bounded memory (only the
 * current unfinished row or JSON element is kept between chunks).
 *
 * Data problems never throw: they become rejects and the rest of the input is still read.
 * Only programmer errors throw ({@link DataPathUsageError}).
 *
 * @example
 * const processor = new RowProcessor({ format: 'csv', source: { kind: 's3', uri: 's3://b/k.csv' }, originRegion: 'us-east-1' });
 * for await (const chunk of body) handle(processor.push(chunk));
 * handle(processor.end());
 */
import { StringDecoder } from 'node:string_decoder';
import { CsvReader } from './csv-reader';
import { DataPathUsageError } from '../domain/errors';
import { resolveField } from './fields';
import { JsonReader } from './json-reader';
import { NdjsonReader } from './ndjson-reader';
import { RecordNormaliser } from './record-normaliser';
import { newResultSink, type ResultSink } from './result-sink';
import { RowSlots, SlotKind } from './row-slots';
import type { InputFormat, MarketRecord, Reject, ValidationResult, ValidationWarning } from '../domain/types';

/** Options of one run of the data path. */
export interface DataPathOptions {
  /** Input format (see {@link detectFormat}). */
  format: InputFormat;
  /**
   * Where the rows come from: `s3://bucket/key` (+ version, + ETag as `contentTag`) for files, the
   * request id for the API. Ids of rows without a trade id derive from uri + contentTag.
   */
  source: { kind: 's3' | 'api'; uri: string; versionId?: string; contentTag?: string };
  /** Region accepting the records; stamped on each as `originRegion`. */
  originRegion: string;
  /** "Now" for FUTURE_TIMESTAMP, epoch ms. Default `Date.now()` at construction. */
  now?: number;
}

const FORMATS: readonly InputFormat[] = ['csv', 'json', 'ndjson'];

/**
 * Input format of an object key (a trailing `.gz` is ignored: it says how the bytes are packed):
 * `.csv` → csv, `.ndjson`/`.jsonl` → ndjson, `.json` → json, or ndjson when `head` (the first
 * bytes, as text) is a one-object-per-line stream: its first line is a complete `{...}` and
 * another line starts with `{`. `undefined` means unsupported.
 */
export function detectFormat(key: string, head?: string): InputFormat | undefined {
  const lower = key.toLowerCase().replace(/\.gz$/, '');
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (!lower.endsWith('.json')) return undefined;
  if (head === undefined) return 'json';
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length >= 2 && lines[0].startsWith('{') && lines[0].endsWith('}') && lines[1].startsWith('{'))
    return 'ndjson';
  return 'json';
}

interface Reader {
  feed(text: string, sink: ResultSink): void;
  finish(sink: ResultSink): void;
}

function checkOptions(opts: Omit<DataPathOptions, 'format'>): void {
  if (opts === null || typeof opts !== 'object') throw new DataPathUsageError('data path options are required');
  const { source, originRegion, now } = opts;
  if (
    !source ||
    (source.kind !== 's3' && source.kind !== 'api') ||
    typeof source.uri !== 'string' ||
    source.uri === ''
  ) {
    throw new DataPathUsageError("options.source needs kind 's3' or 'api' and a non-empty uri");
  }
  if (typeof originRegion !== 'string' || originRegion === '')
    throw new DataPathUsageError('options.originRegion is required');
  if (now !== undefined && !Number.isFinite(now))
    throw new DataPathUsageError('options.now must be epoch milliseconds');
}

function normaliserFor(opts: Omit<DataPathOptions, 'format'>): RecordNormaliser {
  return new RecordNormaliser({ source: opts.source, originRegion: opts.originRegion, now: opts.now ?? Date.now() });
}

/**
 * Streaming processor: push chunks as they arrive, get the rows each chunk completed; `end()`
 * returns the rest. Chunks may split rows, quoted fields and UTF-8 sequences anywhere. Push either
 * bytes or strings, not a mix.
 */
export class RowProcessor {
  private readonly reader: Reader;
  // Node's StringDecoder: same streaming semantics as TextDecoder (split sequences carried over,
  // invalid bytes become U+FFFD) at a fraction of the cost per chunk; it does not drop a BOM.
  private readonly decoder = new StringDecoder('utf8');
  private started = false;
  private ended = false;

  constructor(opts: DataPathOptions) {
    checkOptions(opts);
    if (!FORMATS.includes(opts.format))
      throw new DataPathUsageError(`unsupported format ${JSON.stringify(opts.format)}`);
    const normaliser = normaliserFor(opts);
    this.reader =
      opts.format === 'csv'
        ? new CsvReader(normaliser)
        : opts.format === 'ndjson'
          ? new NdjsonReader(normaliser)
          : new JsonReader(normaliser);
  }

  /** Processes `chunk`; returns the records and rejects of the rows it completed. */
  push(chunk: Uint8Array | string): ValidationResult {
    if (this.ended) throw new DataPathUsageError('push() after end()');
    let text =
      typeof chunk === 'string'
        ? chunk
        : this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (!this.started && text.length > 0) {
      // A UTF-8 byte order mark at the very start is not data.
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const sink = newResultSink();
    if (text.length > 0) this.reader.feed(text, sink);
    return sink;
  }

  /** Finishes the input; returns the records and rejects of what was left. */
  end(): ValidationResult {
    if (this.ended) throw new DataPathUsageError('end() called twice');
    this.ended = true;
    const sink = newResultSink();
    const rest = this.decoder.end();
    if (rest.length > 0) this.reader.feed(!this.started && rest.charCodeAt(0) === 0xfeff ? rest.slice(1) : rest, sink);
    this.reader.finish(sink);
    return sink;
  }
}

/** Runs a byte stream through a {@link RowProcessor}, yielding each non-empty partial result. */
export async function* processStream(
  stream: AsyncIterable<Uint8Array>,
  opts: DataPathOptions,
): AsyncGenerator<ValidationResult> {
  const processor = new RowProcessor(opts);
  for await (const chunk of stream) {
    const result = processor.push(chunk);
    if (result.records.length > 0 || result.rejects.length > 0) yield result;
  }
  const last = processor.end();
  if (last.records.length > 0 || last.rejects.length > 0) yield last;
}

/** Processes a whole text at once. */
export function processText(text: string, opts: DataPathOptions): ValidationResult {
  const processor = new RowProcessor(opts);
  const first = processor.push(text);
  const rest = processor.end();
  return concatResults(first, rest);
}

function concatResults(a: ValidationResult, b: ValidationResult): ValidationResult {
  const records: MarketRecord[] = a.records;
  const rejects: Reject[] = a.rejects;
  const warnings: ValidationWarning[] = a.warnings;
  for (const r of b.records) records.push(r);
  for (const r of b.rejects) rejects.push(r);
  for (const w of b.warnings) warnings.push(w);
  return { records, rejects, warnings };
}

/**
 * Validates already-parsed objects (the HTTP API's request body). A reject's `line` is the
 * 0-based index; record ids come from the request id (`source.uri`) and the index. Numbers are
 * read through `String(n)` (the shortest round-trip form), so send prices as strings when more
 * than 15 significant digits matter.
 */
export function validateObjects(objects: unknown[], opts: Omit<DataPathOptions, 'format'>): ValidationResult {
  if (!Array.isArray(objects)) throw new DataPathUsageError('validateObjects expects an array');
  checkOptions(opts);
  const normaliser = normaliserFor(opts);
  const slots = new RowSlots();
  const sink = newResultSink();
  for (let index = 0; index < objects.length; index++) {
    const object = objects[index];
    slots.clear();
    if (object === null || typeof object !== 'object' || Array.isArray(object)) {
      slots.malformed = 'not a JSON object';
    } else {
      // Own enumerable keys only: inherited or `__proto__` keys never resolve to a field.
      for (const key of Object.keys(object)) {
        const slot = resolveField(key);
        if (slot < 0) continue;
        const value = (object as Record<string, unknown>)[key];
        let ok = true;
        if (typeof value === 'string') ok = slots.set(slot, value, 0, value.length, SlotKind.Text);
        else if (typeof value === 'number' || typeof value === 'bigint') {
          const text = String(value);
          ok = slots.set(slot, text, 0, text.length, SlotKind.Number);
        } else if (typeof value === 'boolean') ok = slots.set(slot, '', 0, 0, SlotKind.Boolean);
        else if (value !== null && value !== undefined) ok = slots.set(slot, '', 0, 0, SlotKind.Nested);
        if (!ok) {
          slots.malformed = `duplicate field ${key}`;
          break;
        }
      }
    }
    normaliser.normalise(slots, index, sink);
  }
  return sink;
}
