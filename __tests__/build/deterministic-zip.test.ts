import { crc32, inflateRawSync } from 'node:zlib';
import { createZip } from '../../build/deterministic-zip';

/** Reads the central directory back: name, DOS date/time, mode bits and the inflated data. */
function readZip(zip: Buffer): { name: string; date: number; time: number; mode: number; data: Buffer }[] {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(at + 28);
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const compressedSize = zip.readUInt32LE(at + 20);
    const localNameLength = zip.readUInt16LE(localOffset + 26);
    const dataStart = localOffset + 30 + localNameLength;
    const data = inflateRawSync(zip.subarray(dataStart, dataStart + compressedSize));
    expect(crc32(data) >>> 0).toBe(zip.readUInt32LE(at + 16));
    expect(data.length).toBe(zip.readUInt32LE(at + 24));
    entries.push({
      name,
      time: zip.readUInt16LE(at + 12),
      date: zip.readUInt16LE(at + 14),
      mode: zip.readUInt32LE(at + 38) >>> 16,
      data,
    });
    at += 46 + nameLength;
  }
  return entries;
}

describe('createZip', () => {
  const js = Buffer.from('exports.handler = async () => "ok";\n'.repeat(50));
  const map = Buffer.from('{"version":3,"sources":["../../../functions/x/index.ts"]}');

  it('round-trips every file with a valid CRC', () => {
    const entries = readZip(
      createZip([
        { name: 'index.js', data: js },
        { name: 'index.js.map', data: map },
      ]),
    );
    expect(entries.map((e) => e.name)).toEqual(['index.js', 'index.js.map']);
    expect(entries[0].data.equals(js)).toBe(true);
    expect(entries[1].data.equals(map)).toBe(true);
  });

  it('gives the same bytes whatever the input order (no timestamps, sorted entries)', () => {
    const a = createZip([
      { name: 'index.js', data: js },
      { name: 'index.js.map', data: map },
    ]);
    const b = createZip([
      { name: 'index.js.map', data: map },
      { name: 'index.js', data: js },
    ]);
    expect(a.equals(b)).toBe(true);
    for (const entry of readZip(a)) {
      expect(entry.date).toBe(33); // 1980-01-01
      expect(entry.time).toBe(0);
      expect(entry.mode).toBe(0o100644);
    }
  });

  it('changes when a byte of content changes', () => {
    const a = createZip([{ name: 'index.js', data: js }]);
    const b = createZip([{ name: 'index.js', data: Buffer.concat([js, Buffer.from(' ')]) }]);
    expect(a.equals(b)).toBe(false);
  });

  it('honours a lower deflate level: same content back, same bytes on every run', () => {
    const text = Buffer.from(Array.from({ length: 2000 }, (_, i) => `const v${i} = ${(i * 7919) % 1000};`).join('\n'));
    const fast = createZip([{ name: 'index.js', data: text }], { level: 1 });
    expect(readZip(fast)[0].data.equals(text)).toBe(true);
    expect(createZip([{ name: 'index.js', data: text }], { level: 1 }).equals(fast)).toBe(true);
    // Level 1 trades size for speed, so the default (9) gives a different, smaller archive.
    expect(createZip([{ name: 'index.js', data: text }]).length).toBeLessThan(fast.length);
  });

  it('refuses absolute, parent-relative and duplicate names', () => {
    expect(() => createZip([{ name: '/etc/passwd', data: js }])).toThrow(/relative/);
    expect(() => createZip([{ name: '../x.js', data: js }])).toThrow(/relative/);
    expect(() =>
      createZip([
        { name: 'a.js', data: js },
        { name: 'a.js', data: js },
      ]),
    ).toThrow(/Duplicate/);
  });
});
