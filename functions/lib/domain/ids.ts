/**
 * Deterministic record ids: the same input always yields the same id, so a re-delivered file,
 * message or request finds its record again instead of duplicating it (exactly-once in effect).
 *
 * - With a trade id, the id is the trade's identity: symbol + venue (the normalised `exchange`,
 *   when given) + trade id. `t-<SYMBOL>-<tradeId>` without a venue, `t-<SYMBOL>-<tradeId>@<VENUE>`
 *   with one, when the trade id is 1-64 characters of `[A-Za-z0-9._:-]` and the venue 1-16 of
 *   `[A-Z0-9._-]`; otherwise `th-<SYMBOL>-<sha256(tradeId[ NUL venue]) first 24 hex>` (odd or
 *   over-long values are hashed rather than rejected; `@` never occurs in a verbatim trade id and
 *   the `th-` prefix keeps hashed and verbatim forms apart). Independent of the line, so the same
 *   trade in two files is one record, and trade 1001 on XNAS is not trade 1001 on ARCX.
 * - CSV and NDJSON files: `f-<sha256(uri + content tag) first 16 hex>-<line>`; the hash is
 *   computed once per file. The content tag is the object's ETag (falling back to its version id),
 *   so the same bytes uploaded again as a new version get the same ids, while a changed file under
 *   the same key gets new ids. JSON files (arrays, `{"records"}`): `f-<hash>-e<element>`, the
 *   0-based position of the value, since one line may hold many records.
 * - API requests: `a-<sha256(request uri) first 16 hex>-<index>`, where the request uri names the
 *   caller and the request's Idempotency-Key (see {@link apiRequestIdentity}): the same request
 *   retried gives its records the same ids.
 *
 * Ids stay within 100 characters (symbols are at most 12).
 */
import { createHash } from 'node:crypto';

/** Longest trade id used verbatim in a record id. */
export const TRADE_ID_MAX_VERBATIM = 64;

/** What identifies the origin of a batch of rows (a file version or an API request). */
export interface SourceIdentity {
  readonly kind: 's3' | 'api';
  readonly uri: string;
  readonly versionId?: string;
  /** Identity of the object's bytes (S3 ETag); preferred over `versionId` for ids. */
  readonly contentTag?: string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Id prefix shared by every line-based record of one source (`f-…` or `a-…`); compute once per source. */
export function sourceIdPrefix(source: SourceIdentity): string {
  const basis = source.kind === 's3' ? `${source.uri}\n${source.contentTag ?? source.versionId ?? ''}` : source.uri;
  return `${source.kind === 's3' ? 'f' : 'a'}-${sha256Hex(basis).slice(0, 16)}`;
}

/** Record id of a row without a trade id: source prefix + line (or index). */
export function lineRecordId(prefix: string, line: number): string {
  return `${prefix}-${line}`;
}

/** Record id of a JSON-file record without a trade id: source prefix + `e` + element position. */
export function elementRecordId(prefix: string, element: number): string {
  return `${prefix}-e${element}`;
}

/** True when `src[start, end)` can be used verbatim in a record id. */
export function isVerbatimTradeId(src: string, start: number, end: number): boolean {
  const len = end - start;
  if (len < 1 || len > TRADE_ID_MAX_VERBATIM) return false;
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 58) /* 0-9 : */ ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 45 ||
      c === 46 ||
      c === 95;
    if (!ok) return false;
  }
  return true;
}

/** Longest venue used verbatim in a record id. */
export const VENUE_MAX_VERBATIM = 16;

/** True when the (normalised, upper-case) venue can be used verbatim in a record id. */
export function isVerbatimVenue(venue: string): boolean {
  return venue.length >= 1 && venue.length <= VENUE_MAX_VERBATIM && /^[A-Z0-9._-]+$/.test(venue);
}

/**
 * Record id of a row with a trade id: the trade's identity (`symbol` already upper-cased and
 * valid, `venue` the normalised exchange when the row has one).
 */
export function tradeRecordId(symbol: string, tradeId: string, venue?: string): string {
  if (isVerbatimTradeId(tradeId, 0, tradeId.length) && (venue === undefined || isVerbatimVenue(venue)))
    return venue === undefined ? `t-${symbol}-${tradeId}` : `t-${symbol}-${tradeId}@${venue}`;
  const basis = venue === undefined ? tradeId : `${tradeId}\u0000${venue}`;
  return `th-${symbol}-${sha256Hex(basis).slice(0, 24)}`;
}

/** An API request as the records it carries know it: its caller and its Idempotency-Key. */
export interface ApiRequestIdentity {
  /** First 16 hex of SHA-256 of the caller (the caller itself is never stored). */
  readonly callerHash: string;
  /** The caller's Idempotency-Key, or the one the API assigned. */
  readonly idempotencyKey: string;
  /** `api://<callerHash>/<idempotencyKey>`: the records' source uri and the base of their ids. */
  readonly uri: string;
  /** The run the request's records belong to: `api-<first 16 hex of SHA-256 of uri>`. */
  readonly runId: string;
}

const API_URI = /^api:\/\/([0-9a-f]{16})\/(.+)$/;

/** The identity of the request `idempotencyKey` of `caller`. */
export function apiRequestIdentity(caller: string, idempotencyKey: string): ApiRequestIdentity {
  const callerHash = sha256Hex(caller).slice(0, 16);
  const uri = `api://${callerHash}/${idempotencyKey}`;
  return { callerHash, idempotencyKey, uri, runId: `api-${sha256Hex(uri).slice(0, 16)}` };
}

/** The request identity of an API record's source uri, or undefined when it is not one. */
export function apiRequestOf(uri: string): ApiRequestIdentity | undefined {
  const match = API_URI.exec(uri);
  if (!match) return undefined;
  return { callerHash: match[1], idempotencyKey: match[2], uri, runId: `api-${sha256Hex(uri).slice(0, 16)}` };
}
