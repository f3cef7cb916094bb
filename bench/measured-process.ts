/**
 * Runs a command as a child process and measures its wall time and memory. Peak RSS is taken
 * two ways: the largest single process of the tree (exact, from GNU time's `%M`, which is the
 * kernel's ru_maxrss of the biggest descendant) and the peak of the whole tree's summed RSS
 * (polled from /proc, so approximate), because wrappers such as `npx` and `tsx` run the real
 * work in a grandchild.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time; installed with `apt-get install time` where missing. */
export const GNU_TIME = '/usr/bin/time';
/** How often the process tree's RSS is sampled. */
const POLL_MS = 25;

/** What to run. */
export interface MeasuredCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to the parent's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Killed (and reported as failed) after this long. Default 120 s. */
  readonly timeoutMs?: number;
}

/** One measured run. */
export interface MeasuredRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly wallMs: number;
  /** Peak RSS of the largest single process in the tree, MB (MiB). */
  readonly peakRssMb: number;
  /** Peak of the summed RSS of every process in the tree, MB (MiB); sampled every 25 ms. */
  readonly treePeakRssMb: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs `cmd` to completion and measures it. Never rejects for a non-zero exit; check `exitCode`. */
export async function runMeasured(cmd: MeasuredCommand): Promise<MeasuredRun> {
  const useGnuTime = existsSync(GNU_TIME);
  const scratch = mkdtempSync(join(tmpdir(), 'bench-time-'));
  const timeFile = join(scratch, 'maxrss');
  const [command, args] = useGnuTime
    ? [GNU_TIME, ['-f', '%M', '-o', timeFile, cmd.command, ...cmd.args]]
    : [cmd.command, [...cmd.args]];

  const started = process.hrtime.bigint();
  const child = spawn(command, args, {
    cwd: cmd.cwd,
    env: { ...process.env, ...cmd.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));

  let treePeakKb = 0;
  let largestHwmKb = 0;
  const poll = setInterval(() => {
    if (child.pid === undefined) return;
    const sample = sampleTree(child.pid);
    treePeakKb = Math.max(treePeakKb, sample.rssKb);
    largestHwmKb = Math.max(largestHwmKb, sample.largestHwmKb);
  }, POLL_MS);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, cmd.timeoutMs ?? 120_000);

  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => resolve([code, sig]));
  }).finally(() => {
    clearInterval(poll);
    clearTimeout(timer);
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;

  let peakKb = largestHwmKb;
  if (useGnuTime && existsSync(timeFile)) {
    // GNU time writes "Command exited with non-zero status N" before the value on failure.
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    const maxRss = Number(lines[lines.length - 1]);
    if (Number.isFinite(maxRss)) peakKb = Math.max(peakKb, maxRss);
  }
  rmSync(scratch, { recursive: true, force: true });

  return {
    exitCode,
    signal,
    wallMs,
    peakRssMb: peakKb / 1024,
    treePeakRssMb: Math.max(treePeakKb, peakKb) / 1024,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    timedOut,
  };
}

/** Summed current RSS of `rootPid` and its descendants, and the largest VmHWM among them (kB). */
export function sampleTree(rootPid: number): { rssKb: number; largestHwmKb: number } {
  let rssKb = 0;
  let largestHwmKb = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    const status = readProc(`/proc/${pid}/status`);
    if (status === undefined) continue; // exited between the listing and the read
    rssKb += statusField(status, 'VmRSS');
    largestHwmKb = Math.max(largestHwmKb, statusField(status, 'VmHWM'));
    const children = readProc(`/proc/${pid}/task/${pid}/children`);
    if (children) pending.push(...children.trim().split(/\s+/).filter(Boolean).map(Number));
  }
  return { rssKb, largestHwmKb };
}

/** Value in kB of a `Name:   123 kB` line of /proc/<pid>/status (0 when absent, e.g. zombies). */
export function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The tail of a failing command's output, enough to see why without flooding the report. */
export function lastLines(text: string, count = 8): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
