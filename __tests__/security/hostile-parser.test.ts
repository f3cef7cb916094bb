/**
 * Hostile-input corpus for the file parser (functions/lib/ingest/data-path.ts): every case ends in
 * records plus per-row rejects with the right codes, never a throw or a lost valid row; small
 * inputs give the same result whole and split into 7-byte chunks; and a large streamed file
 * keeps the parser's memory bounded.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { processStream, processText, RowProcessor } from '../../functions/lib/ingest/data-path';
import { REASON_CODES, type InputFormat, type ValidationResult } from '../../functions/lib/domain/types';

const NOW = Date.parse('2024-03-01T15:00:00Z');
const TS = '2024-03-01T14:30:00Z';
const options = (format: InputFormat) => ({
  format,
  source: { kind: 's3' as const, uri: 's3://ingest/incoming/hostile' },
  originRegion: 'us-east-1',
  now: NOW,
});
const HEADER = 'symbol,timestamp,price,size,tradeId,exchange\n';
/** A valid CSV row whose tradeId marks it as a survivor. */
const ok = (id: string): string => `AAPL,${TS},187.25,100,${id},XNAS\n`;
const okJson = (id: string): string =>
  JSON.stringify({ symbol: 'AAPL', timestamp: TS, price: '187.25', size: 100, tradeId: id });
const csvRow = (symbol: string, tradeId = '', price = '1', size = '1', exchange = ''): string =>
  `${symbol},${TS},${price},${size},${tradeId},${exchange}\n`;

interface ParserCase {
  readonly name: string;
  readonly format: InputFormat;
  readonly input: string | Buffer;
  /** Expected rejects as [line, reason]; `'*'` as line accepts any. */
  readonly rejects: ReadonlyArray<readonly [number | '*', string]>;
  /** tradeIds of the records that must come out (exactly these). */
  readonly survivors: readonly string[];
  /** Expected warnings as [line, warning] (rows kept without an optional field). Default none. */
  readonly warnings?: ReadonlyArray<readonly [number, string]>;
  /** Feed as a stream of this many bytes per chunk (large inputs); default: whole + 7-byte chunks. */
  readonly chunkBytes?: number;
}

const gzippedCsv = gzipSync(HEADER + ok('Z1') + ok('Z2'));
const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));

const CASES: readonly ParserCase[] = [
  // Spreadsheet formula injection: symbols are rejected, tradeIds are opaque and kept verbatim.
  {
    name: 'formula injection in symbols (= + - @)',
    format: 'csv',
    input: HEADER + csvRow('=CMD()') + csvRow('+SUM(1)') + csvRow('-2+3') + csvRow('@SUM(A1)') + ok('V1'),
    rejects: [
      [2, 'INVALID_SYMBOL'],
      [3, 'INVALID_SYMBOL'],
      [4, 'INVALID_SYMBOL'],
      [5, 'INVALID_SYMBOL'],
    ],
    survivors: ['V1'],
  },
  {
    name: 'formula injection in a quoted tradeId is stored verbatim',
    format: 'csv',
    input: `${HEADER}AAPL,${TS},1,1,"=HYPERLINK(""http://x"",""y"")",\n${ok('V1')}`,
    rejects: [],
    survivors: ['=HYPERLINK("http://x","y")', 'V1'],
  },
  {
    // The row is kept; the exchange (never a formula) is dropped with a warning, never stored.
    name: 'formula injection in exchange',
    format: 'csv',
    input: HEADER + csvRow('AAPL', 'X1', '1', '1', '=1+2') + csvRow('AAPL', 'X2', '1', '1', '@SUM(A1)') + ok('V1'),
    rejects: [],
    survivors: ['X1', 'X2', 'V1'],
    warnings: [
      [2, 'FIELD_DROPPED'],
      [3, 'FIELD_DROPPED'],
    ],
  },
  {
    name: 'control characters and an over-long value in exchange cost the field, not the row',
    format: 'csv',
    input:
      HEADER +
      csvRow('AAPL', 'X1', '1', '1', '"XN\u0000AS"') +
      csvRow('AAPL', 'X2', '1', '1', 'E'.repeat(10_000)) +
      ok('V1'),
    rejects: [],
    survivors: ['X1', 'X2', 'V1'],
    warnings: [
      [2, 'FIELD_DROPPED'],
      [3, 'FIELD_DROPPED'],
    ],
  },
  {
    name: 'formula injection in JSON fields',
    format: 'ndjson',
    input:
      `{"symbol":"=CMD()","timestamp":"${TS}","price":"1","size":1}\n` +
      `{"symbol":"AAPL","timestamp":"${TS}","price":"1","size":1,"tradeId":"@A1"}\n`,
    rejects: [[1, 'INVALID_SYMBOL']],
    survivors: ['@A1'],
  },
  // Control characters, null bytes, CRLF injection.
  {
    name: 'control characters in symbols',
    format: 'csv',
    input: HEADER + csvRow('AA\u0007PL') + csvRow('AAPL\u001b[0m') + ok('V1'),
    rejects: [
      [2, 'INVALID_SYMBOL'],
      [3, 'INVALID_SYMBOL'],
    ],
    survivors: ['V1'],
  },
  {
    name: 'null bytes in symbol and tradeId',
    format: 'csv',
    input: HEADER + csvRow('AAPL\u0000') + csvRow('AAPL', 'x\u0000y') + ok('V1'),
    rejects: [
      [2, 'INVALID_SYMBOL'],
      [3, 'MALFORMED'],
    ],
    survivors: ['V1'],
  },
  {
    name: 'CRLF injection inside a quoted field keeps line numbers right',
    format: 'csv',
    input: `${HEADER}AAPL,${TS},1,1,"a\r\nSet-Cookie: x",\n${csvRow('=X')}${ok('V1')}`,
    rejects: [
      [2, 'MALFORMED'],
      [4, 'INVALID_SYMBOL'],
    ],
    survivors: ['V1'],
  },
  {
    name: 'bare CR line endings',
    format: 'csv',
    input: `${HEADER}AAPL,${TS},1,1,R1,\rAAPL,${TS},1,1,R2,\n${ok('V1')}`,
    rejects: [[2, 'MALFORMED']],
    survivors: ['V1'],
  },
  // Encoding attacks.
  {
    name: 'invalid UTF-8 in a CSV row',
    format: 'csv',
    input: Buffer.concat([
      Buffer.from(HEADER),
      Buffer.from([0x41, 0xff, 0xfe]),
      Buffer.from(`,${TS},1,1,,\n${ok('V1')}`),
    ]),
    rejects: [[2, 'MALFORMED']],
    survivors: ['V1'],
  },
  {
    name: 'overlong UTF-8 in NDJSON',
    format: 'ndjson',
    input: Buffer.concat([
      Buffer.from('{"symbol":"A'),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from(`","timestamp":"${TS}","price":"1","size":1}\n${okJson('V1')}\n`),
    ]),
    rejects: [[1, 'MALFORMED']],
    survivors: ['V1'],
  },
  {
    name: 'UTF-16 encoded file',
    format: 'csv',
    input: Buffer.from(`\ufeff${HEADER}${ok('U1')}`, 'utf16le'),
    rejects: [['*', 'MALFORMED']],
    survivors: [],
  },
  {
    name: 'UTF-8 BOM and CRLF line endings are accepted',
    format: 'csv',
    input: `\ufeff${HEADER.replace('\n', '\r\n')}${ok('V1').replace('\n', '\r\n')}`,
    rejects: [],
    survivors: ['V1'],
  },
  {
    name: 'unicode homoglyph symbols (Cyrillic, Greek, fullwidth, Turkish dotless i)',
    format: 'csv',
    input:
      HEADER +
      csvRow('\u0410APL') +
      csvRow('\u0391APL') +
      csvRow('\uff21\uff21\uff30\uff2c') +
      csvRow('\u0131BM') +
      ok('V1'),
    rejects: [
      [2, 'INVALID_SYMBOL'],
      [3, 'INVALID_SYMBOL'],
      [4, 'INVALID_SYMBOL'],
      [5, 'INVALID_SYMBOL'],
    ],
    survivors: ['V1'],
  },
  {
    // The parser caches accepted symbols and exchanges; look-alikes that land in the same cache
    // slot (same length, first, middle and last character) must still be validated.
    name: 'look-alikes of an already accepted symbol and exchange',
    format: 'csv',
    input:
      HEADER +
      ok('V1') +
      csvRow('A\u0000PL', 'L1', '1', '1', 'XNAS') +
      csvRow('A\u0410PL', 'L2') +
      csvRow('AAPL', 'L3', '1', '1', 'X\u0000AS') +
      ok('V2'),
    rejects: [
      [3, 'INVALID_SYMBOL'],
      [4, 'INVALID_SYMBOL'],
    ],
    // The exchange look-alike is dropped (with a warning), not taken for XNAS.
    survivors: ['V1', 'L3', 'V2'],
    warnings: [[5, 'FIELD_DROPPED']],
  },
  {
    // The JSON reader guesses each key from the previous object's layout; look-alike keys must
    // not be taken for the field they resemble.
    name: 'look-alike JSON keys after a normal object',
    format: 'ndjson',
    input:
      `${okJson('V1')}\n` +
      `{"symbo1":"AAPL","timestamp":"${TS}","price":"1","size":1}\n` +
      `{"symbol\\u0000":"AAPL","timestamp":"${TS}","price":"1","size":1}\n` +
      `{"symbol":"AAPL","timestamp":"${TS}","prices":"1","size":1}\n` +
      `${okJson('V2')}\n`,
    rejects: [
      [2, 'MISSING_FIELD'],
      [3, 'MISSING_FIELD'],
      [4, 'MISSING_FIELD'],
    ],
    survivors: ['V1', 'V2'],
  },
  {
    name: 'lone surrogate escape in JSON',
    format: 'json',
    input: `[{"symbol":"A\\ud800","timestamp":"${TS}","price":"1","size":1},${okJson('V1')}]`,
    rejects: [[1, 'INVALID_SYMBOL']],
    survivors: ['V1'],
  },
  // Sizes.
  {
    name: '10 MB single CSV line (streamed)',
    format: 'csv',
    input: `${HEADER}AAPL,${TS},1,1,${'x'.repeat(10 * 1024 * 1024)},\n${ok('V1')}`,
    rejects: [[2, 'MALFORMED']],
    survivors: ['V1'],
    chunkBytes: 64 * 1024,
  },
  {
    name: '10 MB single NDJSON line (streamed)',
    format: 'ndjson',
    input: `{"symbol":"AAPL","timestamp":"${TS}","junk":"${'x'.repeat(10 * 1024 * 1024)}"}\n${okJson('V1')}\n`,
    rejects: [[1, 'MALFORMED']],
    survivors: ['V1'],
    chunkBytes: 64 * 1024,
  },
  {
    name: '10 MB single line without any line break (streamed)',
    format: 'csv',
    input: `${HEADER}${'A,'.repeat(5 * 1024 * 1024)}`,
    rejects: [[2, 'MALFORMED']],
    survivors: [],
    chunkBytes: 64 * 1024,
  },
  {
    name: 'header with a million columns (streamed)',
    format: 'csv',
    input: `${Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',')}\n${ok('H1')}${ok('H2')}`,
    rejects: [
      [1, 'MALFORMED'],
      [2, 'MALFORMED'],
      [3, 'MALFORMED'],
    ],
    survivors: [],
    chunkBytes: 256 * 1024,
  },
  {
    name: '60 KB symbol',
    format: 'csv',
    input: HEADER + csvRow('A'.repeat(60_000)) + ok('V1'),
    rejects: [[2, 'INVALID_SYMBOL']],
    survivors: ['V1'],
  },
  {
    name: 'tradeId over 128 characters',
    format: 'csv',
    input: HEADER + csvRow('AAPL', 'T'.repeat(129)) + ok('V1'),
    rejects: [[2, 'MALFORMED']],
    survivors: ['V1'],
  },
  // Structure attacks.
  {
    name: 'ragged rows (too many and too few fields)',
    format: 'csv',
    input: `${HEADER}AAPL,${TS},1,1,,,extra\nAAPL,${TS}\n${ok('V1')}`,
    rejects: [
      [2, 'MALFORMED'],
      [3, 'MALFORMED'],
    ],
    survivors: ['V1'],
  },
  {
    name: 'quote inside an unquoted field',
    format: 'csv',
    input: `${HEADER}AA"PL,${TS},1,1,,\n${ok('V1')}`,
    rejects: [[2, 'MALFORMED']],
    survivors: ['V1'],
  },
  {
    name: 'unterminated quote at end of file',
    format: 'csv',
    input: `${HEADER}${ok('V1')}AAPL,${TS},1,1,"never closed`,
    rejects: [[3, 'MALFORMED']],
    survivors: ['V1'],
  },
  {
    name: 'duplicate header columns',
    format: 'csv',
    input: `symbol,symbol,timestamp,price,size\nAAPL,MSFT,${TS},1,1\n`,
    rejects: [
      [1, 'MALFORMED'],
      [2, 'MALFORMED'],
    ],
    survivors: [],
  },
  {
    name: '__proto__ and constructor as CSV columns',
    format: 'csv',
    input: `__proto__,constructor,prototype,${HEADER}x,y,z,${ok('V1')}`,
    rejects: [],
    survivors: ['V1'],
  },
  {
    name: '__proto__ and constructor.prototype keys in JSON',
    format: 'json',
    input:
      `[{"__proto__":{"polluted":"yes","symbol":"EVIL"},` +
      `"symbol":"MSFT","timestamp":"${TS}","price":"1","size":1,"tradeId":"P1"},` +
      `{"constructor":{"prototype":{"polluted":"yes"}},` +
      `"symbol":"MSFT","timestamp":"${TS}","price":"1","size":1,"tradeId":"P2"}]`,
    rejects: [],
    survivors: ['P1', 'P2'],
  },
  {
    name: 'duplicate keys in a JSON object',
    format: 'json',
    input: `[{"symbol":"AAPL","symbol":"MSFT","timestamp":"${TS}","price":"1","size":1},${okJson('V1')}]`,
    rejects: [[1, 'MALFORMED']],
    survivors: ['V1'],
  },
  {
    name: 'deeply nested arrays in a JSON file',
    format: 'json',
    input: `[${'['.repeat(100_000)}${']'.repeat(100_000)},${okJson('V1')}]`,
    rejects: [[1, 'MALFORMED']],
    survivors: ['V1'],
  },
  {
    name: 'deeply nested value in an NDJSON field',
    format: 'ndjson',
    input:
      `{"symbol":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)},` +
      `"timestamp":"${TS}","price":"1","size":1}\n${okJson('V1')}\n`,
    rejects: [[1, 'MALFORMED']],
    survivors: ['V1'],
  },
  { name: 'JSON number at top level', format: 'json', input: '42', rejects: [[1, 'MALFORMED']], survivors: [] },
  {
    name: 'JSON string at top level',
    format: 'json',
    input: '"symbol,timestamp"',
    rejects: [[1, 'MALFORMED']],
    survivors: [],
  },
  {
    name: 'JSON null and booleans as elements',
    format: 'json',
    input: `[null,true,false,${okJson('V1')}]`,
    rejects: [
      [1, 'MALFORMED'],
      [1, 'MALFORMED'],
      [1, 'MALFORMED'],
    ],
    survivors: ['V1'],
  },
  {
    name: 'truncated JSON array keeps the complete elements',
    format: 'json',
    input: `[${okJson('V1')},${okJson('V2')},{"symbol":"AAPL","timest`,
    rejects: [[1, 'MALFORMED']],
    survivors: ['V1', 'V2'],
  },
  // Numbers.
  {
    name: 'huge numbers',
    format: 'csv',
    input:
      HEADER +
      csvRow('AAPL', '', '1e400') +
      csvRow('AAPL', '', `1${'0'.repeat(400)}`) +
      csvRow('AAPL', '', '1', '9'.repeat(30)) +
      ok('V1'),
    rejects: [
      [2, 'INVALID_PRICE'],
      [3, 'INVALID_PRICE'],
      [4, 'INVALID_SIZE'],
    ],
    survivors: ['V1'],
  },
  {
    name: 'negative zero',
    format: 'csv',
    input: HEADER + csvRow('AAPL', '', '-0') + csvRow('AAPL', '', '1', '-0') + csvRow('AAPL', '', '-0.000') + ok('V1'),
    rejects: [
      [2, 'INVALID_PRICE'],
      [3, 'INVALID_SIZE'],
      [4, 'INVALID_PRICE'],
    ],
    survivors: ['V1'],
  },
  {
    name: 'NaN, Infinity and hex prices',
    format: 'csv',
    input: HEADER + csvRow('AAPL', '', 'NaN') + csvRow('AAPL', '', 'Infinity') + csvRow('AAPL', '', '0x10') + ok('V1'),
    rejects: [
      [2, 'INVALID_PRICE'],
      [3, 'INVALID_PRICE'],
      [4, 'INVALID_PRICE'],
    ],
    survivors: ['V1'],
  },
  {
    name: 'hostile timestamps',
    format: 'csv',
    input:
      `${HEADER}AAPL,2024-13-45T99:99:99Z,1,1,,\n` +
      `AAPL,99999999999999999999,1,1,,\n` +
      `AAPL,2024-03-01T14:30:00,1,1,,\n` +
      `AAPL,9999-12-31T23:59:59Z,1,1,,\n${ok('V1')}`,
    rejects: [
      [2, 'INVALID_TIMESTAMP'],
      [3, 'INVALID_TIMESTAMP'],
      [4, 'INVALID_TIMESTAMP'],
      [5, 'FUTURE_TIMESTAMP'],
    ],
    survivors: ['V1'],
  },
  // Compressed and binary input: never inflated, so a bomb is just a small garbage file.
  {
    name: 'gzip-compressed CSV is not inflated',
    format: 'csv',
    input: gzippedCsv,
    rejects: [['*', 'MALFORMED']],
    survivors: [],
  },
  {
    name: 'gzip bomb (64 MB of zeros, 64 KB compressed)',
    format: 'csv',
    input: bomb,
    rejects: [['*', 'MALFORMED']],
    survivors: [],
  },
  {
    name: 'base64 garbage',
    format: 'csv',
    input: `${Buffer.from(HEADER + ok('B1')).toString('base64')}\n`,
    rejects: [[1, 'MALFORMED']],
    survivors: [],
  },
  // Empty inputs complete with nothing.
  { name: 'empty file', format: 'csv', input: '', rejects: [], survivors: [] },
  { name: 'header only', format: 'csv', input: HEADER, rejects: [], survivors: [] },
  { name: 'blank lines only', format: 'ndjson', input: '\n\n\r\n  \n', rejects: [], survivors: [] },
];

/** Feeds `input` to a processor in `size`-byte chunks. */
function chunked(input: string | Buffer, format: InputFormat, size: number): ValidationResult {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const processor = new RowProcessor(options(format));
  const out: ValidationResult = { records: [], rejects: [], warnings: [] };
  const add = (r: ValidationResult): void => {
    out.records.push(...r.records);
    out.rejects.push(...r.rejects);
    out.warnings.push(...r.warnings);
  };
  for (let i = 0; i < bytes.length; i += size) add(processor.push(bytes.subarray(i, i + size)));
  add(processor.end());
  return out;
}

describe('file parser under hostile input', () => {
  it(`has a corpus of at least 40 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const result = c.chunkBytes
      ? chunked(c.input, c.format, c.chunkBytes)
      : typeof c.input === 'string'
        ? processText(c.input, options(c.format))
        : chunked(c.input, c.format, c.input.length || 1);

    expect(result.records.map((r) => r.tradeId).sort()).toEqual([...c.survivors].sort());
    const rejects = result.rejects.map((r) => [r.line, r.reason] as const);
    if (c.rejects.length === 1 && c.rejects[0][0] === '*') {
      expect(rejects.length).toBeGreaterThan(0);
      for (const [, reason] of rejects) expect(reason).toBe(c.rejects[0][1]);
    } else {
      expect(rejects.map(([line, reason], i) => [c.rejects[i]?.[0] === '*' ? '*' : line, reason])).toEqual(c.rejects);
    }
    for (const r of result.rejects) {
      expect(REASON_CODES).toContain(r.reason);
      // Messages quote at most a short excerpt: a hostile value is never reflected whole.
      expect(r.message.length).toBeLessThan(300);
    }
    // Record ids stay plain: `@` only separates a trade id from its venue.
    for (const record of result.records) expect(record.recordId).toMatch(/^[A-Za-z0-9._#:@-]{1,200}$/);
    expect(result.warnings.map((w) => [w.line, w.warning])).toEqual(c.warnings ?? []);
    for (const w of result.warnings) {
      expect(w.message.length).toBeLessThan(300);
      const kept = result.records.find((r) => r.source.line === w.line);
      expect(kept && 'exchange' in kept).toBe(false);
    }

    // Chunk boundaries (inside quotes, escapes and UTF-8 sequences) change nothing.
    if (!c.chunkBytes && Buffer.byteLength(c.input) < 32 * 1024) {
      const split = chunked(c.input, c.format, 7);
      expect(split.records.map((r) => r.recordId)).toEqual(result.records.map((r) => r.recordId));
      expect(split.rejects.map((r) => [r.line, r.reason])).toEqual(result.rejects.map((r) => [r.line, r.reason]));
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('streams a 20 MB file through processStream with every row accounted for', async () => {
    const rows = 200_000;
    function* parts(): Generator<Uint8Array> {
      yield Buffer.from(HEADER);
      for (let i = 0; i < rows; i += 1000) {
        let text = '';
        for (let j = i; j < i + 1000; j++) text += j % 100 === 99 ? csvRow('=EVIL', `E${j}`) : ok(`R${j}`);
        yield Buffer.from(text);
      }
    }
    let records = 0;
    let rejects = 0;
    // A Node stream over the generator, as an S3 body is.
    const source = (): AsyncIterable<Uint8Array> => Readable.from(parts());
    for await (const r of processStream(source(), options('csv'))) {
      records += r.records.length;
      rejects += r.rejects.length;
      expect(r.rejects.every((x) => x.reason === 'INVALID_SYMBOL')).toBe(true);
    }
    expect({ records, rejects }).toEqual({ records: rows - rows / 100, rejects: rows / 100 });
  });
});

describe('parser memory on a large streamed file', () => {
  // Bounds while 200 MB stream through: peak heap growth <= 96 MB, peak RSS growth <= 160 MB,
  // heap retained after a full GC <= 16 MB. Holding the input would need over 400 MB (UTF-16
  // strings); holding its records several GB.
  const MB = 200;
  it(`keeps peak memory bounded for a ${MB} MB CSV streamed in 64 KB chunks`, () => {
    const root = join(__dirname, '..', '..');
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(root, 'bench', 'parser-memory.ts'), '--mb', String(MB), '--json'],
      { cwd: root, encoding: 'utf8', timeout: 170_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as {
      bytes: number;
      rows: number;
      records: number;
      rejects: number;
      expectedRejects: number;
      heapGrowthMb: number;
      rssGrowthMb: number;
      retainedHeapMb: number | null;
    };
    expect(report.bytes).toBeGreaterThanOrEqual(MB * 1024 * 1024);
    expect(report.records + report.rejects).toBe(report.rows);
    expect(report.rejects).toBe(report.expectedRejects);
    expect(report.heapGrowthMb).toBeLessThanOrEqual(96);
    expect(report.rssGrowthMb).toBeLessThanOrEqual(160);
    expect(report.retainedHeapMb).not.toBeNull();
    expect(report.retainedHeapMb!).toBeLessThanOrEqual(16);
  }, 180_000);
});
