/**
 * DynamoDB's documented item-size and write-unit rules, written out independently of the
 * pipeline's own `itemSizeBytes` so the benchmark checks the store path rather than trusting it.
 *
 * - Item size = Σ over attributes of (UTF-8 bytes of the name + size of the value).
 * - S: UTF-8 bytes. B: raw bytes. N: 1 byte per two significant digits (leading and trailing
 *   zeros trimmed), rounded up, + 1. BOOL, NULL: 1. SS/BS/NS: sum of the elements.
 *   L and M: 3 bytes + 1 byte per element + the elements (and, in a map, the element names).
 * - Write units: ceil(size / 1 KB) per item write (at least 1); twice that in a transaction.
 * - Read units: ceil(size / 4 KB) per item read or Query page (at least 1) when strongly
 *   consistent, half that when eventually consistent.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** One item as low-level attribute values. */
export type Item = Record<string, AttributeValue>;

/** Bytes one write unit covers. */
export const WRITE_UNIT_BYTES = 1024;
/** Bytes one (strongly consistent) read unit covers. */
export const READ_UNIT_BYTES = 4096;

/** Size in bytes DynamoDB bills for `item`. */
export function itemBytes(item: Item): number {
  let bytes = 0;
  for (const name of Object.keys(item)) bytes += utf8Bytes(name) + valueBytes(item[name]);
  return bytes;
}

/**
 * Size of one attribute value.
 * @throws TypeError for a value that sets no known type (the SDK would reject it too).
 */
export function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, v) => sum + utf8Bytes(v), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, v) => sum + numberBytes(v), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, v) => sum + v.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueBytes(v), 0);
  if (value.M !== undefined) {
    const map = value.M;
    return 3 + Object.keys(map).reduce((sum, k) => sum + 1 + utf8Bytes(k) + valueBytes(map[k]), 0);
  }
  throw new TypeError(`not a DynamoDB attribute value: ${JSON.stringify(value)}`);
}

/**
 * Size of a number given as DynamoDB's decimal string: significant digits only, so `1200`,
 * `0.0012` and `12` all cost 2 bytes.
 * @throws TypeError when `text` is not a decimal number.
 */
export function numberBytes(text: string): number {
  const match = /^[-+]?(\d*)(?:\.(\d*))?(?:[eE][-+]?\d+)?$/.exec(text.trim());
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) throw new TypeError(`not a DynamoDB number: "${text}"`);
  const significant = `${match[1]}${match[2] ?? ''}`.replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(significant.length, 1) / 2) + 1;
}

/** Write units of writing an item of `bytes` (a write always costs at least one unit). */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
}

/**
 * Read units of reading `bytes` in one request (an item, or a Query page): ceil(bytes / 4 KB),
 * at least one; half that for an eventually consistent read.
 */
export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  return consistent ? units : units / 2;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
