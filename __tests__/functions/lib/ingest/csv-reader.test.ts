import { MAX_ROW_CHARS } from '../../../../functions/lib/ingest/csv-reader';
import { processText, RowProcessor, type DataPathOptions } from '../../../../functions/lib/ingest/data-path';
import type { ValidationResult } from '../../../../functions/lib/domain/types';

const OPTS: DataPathOptions = {
  format: 'csv',
  source: { kind: 's3', uri: 's3://bucket/incoming/t.csv' },
  originRegion: 'us-east-1',
  now: Date.parse('2025-01-02T15:00:00Z'),
};
const TS = '2025-01-02T14:30:00.000Z';

function pushAll(chunks: (Uint8Array | string)[]): ValidationResult {
  const processor = new RowProcessor(OPTS);
  const records = [];
  const rejects = [];
  for (const chunk of chunks) {
    const r = processor.push(chunk);
    records.push(...r.records);
    rejects.push(...r.rejects);
  }
  const r = processor.end();
  return { records: [...records, ...r.records], rejects: [...rejects, ...r.rejects], warnings: [] };
}

describe('CSV header', () => {
  it('reads columns in any order, case-insensitively, with aliases', () => {
    const text = `Qty,PX,TS,Ticker,Type\n100,187.25,${TS},AAPL,TRADE\n`;
    const [record] = processText(text, OPTS).records;
    expect(record).toMatchObject({ symbol: 'AAPL', price: '187.25', size: 100, timestamp: TS, type: 'trade' });
  });

  it('ignores unknown columns', () => {
    const { records, rejects } = processText(`symbol,notes,timestamp,price,size\nAAPL,hello,${TS},1,1\n`, OPTS);
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(1);
  });

  it('reads a quoted header', () => {
    expect(processText(`"symbol","timestamp","price","size"\nAAPL,${TS},1,1`, OPTS).records).toHaveLength(1);
  });

  it('treats an empty file and a header-only file as zero rows, not errors', () => {
    expect(processText('', OPTS)).toEqual({ records: [], rejects: [], warnings: [] });
    expect(processText('symbol,timestamp,price,size\r\n', OPTS)).toEqual({ records: [], rejects: [], warnings: [] });
  });

  it('rejects the header line and every row when the header is unusable', () => {
    const { records, rejects } = processText(`AAPL,${TS},1,1\nMSFT,${TS},2,2\n`, OPTS);
    expect(records).toEqual([]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'MALFORMED'],
      [2, 'MALFORMED'],
    ]);
  });
});

describe('RFC 4180 quoting', () => {
  it('handles commas, "" escapes and line breaks inside quotes', () => {
    const text = [
      'symbol,timestamp,price,size,trade_id,notes',
      `AAPL,${TS},1,1,"T,1","a ""quoted"" note"`,
      `MSFT,${TS},2,2,"T""2","two`,
      `line note"`,
      `IBM,${TS},3,3,T3,`,
    ].join('\n');
    const { records, rejects } = processText(text, OPTS);
    expect(rejects).toEqual([]);
    expect(records.map((r) => [r.symbol, r.tradeId, r.source.line])).toEqual([
      ['AAPL', 'T,1', 2],
      ['MSFT', 'T"2', 3],
      ['IBM', 'T3', 5],
    ]);
  });

  it('reports an unterminated quote at the line where its row starts', () => {
    const text = `symbol,timestamp,price,size\nAAPL,${TS},1,1\n"MSFT,${TS},2,2\nIBM,${TS},3,3\n`;
    const { records, rejects } = processText(text, OPTS);
    expect(records.map((r) => r.symbol)).toEqual(['AAPL']);
    expect(rejects).toEqual([{ line: 3, reason: 'MALFORMED', message: expect.stringContaining('unterminated') }]);
  });
});

describe('line endings, BOM and blank lines', () => {
  it('reads CRLF like LF', () => {
    const lf = `symbol,timestamp,price,size\nAAPL,${TS},1,1\nMSFT,${TS},2,2\n`;
    expect(processText(lf.replace(/\n/g, '\r\n'), OPTS)).toEqual(processText(lf, OPTS));
  });

  it('drops a UTF-8 BOM in bytes and in text', () => {
    const text = `symbol,timestamp,price,size\nAAPL,${TS},1,1\n`;
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    expect(pushAll([bom])).toEqual(processText(text, OPTS));
    expect(pushAll(Array.from(bom, (b) => new Uint8Array([b])))).toEqual(processText(text, OPTS));
    expect(processText(`\uFEFF${text}`, OPTS)).toEqual(processText(text, OPTS));
  });

  it('skips blank lines but counts them for line numbers', () => {
    const { records } = processText(`symbol,timestamp,price,size\n\nAAPL,${TS},1,1\n\r\n\nMSFT,${TS},2,2`, OPTS);
    expect(records.map((r) => r.source.line)).toEqual([3, 6]);
  });
});

describe('timestamp column', () => {
  it('splits a timestamp-shaped cell with a decimal comma at the comma, like any other cell', () => {
    // The timestamp scanner accepts an ISO decimal comma, so a reader that scans timestamps while
    // splitting the row must not take `…:00,000Z` as one cell.
    const { records, rejects } = processText(
      `symbol,price,size,timestamp\nAAPL,1,2,2025-01-02T14:30:00,000Z\nAAPL,1,2,${TS}`,
      OPTS,
    );
    expect(rejects).toEqual([{ line: 2, reason: 'MALFORMED', message: 'row has 5 fields, header has 4' }]);
    expect(records.map((r) => [r.timestamp, r.source.line])).toEqual([[TS, 3]]);
  });

  it('reads a canonical timestamp in the last column, followed by a comma, or with spaces', () => {
    const { records, rejects } = processText(
      `timestamp,symbol,price,size\n${TS},AAPL,1,1\n ${TS} ,AAPL,1,1\n2025-01-02T14:30:00.000+00:00,AAPL,1,1\n`,
      OPTS,
    );
    expect(rejects).toEqual([]);
    expect(records.map((r) => r.epochMs)).toEqual([Date.parse(TS), Date.parse(TS), Date.parse(TS)]);
  });

  it('reports an impossible canonical-looking timestamp as INVALID_TIMESTAMP', () => {
    const { rejects } = processText(`symbol,timestamp,price,size\nAAPL,2025-01-02T24:30:00.000Z,1,1\n`, OPTS);
    expect(rejects.map((r) => r.reason)).toEqual(['INVALID_TIMESTAMP']);
  });
});

describe('streaming', () => {
  const text = [
    'Symbol,TS,type,px,qty,bid,ask,bid_size,ask_size,exchange,trade_id,notes',
    `aapl,${TS},trade,187.25,100,,,,,xnas,T1,"multi`,
    `line ""note"""`,
    `MSFT,2025-01-02T09:30:00.5-05:00,quote,,,410.10,410.12,3,4,,,é ü`,
    `BAD,${TS},trade,-1,1,,,,,,,`,
    `"IBM",${TS},trade,"1,5",1,,,,,,,`,
    `"QQQ",1735828200000,trade,"500.125",7,,,,,,"T,9",`,
    '',
  ].join('\r\n');
  const bytes = new TextEncoder().encode(text);
  const oneShot = pushAll([bytes]);

  it('gives the expected result in one shot', () => {
    expect(oneShot.records.map((r) => r.symbol)).toEqual(['AAPL', 'MSFT', 'QQQ']);
    expect(oneShot.rejects.map((r) => [r.line, r.reason])).toEqual([
      [5, 'INVALID_PRICE'],
      [6, 'INVALID_PRICE'],
    ]);
  });

  it('gives the same result when pushed byte by byte', () => {
    expect(pushAll(Array.from(bytes, (b) => new Uint8Array([b])))).toEqual(oneShot);
  });

  it('gives the same result split into two chunks at every byte offset', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const result = pushAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect({ cut, ...result }).toEqual({ cut, ...oneShot });
    }
  });

  it('gives the same result for string chunks split at every offset', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      expect(pushAll([text.slice(0, cut), text.slice(cut)])).toEqual(oneShot);
    }
  });

  it('rejects a row longer than the limit while streaming and resumes at the next line', () => {
    const head = `symbol,timestamp,price,size\nAAPL,${TS},1,1\n`;
    const huge = `"MSFT,${'x'.repeat(MAX_ROW_CHARS)}`;
    const chunks = [head, huge.slice(0, 40000), huge.slice(40000), `\nIBM,${TS},3,3\n`];
    const { records, rejects } = pushAll(chunks);
    expect(records.map((r) => [r.symbol, r.source.line])).toEqual([
      ['AAPL', 2],
      ['IBM', 4],
    ]);
    expect(rejects).toEqual([{ line: 3, reason: 'MALFORMED', message: expect.stringContaining('longer than') }]);
  });
});
