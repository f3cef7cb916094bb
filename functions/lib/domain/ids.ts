/**
 * Deterministic record ids: the same input always yields the same id, so a re-delivered file,
 * message or request overwrites instead of duplicating (exactly-once in effect).
 *
 * - With a trade id: `t-<SYMBOL>-<tradeId>` when the trade id is 1-64 characters of
 *   `[A-Za-z0-9._:-]`; otherwise `th-<SYMBOL>-<sha256(tradeId) first 24 hex>` (odd or over-long
 *   ids are hashed rather than rejected, and the `th-` prefix keeps both forms from colliding).
 *   Independent of the line, so the same trade in two files is one record.
 * - CSV and NDJSON files: `f-<sha256(uri + content tag) first 16 hex>-<line>`; the hash is
 *   computed once per file. The content tag is the object's ETag (falling back to its version id),
 *   so the same bytes uploaded again as a new version get the same ids and add no items, while a
 *   changed file under the same key gets new ids (its rows never overwrite another version's).
 *   JSON files (arrays, `{"records"}`): `f-<hash>-e<element>`, the 0-based position of the
 *   value, since one line may hold many records.
 * - API requests: `a-<sha256(request id) first 16 hex>-<index>`.
 *
 * Ids stay within 80 characters (symbols are at most 12).
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

/** Record id of a row with a trade id (`symbol` already upper-cased and valid). */
export function tradeRecordId(symbol: string, tradeId: string): string {
  return isVerbatimTradeId(tradeId, 0, tradeId.length)
    ? `t-${symbol}-${tradeId}`
    : `th-${symbol}-${sha256Hex(tradeId).slice(0, 24)}`;
}
