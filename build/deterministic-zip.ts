/**
 * A minimal ZIP writer whose output depends only on the file names and contents: entries
 * sorted by name, a fixed timestamp (1980-01-01 00:00, the ZIP epoch), fixed permissions, no
 * extra fields. Same bundle → same zip bytes → same Lambda code hash, so plans show no churn.
 *
 * Why not cdktf's ARCHIVE assets: they zip the folder again in every stack, each time in a
 * child `node` process (~130 ms each, 40 per synth), and the zip carries file mtimes.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** One file to put in the archive. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated, no leading slash. */
  readonly name: string;
  readonly data: Buffer;
}

/** DOS date of 1980-01-01 (year offset 0, month 1, day 1); DOS time 00:00:00 is 0. */
const DOS_DATE = (1 << 5) | 1;
const DOS_TIME = 0;
/** Deflate. */
const METHOD_DEFLATE = 8;
/** "Made by" Unix (3) spec 2.0 so the external attributes below are read as mode bits. */
const VERSION_MADE_BY = (3 << 8) | 20;
const VERSION_NEEDED = 20;
/** -rw-r--r-- regular file, in the high 16 bits of the external attributes. */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;
/** General-purpose flag bit 11: names are UTF-8. */
const FLAG_UTF8 = 1 << 11;

/** Options of {@link createZip}. */
export interface ZipOptions {
  /** Deflate level, 0-9. Default 9 (smallest). The output is deterministic at every level. */
  readonly level?: number;
}

/** Builds the archive in memory (bundles are hundreds of KB, not GB). */
export function createZip(entries: readonly ZipEntry[], options: ZipOptions = {}): Buffer {
  const level = options.level ?? 9;
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const seen = new Set<string>();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of sorted) {
    if (seen.has(entry.name)) throw new Error(`Duplicate zip entry ${entry.name}`);
    if (entry.name.startsWith('/') || entry.name.includes('\\') || entry.name.split('/').includes('..')) {
      throw new Error(`Zip entry names must be relative '/'-separated paths: ${entry.name}`);
    }
    seen.add(entry.name);
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level });
    const crc = crc32(entry.data) >>> 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(METHOD_DEFLATE, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(METHOD_DEFLATE, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number start, internal attributes: all 0
    central.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}
