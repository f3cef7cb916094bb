/**
 * What makes two records "the same": the market facts of a row, not where it came from. Two
 * rows with one identity (record id) and the same content are one record delivered twice (a
 * duplicate, stored once); one identity with other content is a CONFLICTING_DUPLICATE.
 *
 * Content: type, symbol, timestamp (ms), exchange, trade id, and price + size (trades) or bid,
 * ask, bid size, ask size (quotes), all in their normalised form (canonical decimals, upper-case
 * symbol and exchange, UTC timestamp). Not content: the source (file, line, request), the
 * region, and the values derived from the content (notional, mid, minute, session).
 */
import { createHash } from 'node:crypto';
import type { MarketRecord } from './types';

/** The content of `record` as one canonical text (fields in a fixed order, absent ones empty). */
export function recordContent(record: MarketRecord): string {
  const common = [record.type, record.symbol, record.timestamp, record.exchange ?? '', record.tradeId ?? ''];
  const values =
    record.type === 'trade'
      ? [record.price, String(record.size)]
      : [record.bid, record.ask, String(record.bidSize), String(record.askSize)];
  // JSON quoting keeps a separator inside a value (free-text exchange, odd trade id) unambiguous.
  return JSON.stringify([...common, ...values]);
}

/** A short hash of {@link recordContent}: 128 bits of SHA-256, base64url (22 characters). */
export function contentHash(record: MarketRecord): string {
  return createHash('sha256').update(recordContent(record), 'utf8').digest().subarray(0, 16).toString('base64url');
}
