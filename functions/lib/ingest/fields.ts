/**
 * The fields of the data contract and the names producers use for them. CSV headers and JSON
 * keys are matched case-insensitively, ignoring `_`, `-`, spaces and surrounding whitespace, so
 * `bid_size`, `BidSize` and `bid-size` are all `bidSize`. Unknown names are ignored.
 */

/** Canonical field names, in slot order. */
export const FIELDS = [
  'symbol',
  'timestamp',
  'type',
  'price',
  'size',
  'bid',
  'ask',
  'bidSize',
  'askSize',
  'exchange',
  'tradeId',
] as const;
export type FieldName = (typeof FIELDS)[number];

/** Slot index of each field (position in {@link FIELDS}). */
export const Field = {
  symbol: 0,
  timestamp: 1,
  type: 2,
  price: 3,
  size: 4,
  bid: 5,
  ask: 6,
  bidSize: 7,
  askSize: 8,
  exchange: 9,
  tradeId: 10,
} as const satisfies Record<FieldName, number>;

export const FIELD_COUNT = FIELDS.length;

/** Accepted names per field, in normalised form (see {@link normaliseFieldName}). */
export const FIELD_ALIASES: Readonly<Record<FieldName, readonly string[]>> = {
  symbol: ['symbol', 'sym', 'ticker'],
  timestamp: ['timestamp', 'ts', 'time', 'datetime'],
  type: ['type', 'recordtype', 'eventtype'],
  price: ['price', 'px', 'tradeprice', 'last', 'lastprice'],
  size: ['size', 'qty', 'quantity', 'volume', 'tradesize'],
  bid: ['bid', 'bidprice', 'bidpx'],
  ask: ['ask', 'askprice', 'askpx', 'offer', 'offerprice'],
  bidSize: ['bidsize', 'bidqty', 'bidquantity'],
  askSize: ['asksize', 'askqty', 'askquantity', 'offersize'],
  exchange: ['exchange', 'exch', 'venue'],
  tradeId: ['tradeid', 'tid', 'execid'],
};

// A null-prototype object, so a key like `__proto__` or `constructor` can never resolve.
const ALIAS_TO_SLOT = Object.create(null) as Record<string, number>;
for (const name of FIELDS) for (const alias of FIELD_ALIASES[name]) ALIAS_TO_SLOT[alias] = Field[name];

/** Lower-cases `name` and drops `_`, `-`, spaces and tabs. */
export function normaliseFieldName(name: string): string {
  let out = '';
  const lower = name.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c !== 95 && c !== 45 && c !== 32 && c !== 9 && c !== 13) out += lower[i];
  }
  return out;
}

/** Slot index of a header/key name, or -1 when it is not a contract field. */
export function resolveField(name: string): number {
  const slot = ALIAS_TO_SLOT[normaliseFieldName(name)];
  return slot === undefined ? -1 : slot;
}
