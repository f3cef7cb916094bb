/**
 * CPU profile of our data path, to find what limits its throughput: runs the same workload as
 * the `dataPath` section (generated rows pushed through RowProcessor in 64 KiB chunks) under the
 * V8 sampling profiler and prints the functions with the most self time.
 *
 * Usage: taskset -c 0 npx tsx bench/profile.ts [csv|ndjson] [rows] [seconds]
 */
import { Session, type Profiler } from 'node:inspector';
import { relative } from 'node:path';
import { RowProcessor } from '../functions/lib/ingest/data-path';
import { generateCsv, generateNdjson } from './data-path';

/** Bytes per push, as bench/data-path.ts pushes them (an S3 stream delivers chunks of this order). */
const CHUNK_BYTES = 64 * 1024;

/** Self time of one function over a profile. */
export interface HotFunction {
  /** `name (file)`, file relative to the project (tsx-compiled code has no useful line numbers). */
  readonly where: string;
  readonly selfMs: number;
  /** Share of all sampled time, 0-1. */
  readonly share: number;
}

/**
 * Aggregates a V8 CPU profile into self time per function (nodes of the same function at
 * different call sites are summed), largest first.
 */
export function hotFunctions(profile: Profiler.Profile, root: string, top = 15): HotFunction[] {
  const byNode = new Map<number, Profiler.ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((nodeId, i) => hits.set(nodeId, (hits.get(nodeId) ?? 0) + (deltas[i] ?? 0)));
  const total = [...hits.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  for (const [nodeId, micros] of hits) {
    const frame = byNode.get(nodeId)?.callFrame;
    if (!frame) continue;
    const file = frame.url ? relative(root, frame.url.replace(/^file:\/\//, '')) : '';
    const where = `${frame.functionName || '(anonymous)'}${file ? ` (${file})` : ''}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + micros);
  }
  return [...byFunction]
    .map(([where, micros]) => ({ where, selfMs: micros / 1000, share: total > 0 ? micros / total : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))),
  );
}

async function main(): Promise<void> {
  const format = process.argv[2] ?? 'csv';
  if (format !== 'csv' && format !== 'ndjson') throw new Error(`format must be csv or ndjson, got ${format}`);
  const rows = Number(process.argv[3] ?? 100_000);
  const seconds = Number(process.argv[4] ?? 5);
  const bytes = new TextEncoder().encode(format === 'csv' ? generateCsv(rows) : generateNdjson(rows));
  const pass = (): number => {
    const processor = new RowProcessor({
      source: { kind: 's3', uri: 's3://bench/incoming/x', versionId: 'v1' },
      originRegion: 'us-east-1',
      now: Date.parse('2030-01-01T00:00:00Z'),
      format,
    });
    let n = 0;
    for (let off = 0; off < bytes.length; off += CHUNK_BYTES)
      n += processor.push(bytes.subarray(off, off + CHUNK_BYTES)).records.length;
    return n + processor.end().records.length;
  };
  pass(); // JIT warm-up, not profiled
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
  await post(session, 'Profiler.start');
  const until = Date.now() + seconds * 1000;
  let passes = 0;
  let records = 0;
  const started = process.hrtime.bigint();
  while (Date.now() < until) {
    records += pass();
    passes++;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
  session.disconnect();
  console.log(
    `${format}: ${passes} passes of ${rows} rows, ${(records / elapsed / 1e6).toFixed(2)} M records/s while profiled`,
  );
  for (const hot of hotFunctions(profile, process.cwd())) {
    console.log(`${(hot.share * 100).toFixed(1).padStart(5)}%  ${hot.selfMs.toFixed(0).padStart(6)} ms  ${hot.where}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
