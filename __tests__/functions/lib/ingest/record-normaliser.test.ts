import type { ReasonCode } from '../../../../functions/lib/domain/types';
import { csv, HEADER, json, jsonFile, ndjson, NOW, quote, run, trade, TS, type Input } from '../../support/row-input';

const utf8 = (s: string) => new TextEncoder().encode(s);
const invalidUtf8 = new Uint8Array([
  ...utf8(`${HEADER}\n`),
  ...utf8('AA'),
  0xff,
  0xfe,
  ...utf8(`PL,${TS},trade,1,1,,,,,,\n`),
]);

/** Malformed and borderline inputs, each mapped to what must happen to its row. */
/** [case, input, outcome of the bad row, records expected from the good rows around it (default 0)] */
/** Each case: its name, the input, and what becomes of the row (a reject, accepted, or accepted with a warning). */
const TABLE: [string, Input, ReasonCode | 'accepted' | 'warned', number?][] = [
  ['unterminated quote', csv(`"AAPL,${TS},trade,1,1,,,,,,`), 'MALFORMED'],
  ['text after a closing quote', csv(`"AAPL"x,${TS},trade,1,1,,,,,,`), 'MALFORMED'],
  ['quote inside an unquoted field', csv(`AA"PL,${TS},trade,1,1,,,,,,`), 'MALFORMED'],
  ['ragged row, too few fields', csv(`AAPL,${TS},trade,1,1`), 'MALFORMED'],
  ['ragged row, too many fields', csv(`${trade('AAPL', '1', '1')},extra`), 'MALFORMED'],
  ['missing header', { format: 'csv', text: `${trade('AAPL', '1', '1')}\n${trade('MSFT', '2', '2')}` }, 'MALFORMED'],
  [
    'two columns for one field',
    { format: 'csv', text: `symbol,timestamp,price,px,size\nAAPL,${TS},1,1,1` },
    'MALFORMED',
  ],
  ['BOM before the header', { format: 'csv', text: `\uFEFF${HEADER}\n${trade('AAPL', '1', '1')}` }, 'accepted'],
  ['huge line', csv(trade('AAPL', '1', '1') + ' '.repeat(70 * 1024)), 'MALFORMED'],
  ['invalid UTF-8', { format: 'csv', bytes: invalidUtf8 }, 'MALFORMED'],
  ['NaN price', csv(trade('AAPL', 'NaN', '1')), 'INVALID_PRICE'],
  ['Infinity price', csv(trade('AAPL', 'Infinity', '1')), 'INVALID_PRICE'],
  ['negative price', csv(trade('AAPL', '-1.5', '1')), 'INVALID_PRICE'],
  ['zero price', csv(trade('AAPL', '0.00', '1')), 'INVALID_PRICE'],
  ['exponent notation', csv(trade('AAPL', '1.5e2', '1')), 'INVALID_PRICE'],
  ['1e400', csv(trade('AAPL', '1e400', '1')), 'INVALID_PRICE'],
  ['more than 8 decimals', csv(trade('AAPL', '1.123456789', '1')), 'INVALID_PRICE'],
  ['more than 18 significant digits', csv(trade('AAPL', '1234567890.123456789', '1')), 'INVALID_PRICE'],
  ['decimal comma', csv(trade('AAPL', '"1,5"', '1')), 'INVALID_PRICE'],
  ['lowercase symbol (upper-cased and accepted)', csv(trade('aapl', '1', '1')), 'accepted'],
  ['symbol starting with a digit', csv(trade('1ABC', '1', '1')), 'INVALID_SYMBOL'],
  ['symbol longer than 12', csv(trade('ABCDEFGHIJKLM', '1', '1')), 'INVALID_SYMBOL'],
  ['control character in symbol', csv(trade('AA\u0007PL', '1', '1')), 'INVALID_SYMBOL'],
  ['formula injection in symbol', csv(trade('=CMD()', '1', '1')), 'INVALID_SYMBOL'],
  ['formula injection in exchange (field dropped)', csv(`AAPL,${TS},trade,1,1,,,,,=HYPERLINK(),`), 'warned'],
  ['venue name with spaces as exchange', csv(`AAPL,${TS},trade,1,1,,,,,NYSE Arca,`), 'accepted'],
  ['control character in exchange (field dropped)', csv(`AAPL,${TS},trade,1,1,,,,,"XN\u0007AS",`), 'warned'],
  ['exchange over 64 characters (field dropped)', csv(`AAPL,${TS},trade,1,1,,,,,${'X'.repeat(65)},`), 'warned'],
  ['nested object as exchange (field dropped)', ndjson(json({ exchange: { mic: 'XNAS' } })), 'warned'],
  ['timestamp without zone', csv(trade('AAPL', '1', '1', '2025-01-02T14:30:00')), 'INVALID_TIMESTAMP'],
  ['epoch seconds', csv(trade('AAPL', '1', '1', '1735828200')), 'INVALID_TIMESTAMP'],
  ['epoch milliseconds', csv(trade('AAPL', '1', '1', '1735828200000')), 'accepted'],
  ['leap second 23:59:60', csv(trade('AAPL', '1', '1', '2024-12-31T23:59:60Z')), 'INVALID_TIMESTAMP'],
  ['February 30th', csv(trade('AAPL', '1', '1', '2024-02-30T10:00:00Z')), 'INVALID_TIMESTAMP'],
  ['10 minutes in the future', csv(trade('AAPL', '1', '1', new Date(NOW + 600000).toISOString())), 'FUTURE_TIMESTAMP'],
  ['4 minutes in the future', csv(trade('AAPL', '1', '1', new Date(NOW + 240000).toISOString())), 'accepted'],
  ['bid above ask', csv(quote('10.02', '10.01')), 'CROSSED_QUOTE'],
  ['bid equal to ask', csv(quote('10.01', '10.010')), 'accepted'],
  ['trade size 0', csv(trade('AAPL', '1', '0')), 'INVALID_SIZE'],
  ['fractional size', csv(trade('AAPL', '1', '1.5')), 'INVALID_SIZE'],
  ['negative quote size', csv(quote('1', '2', '-1')), 'INVALID_SIZE'],
  ['quote size 0', csv(quote('1', '2', '0', '0')), 'accepted'],
  ['size beyond 2^53', csv(trade('AAPL', '1', '9007199254740993')), 'INVALID_SIZE'],
  ['unknown type', csv(`AAPL,${TS},order,1,1,,,,,,`), 'UNKNOWN_TYPE'],
  ['no type, trade and quote fields', csv(`AAPL,${TS},,1,1,1,2,1,1,,`), 'UNKNOWN_TYPE'],
  ['missing symbol', csv(trade('', '1', '1')), 'MISSING_FIELD'],
  ['missing timestamp', csv(`AAPL,,trade,1,1,,,,,,`), 'MISSING_FIELD'],
  ['quote without ask', csv(`MSFT,${TS},quote,,,1,,1,1,,`), 'MISSING_FIELD'],
  ['truncated JSON line', ndjson(json({}).slice(0, 30)), 'MALFORMED'],
  ['trailing comma in an object', ndjson(json({}).replace(/}$/, ',}')), 'MALFORMED'],
  ['trailing comma in an array', jsonFile(`[${json({})},]`), 'MALFORMED', 1],
  ['truncated JSON array', jsonFile(`[${json({})},${json({}).slice(0, 20)}`), 'MALFORMED', 1],
  ['nested array as price', ndjson(json({ price: ['1'] })), 'MALFORMED'],
  ['nested object as symbol', ndjson(json({ symbol: { s: 'AAPL' } })), 'MALFORMED'],
  ['bare NaN in JSON', ndjson(json({}).replace('"10.5"', 'NaN')), 'MALFORMED'],
  ['JSON boolean price', ndjson(json({ price: true })), 'INVALID_PRICE'],
  ['JSON number symbol', ndjson(json({ symbol: 123 })), 'INVALID_SYMBOL'],
  ['price given twice via an alias', ndjson(json({ px: '10.5' })), 'MALFORMED'],
  ['JSON exponent price', ndjson(json({}).replace('"10.5"', '1e400')), 'INVALID_PRICE'],
  [
    '__proto__ key (ignored)',
    ndjson(json({}).replace('{', '{"__proto__":{"polluted":true},"constructor":1,')),
    'accepted',
  ],
];

describe('malformed and borderline rows', () => {
  it('covers at least 35 cases', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(35);
  });

  it.each(TABLE)('%s → %s', (_name, input, expected, goodRows = 0) => {
    const result = run(input);
    if (expected === 'accepted') {
      expect(result.rejects).toEqual([]);
      expect(result.records).toHaveLength(1);
    } else if (expected === 'warned') {
      // An optional field never costs a valid row: it is dropped, the row kept, a warning given.
      expect(result.rejects).toEqual([]);
      expect(result.records).toHaveLength(1);
      expect(Object.keys(result.records[0])).not.toContain('exchange');
      expect(result.warnings).toEqual([
        {
          line: result.records[0].source.line,
          field: 'exchange',
          warning: 'FIELD_DROPPED',
          message: expect.any(String),
        },
      ]);
    } else {
      expect(result.records).toHaveLength(goodRows);
      expect(result.rejects.map((r) => r.reason)).toContain(expected);
      for (const reject of result.rejects) expect(reject.message.length).toBeGreaterThan(5);
    }
  });
});

describe('field rules', () => {
  it('reports the first failing check in the documented order', () => {
    // bad symbol and bad price: the symbol is checked first
    expect(run(csv(trade('=X', 'NaN', '1'))).rejects[0].reason).toBe('INVALID_SYMBOL');
    // bad timestamp and crossed quote: the timestamp first
    expect(run(csv(`MSFT,nope,quote,,,2,1,1,1,,`)).rejects[0].reason).toBe('INVALID_TIMESTAMP');
  });

  it('makes the venue part of a trade identity: one trade id on two venues is two trades', () => {
    const [xnas, arcx, none] = run(
      csv(`AAPL,${TS},trade,1,1,,,,,XNAS,1001`, `AAPL,${TS},trade,1,1,,,,,ARCX,1001`, `AAPL,${TS},trade,1,1,,,,,,1001`),
    ).records;
    expect([xnas.recordId, arcx.recordId, none.recordId]).toEqual([
      't-AAPL-1001@XNAS',
      't-AAPL-1001@ARCX',
      't-AAPL-1001',
    ]);
    // A venue that is not a plain code is hashed into the id, never dropped from it.
    const [spaced] = run(csv(`AAPL,${TS},trade,1,1,,,,,NYSE Arca,1001`)).records;
    expect(spaced.recordId).toMatch(/^th-AAPL-[0-9a-f]{24}$/);
  });

  it('warns about a dropped exchange only for rows that are kept', () => {
    const result = run(csv(`AAPL,${TS},trade,0,1,,,,,"XN\u0007AS",`));
    expect(result.rejects.map((r) => r.reason)).toEqual(['INVALID_PRICE']);
    expect(result.warnings).toEqual([]);
  });
});
