/**
 * Plain-text rendering of the permission matrix and of the checkov gate verdict, for terminals
 * and CI logs (no colours, fixed-width columns, one line per action/resource).
 */
import type { PermissionRow } from './iam-matrix';
import { markAction, markResource, privilegeViolations } from './least-privilege';
import type { GateVerdict } from './skip-list';

/** Renders rows as a fixed-width table; cells may hold several lines. */
export function renderTable(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | readonly string[]>>,
): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'string' ? [c] : c.length > 0 ? [...c] : [''])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.flatMap((r) => r[i].map((l) => l.length))));
  const line = (parts: readonly string[]): string =>
    parts
      .map((p, i) => p.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(headers), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of cells) {
    const height = Math.max(...row.map((c) => c.length));
    for (let i = 0; i < height; i++) out.push(line(row.map((c) => c[i] ?? '')));
  }
  return out.join('\n');
}

/** One stack's matrix: a block per principal, then a table of effect → actions → resources. */
export function formatMatrix(stack: string, rows: readonly PermissionRow[]): string {
  const out = [`== ${stack}: ${rows.length} statements ==`];
  const byPrincipal = new Map<string, PermissionRow[]>();
  for (const row of rows) {
    const anyone = row.principal.split(', ').includes('*') ? '  [* any principal]' : '';
    const kind = row.kind === 'identity' || row.kind === 'managed' ? '' : `[${row.kind}] `;
    const key = `${kind}${row.principal}${row.target ? ` -> ${row.target}` : ''}${anyone}`;
    byPrincipal.set(key, [...(byPrincipal.get(key) ?? []), row]);
  }
  for (const [principal, group] of byPrincipal) {
    out.push('', principal);
    out.push(
      renderTable(
        ['EFFECT', 'SID', 'ACTIONS', 'RESOURCES', 'CONDITIONS'],
        group.map((r) => [
          r.effect,
          r.sid ?? '',
          r.actions.map((a) => markAction(r, a)),
          r.resources.map((x) => markResource(r, x)),
          [...r.conditions],
        ]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  const violations = privilegeViolations(rows);
  out.push(
    '',
    violations.length === 0 ? 'least privilege: no violations' : `least privilege: ${violations.length} VIOLATIONS`,
  );
  for (const v of violations)
    out.push(`  ! ${v.rule}: ${v.row.principal} (${v.row.source}${v.row.sid ? ` ${v.row.sid}` : ''}): ${v.detail}`);
  return out.join('\n');
}

/** The gate summary: counts per stack, then failures, stale skips and the skips applied. */
export function formatVerdict(verdict: GateVerdict): string {
  const out = [
    renderTable(
      ['STACK', 'PASSED', 'FAILED', 'SKIPPED'],
      verdict.stacks.map((s) => [s.stack, String(s.passed), String(s.failed), String(s.skipped)]),
    ),
  ];
  const total = verdict.stacks.reduce((t, s) => ({ p: t.p + s.passed, f: t.f + s.failed, k: t.k + s.skipped }), {
    p: 0,
    f: 0,
    k: 0,
  });
  out.push(`total: ${total.p} passed, ${total.f} failed, ${total.k} skipped`);
  if (verdict.failures.length > 0) {
    out.push('', 'FAILED CHECKS');
    for (const f of verdict.failures) out.push(`  ${f.stack}  ${f.checkId}  ${f.resource}  ${f.checkName}`);
  }
  if (verdict.staleSkips.length > 0) {
    out.push(
      '',
      'SKIPS THAT MATCHED NOTHING IN THIS SCAN ' +
        '(stale unless another configuration needs them; the tests scan every variant)',
    );
    for (const s of verdict.staleSkips) out.push(`  ${s.check}: ${s.detail}`);
  }
  const applied = new Map<string, { reason: string; count: number }>();
  for (const { skip } of verdict.skipped)
    applied.set(skip.check, { reason: skip.reason, count: (applied.get(skip.check)?.count ?? 0) + 1 });
  if (applied.size > 0) {
    out.push('', 'SKIPS APPLIED');
    for (const [check, { reason, count }] of applied) out.push(`  ${check} x${count}: ${reason}`);
  }
  out.push('', verdict.ok ? 'checkov gate: PASS' : 'checkov gate: FAIL');
  return out.join('\n');
}
