/**
 * The shape of a row, checked before any value: no contract field holds an object or array
 * (MALFORMED), the record type is given as `trade`/`quote` (any case) or inferred from the fields
 * present (UNKNOWN_TYPE when it is neither or both), and the fields that type needs are there
 * (MISSING_FIELD).
 */
import { FIELDS, Field } from './fields';
import { RowSlots, SlotKind } from './row-slots';
import { previewValue } from './value-preview';

// Imported bindings copied once (CommonJS transpilers make each imported-binding use a getter call).
const {
  symbol: F_SYMBOL,
  timestamp: F_TIMESTAMP,
  type: F_TYPE,
  price: F_PRICE,
  size: F_SIZE,
  bid: F_BID,
  ask: F_ASK,
  bidSize: F_BID_SIZE,
  askSize: F_ASK_SIZE,
  exchange: F_EXCHANGE,
} = Field;
const FIELD_NAMES = FIELDS;
const ABSENT = SlotKind.Absent;
const TEXT = SlotKind.Text;
const NESTED = SlotKind.Nested;

/** What a row is, by its `type` or the fields present. */
export enum RecordType {
  /** A `type` other than trade or quote, or no type and both trade and quote fields. */
  Unknown = 0,
  Trade = 1,
  Quote = 2,
  /** No type and no trade or quote field to infer it from. */
  Untyped = 3,
}

const UNKNOWN = RecordType.Unknown;
const TRADE = RecordType.Trade;
const QUOTE = RecordType.Quote;
const UNTYPED = RecordType.Untyped;

const QUOTE_FIELDS = [F_BID, F_ASK, F_BID_SIZE, F_ASK_SIZE] as const;

/** Why a contract field other than `exchange` holds an object or array (MALFORMED), if one does. */
export function nestedFieldProblem(slots: RowSlots): string | undefined {
  const kind = slots.kind;
  for (let f = 0; f < FIELD_NAMES.length; f++) {
    // An unusable exchange costs the field, not the row (see readExchange).
    if (kind[f] === NESTED && f !== F_EXCHANGE)
      return `${FIELD_NAMES[f]} must be a single value, got an object or array`;
  }
  return undefined;
}

/** `trade`/`quote` (any case) at `s[a, a+5)`, compared without allocating. */
function typeAt(s: string, a: number): RecordType {
  const c0 = s.charCodeAt(a) | 0x20;
  const c1 = s.charCodeAt(a + 1) | 0x20;
  const c2 = s.charCodeAt(a + 2) | 0x20;
  const c3 = s.charCodeAt(a + 3) | 0x20;
  const c4 = s.charCodeAt(a + 4) | 0x20;
  if (c0 === 116 && c1 === 114 && c2 === 97 && c3 === 100 && c4 === 101) return TRADE;
  if (c0 === 113 && c1 === 117 && c2 === 111 && c3 === 116 && c4 === 101) return QUOTE;
  return UNKNOWN;
}

/** The record type of the row: its `type`, or inferred from the fields present. */
export function readRecordType(slots: RowSlots): RecordType {
  const kind = slots.kind;
  if (kind[F_TYPE] !== ABSENT) {
    const a = slots.start[F_TYPE];
    return kind[F_TYPE] === TEXT && slots.end[F_TYPE] - a === 5 ? typeAt(slots.src[F_TYPE], a) : UNKNOWN;
  }
  const tradeFields = kind[F_PRICE] !== ABSENT || kind[F_SIZE] !== ABSENT;
  const quoteFields =
    kind[F_BID] !== ABSENT || kind[F_ASK] !== ABSENT || kind[F_BID_SIZE] !== ABSENT || kind[F_ASK_SIZE] !== ABSENT;
  if (tradeFields && quoteFields) return UNKNOWN;
  if (!tradeFields && !quoteFields) return UNTYPED;
  return tradeFields ? TRADE : QUOTE;
}

/** The UNKNOWN_TYPE message of a row whose type is {@link RecordType.Unknown}. */
export function unknownTypeProblem(slots: RowSlots): string {
  if (slots.kind[F_TYPE] === ABSENT)
    return 'type is missing and the row has both trade (price/size) and quote (bid/ask) fields';
  return `type ${previewValue(slots.src[F_TYPE], slots.start[F_TYPE], slots.end[F_TYPE])} is not trade or quote`;
}

/** The MISSING_FIELD message when the row lacks its type or a field its type needs, else undefined. */
export function missingFieldProblem(slots: RowSlots, type: RecordType): string | undefined {
  if (type === UNTYPED) return 'missing type, and no price/size or bid/ask fields to infer it from';
  const kind = slots.kind;
  if (kind[F_SYMBOL] === ABSENT) return 'missing symbol';
  if (kind[F_TIMESTAMP] === ABSENT) return 'missing timestamp';
  if (type === TRADE) {
    if (kind[F_PRICE] === ABSENT) return 'missing price (trade)';
    if (kind[F_SIZE] === ABSENT) return 'missing size (trade)';
  } else if (
    kind[F_BID] === ABSENT ||
    kind[F_ASK] === ABSENT ||
    kind[F_BID_SIZE] === ABSENT ||
    kind[F_ASK_SIZE] === ABSENT
  ) {
    for (const f of QUOTE_FIELDS) if (kind[f] === ABSENT) return `missing ${FIELD_NAMES[f]} (quote)`;
  }
  return undefined;
}
