/**
 * The project's pinned Python tools (checkov, schemathesis): each lives in its own virtualenv
 * `.venv/<name>`, created or found up to date (well under a second) by
 * `scripts/setup-python.sh <name> requirements/<name>.txt`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Project root (one level above this folder). */
export const PROJECT_ROOT = resolve(__dirname, '..');

/**
 * The path of `executable` in `.venv/<venv>`, after making sure the venv matches its requirements.
 * @throws Error from `makeError` with setup-python's message when the venv cannot be set up.
 */
export function ensurePythonTool(
  venv: string,
  executable: string,
  makeError: (detail: string) => Error,
  root = PROJECT_ROOT,
): string {
  const bin = join(root, '.venv', venv, 'bin', executable);
  const setup = spawnSync(
    'bash',
    [join(root, 'scripts', 'setup-python.sh'), venv, join(root, 'requirements', `${venv}.txt`)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (setup.status !== 0)
    throw makeError(`could not set up .venv/${venv}: ${(setup.stderr || setup.stdout || '').trim()}`);
  if (!existsSync(bin)) throw makeError(`${bin} missing after setup`);
  return bin;
}
