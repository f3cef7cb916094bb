/**
 * The checked-in checkov skip list (`security/checkov-skips.json`) and the gate's verdict:
 * per-stack passed/failed/skipped counts, the failures left, and stale skips (entries that no
 * longer match any failing check, so they must be removed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, type CheckovResult } from './checkov';

/** One reviewed exception: a check that is wrong for this design on these resources. */
export interface CheckovSkip {
  /** Check id, `CKV_AWS_117` or `CKV2_AWS_62`. */
  readonly check: string;
  /** One line: why the check does not apply here. */
  readonly reason: string;
  /** Resource types the skip covers (`aws_lambda_function`). */
  readonly resourceTypes: readonly string[];
  /** Where it applies: the union of these scopes. Default: every resource of those types everywhere. */
  readonly scopes?: readonly SkipScope[];
}

/** One place a skip applies: stacks AND resources (each a list of globs, default all). */
export interface SkipScope {
  /** Stack-name globs (`regional-dev-*`); default every stack. */
  readonly stacks?: readonly string[];
  /** Resource-name globs (the part after the type, `AccessLogBucket_*`); default every resource. */
  readonly resources?: readonly string[];
}

/** Default location of the skip list. */
export const SKIP_LIST_PATH = join(PROJECT_ROOT, 'security', 'checkov-skips.json');

/** Raised when the skip list breaks its own rules (missing reason, duplicate check, bad id). */
export class InvalidSkipListError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid checkov skip list:\n- ${problems.join('\n- ')}`);
    this.name = 'InvalidSkipListError';
  }
}

/**
 * Loads and validates the skip list: one entry per check id, each with a one-line reason and at
 * least one resource type.
 * @throws InvalidSkipListError listing every problem.
 */
export function loadSkipList(path = SKIP_LIST_PATH): CheckovSkip[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { skips?: unknown };
  if (!Array.isArray(raw.skips)) throw new InvalidSkipListError([`${path}: expected {"skips": [...]}`]);
  return validateSkipList(raw.skips);
}

/** Validates parsed skip entries (see {@link loadSkipList}). */
export function validateSkipList(entries: readonly unknown[]): CheckovSkip[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const entry = (e ?? {}) as Record<string, unknown>;
    const label = typeof entry.check === 'string' ? entry.check : `entry ${i}`;
    if (typeof entry.check !== 'string' || !/^CKV2?_[A-Z0-9]+_\d+$/.test(entry.check))
      problems.push(`${label}: check must be a checkov id such as CKV_AWS_117`);
    if (typeof entry.reason !== 'string' || entry.reason.trim().length < 10)
      problems.push(`${label}: needs a reason (one line, at least 10 characters)`);
    else if (entry.reason.includes('\n')) problems.push(`${label}: reason must be one line`);
    if (
      !Array.isArray(entry.resourceTypes) ||
      entry.resourceTypes.length === 0 ||
      !entry.resourceTypes.every((t) => typeof t === 'string' && t.length > 0)
    ) {
      problems.push(`${label}: resourceTypes must list the resource types it applies to`);
    }
    const unknown = Object.keys(entry).filter((k) => !['check', 'reason', 'resourceTypes', 'scopes'].includes(k));
    if (unknown.length > 0)
      problems.push(`${label}: unknown key(s) ${unknown.join(', ')} (allowed: check, reason, resourceTypes, scopes)`);
    if (entry.scopes !== undefined) {
      if (!Array.isArray(entry.scopes) || entry.scopes.length === 0)
        problems.push(`${label}: scopes must be a non-empty list`);
      else
        entry.scopes.forEach((scope: Record<string, unknown>, j: number) => {
          const keys = Object.keys(scope ?? {});
          if (keys.length === 0 || keys.some((k) => k !== 'stacks' && k !== 'resources'))
            problems.push(`${label}: scope ${j} must have stacks and/or resources only`);
          for (const key of ['stacks', 'resources'] as const) {
            const v = scope?.[key];
            if (
              v !== undefined &&
              (!Array.isArray(v) || v.length === 0 || !v.every((g) => typeof g === 'string' && g.length > 0))
            )
              problems.push(`${label}: scope ${j} ${key} must be a non-empty list of globs`);
          }
        });
    }
    if (typeof entry.check === 'string') {
      if (seen.has(entry.check)) problems.push(`${label}: listed twice (one entry per check id)`);
      seen.add(entry.check);
    }
  });
  if (problems.length > 0) throw new InvalidSkipListError(problems);
  return entries as CheckovSkip[];
}

/** `*` matches any run of characters; everything else is literal. */
export function globMatches(glob: string, value: string): boolean {
  const pattern = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(value);
}

/** The resource name of an address (`aws_s3_bucket.Ingest_1A2B` → `Ingest_1A2B`; data sources too). */
function resourceName(result: CheckovResult): string {
  return result.resource.slice(result.resourceType.length + 1);
}

/** True when `scope` covers `result` (stack and resource globs both match). */
export function scopeCovers(scope: SkipScope, result: CheckovResult): boolean {
  if (scope.stacks && !scope.stacks.some((g) => globMatches(g, result.stack))) return false;
  if (scope.resources && !scope.resources.some((g) => globMatches(g, resourceName(result)))) return false;
  return true;
}

/** True when `skip` covers the (failed) `result`. */
export function skipCovers(skip: CheckovSkip, result: CheckovResult): boolean {
  if (skip.check !== result.checkId) return false;
  if (!skip.resourceTypes.includes(result.resourceType)) return false;
  return !skip.scopes || skip.scopes.some((scope) => scopeCovers(scope, result));
}

/** Counts of one stack after the skip list is applied. */
export interface StackSummary {
  readonly stack: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** A skip entry (or one of its resource types / stack globs) that matched no failing check. */
export interface StaleSkip {
  readonly check: string;
  readonly detail: string;
}

/** The gate's verdict. */
export interface GateVerdict {
  readonly stacks: readonly StackSummary[];
  /** Failed checks not covered by the skip list. */
  readonly failures: readonly CheckovResult[];
  /** Failed checks covered by the skip list, with the entry that covers each. */
  readonly skipped: ReadonlyArray<{ readonly result: CheckovResult; readonly skip: CheckovSkip }>;
  /**
   * Skips that matched nothing in this scan. Stale only if no configuration fails them: the
   * tests scan every variant (default, VPC on) and fail on these; the CLI only warns.
   */
  readonly staleSkips: readonly StaleSkip[];
  /** No failed check left. */
  readonly ok: boolean;
}

/**
 * Applies `skips` to un-skipped checkov `results`. A failure covered by an entry counts as
 * skipped. An entry is stale when it covers no failure at all, or when one of its resource
 * types, scopes or globs covers none (the exception is wider than what actually fails).
 * @param stackNames every scanned stack, so a stack with no results still gets a row.
 */
export function applySkipList(
  results: readonly CheckovResult[],
  skips: readonly CheckovSkip[],
  stackNames: readonly string[],
): GateVerdict {
  const failures: CheckovResult[] = [];
  const skipped: Array<{ result: CheckovResult; skip: CheckovSkip }> = [];
  const counts = new Map(stackNames.map((s) => [s, { stack: s, passed: 0, failed: 0, skipped: 0 }]));
  for (const result of results) {
    const row = counts.get(result.stack) ?? { stack: result.stack, passed: 0, failed: 0, skipped: 0 };
    counts.set(result.stack, row);
    if (result.result === 'passed') {
      row.passed++;
    } else {
      const skip = skips.find((s) => skipCovers(s, result));
      if (skip) {
        row.skipped++;
        skipped.push({ result, skip });
      } else {
        row.failed++;
        failures.push(result);
      }
    }
  }
  const staleSkips: StaleSkip[] = [];
  for (const skip of skips) {
    const covered = skipped.filter((s) => s.skip === skip).map((s) => s.result);
    if (covered.length === 0) {
      staleSkips.push({ check: skip.check, detail: 'no failing check matches this entry any more: remove it' });
      continue;
    }
    for (const type of skip.resourceTypes) {
      if (!covered.some((r) => r.resourceType === type))
        staleSkips.push({
          check: skip.check,
          detail: `resource type ${type} no longer fails: remove it from resourceTypes`,
        });
    }
    (skip.scopes ?? []).forEach((scope, j) => {
      const inScope = covered.filter((r) => scopeCovers(scope, r));
      if (inScope.length === 0)
        staleSkips.push({
          check: skip.check,
          detail: `scope ${j} ${JSON.stringify(scope)} matches no failure: remove it`,
        });
      for (const glob of scope.stacks ?? []) {
        if (!inScope.some((r) => globMatches(glob, r.stack)))
          staleSkips.push({
            check: skip.check,
            detail: `scope ${j}: stack glob ${glob} matches no failure: remove it`,
          });
      }
      for (const glob of scope.resources ?? []) {
        if (!inScope.some((r) => globMatches(glob, resourceName(r))))
          staleSkips.push({
            check: skip.check,
            detail: `scope ${j}: resource glob ${glob} matches no failure: remove it`,
          });
      }
    });
  }
  const stacks = [...counts.values()].sort((a, b) => a.stack.localeCompare(b.stack));
  return { stacks, failures, skipped, staleSkips, ok: failures.length === 0 };
}
