/**
 * What the two JSON readers share, held by each of them: the object parser, the reused row slots,
 * the invalid-UTF-8 check and handing the row to the normaliser.
 */
import { FlatObjectParser } from './flat-object-parser';
import type { RecordNormaliser } from './record-normaliser';
import type { ResultSink } from './result-sink';
import { RowSlots } from './row-slots';

const NOT_FOUND = 0x7fffffff;

/** Turns the text of one JSON object into a record or a reject. One per reader. */
export class JsonObjectEmitter {
  private readonly slots = new RowSlots();
  private readonly parser = new FlatObjectParser();
  /** Position of the next U+FFFD in the current text: -1 not searched yet, NOT_FOUND when none. */
  private nextBad = -1;

  constructor(private readonly normaliser: RecordNormaliser) {}

  /** Forgets the cached U+FFFD position: the objects that follow are in a new text. */
  newText(): void {
    this.nextBad = -1;
  }

  /**
   * Parses the object in `s[from, to)` that starts on `line` and emits a record or reject;
   * `element` is its position among the file's JSON values (-1 for NDJSON, where lines are unique).
   */
  emit(s: string, from: number, to: number, line: number, sink: ResultSink, element = -1): void {
    const slots = this.slots;
    this.parser.parse(s, from, to, slots);
    if (this.hasReplacementChar(s, from, to)) slots.malformed = 'invalid UTF-8';
    this.normaliser.normalise(slots, line, sink, element);
  }

  /** True when `s[from, to)` contains U+FFFD (how invalid UTF-8 arrives after decoding). */
  private hasReplacementChar(s: string, from: number, to: number): boolean {
    if (this.nextBad < from && this.nextBad !== NOT_FOUND) {
      const at = s.indexOf('\uFFFD', from);
      this.nextBad = at < 0 ? NOT_FOUND : at;
    }
    return this.nextBad < to;
  }
}
