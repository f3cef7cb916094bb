/**
 * Child-process entry of the `dataPath` section: runs `measureDataPath` (bench/data-path.ts)
 * and prints its result as one JSON line on stdout. The parent starts it pinned to one core
 * with `taskset`, so "rows/s on one core" is what it says.
 *
 * Usage: tsx bench/data-path-child.ts [--rows N] [--runs N]
 */
import { parseArgs } from 'node:util';

/** Options `measureDataPath` accepts. */
interface DataPathOptions {
  rows?: number;
  runs?: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string' }, runs: { type: 'string' } } });
  const opts: DataPathOptions = {};
  if (values.rows) opts.rows = Number(values.rows);
  if (values.runs) opts.runs = Number(values.runs);
  // Resolved at run time, so the harness type-checks and reports a clear error while the data
  // path's benchmark module has not landed; the parent validates the shape it returns.
  const modulePath = './data-path';
  let mod: { measureDataPath?: unknown };
  try {
    mod = (await import(modulePath)) as { measureDataPath?: unknown };
  } catch (error) {
    throw new Error(`cannot load bench/data-path.ts: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  if (typeof mod.measureDataPath !== 'function')
    throw new Error('bench/data-path.ts does not export measureDataPath()');
  const result: unknown = await (mod.measureDataPath as (o: DataPathOptions) => unknown)(opts);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
