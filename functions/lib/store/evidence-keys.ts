/**
 * Where the evidence of one object version lives: its rejects report, its archived original and
 * its quarantined copy are keyed by its file id under the object's own key, so a later upload
 * to the same key never overwrites them, and each version's lineage keeps leading to its own.
 *
 * | evidence            | bucket  | key                                           |
 * |---------------------|---------|-----------------------------------------------|
 * | rejects report      | ingest  | `rejected/<key without incoming/>/<fileId>.jsonl` |
 * | quarantined copy    | ingest  | `quarantine/<key>/<fileId><extension>`         |
 * | archived original   | archive | `originals/<key>/<fileId><extension>`          |
 * | lineage             | archive | `lineage/<fileId>.json`                        |
 */
import { ARCHIVE_PREFIX, KEY_PREFIX } from '../../../contract';

/**
 * `.csv` of `incoming/a/b.csv`: the extension of the key's last segment ('' when it has none);
 * a gzipped file keeps the type under it (`.csv.gz`).
 */
export function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return '';
  if (name.slice(dot) !== '.gz') return name.slice(dot);
  const inner = name.lastIndexOf('.', dot - 1);
  return inner > 0 ? name.slice(inner) : name.slice(dot);
}

/** `key` without the `incoming/` prefix. */
function relativeKey(key: string): string {
  return key.startsWith(KEY_PREFIX.incoming) ? key.slice(KEY_PREFIX.incoming.length) : key;
}

/** The rejects report of one version: `rejected/<key without incoming/>/<fileId>.jsonl`. */
export function rejectsKeyFor(key: string, fileId: string): string {
  return `${KEY_PREFIX.rejected}${relativeKey(key)}/${fileId}.jsonl`;
}

/** The quarantined copy of one version: `quarantine/<key>/<fileId><extension>`. */
export function quarantineKeyFor(key: string, fileId: string): string {
  return `${KEY_PREFIX.quarantine}${key}/${fileId}${extensionOf(key)}`;
}

/** The archived original of one version: `originals/<key>/<fileId><extension>`. */
export function originalArchiveKeyFor(key: string, fileId: string): string {
  return `${ARCHIVE_PREFIX.originals}${key}/${fileId}${extensionOf(key)}`;
}

/** The lineage document of one version: `lineage/<fileId>.json`. */
export function lineageKeyFor(fileId: string): string {
  return `${ARCHIVE_PREFIX.lineage}${fileId}.json`;
}
