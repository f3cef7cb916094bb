/** Which local files a run ingests. */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hasIngestSuffix } from '../contract';

/** A path named on the command line does not exist. */
export class InputNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`input ${path} does not exist`);
    this.name = 'InputNotFoundError';
  }
}

/**
 * Expands `paths` into files: a file is taken as named (even with a suffix the bucket does not
 * notify on, so a user can see it ignored); a folder contributes its files, recursively, whose
 * names end in an ingest suffix, in name order.
 */
export function resolveInputFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (hasIngestSuffix(name)) files.push(full);
    }
  };
  for (const path of paths) {
    const full = resolve(path);
    let stats;
    try {
      stats = statSync(full);
    } catch {
      throw new InputNotFoundError(path);
    }
    if (stats.isDirectory()) walk(full);
    else files.push(full);
  }
  return files;
}
