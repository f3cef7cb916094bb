/**
 * The least-privilege rules applied to a permission matrix (README: Security review): no Allow with a
 * wildcard action, no Allow on `*` for an action that supports resource scoping, no opaque
 * AWS-managed policy, and no public principal in an Allow of a resource policy.
 */
import type { PermissionRow } from './iam-matrix';
import { isUnscopedAction } from '../modules/iam/unscoped-actions';

/** One broken rule, with the row that breaks it. */
export interface PrivilegeViolation {
  readonly rule: 'wildcard-action' | 'wildcard-resource' | 'managed-policy' | 'public-principal';
  readonly row: PermissionRow;
  readonly detail: string;
}

/** Every violation in `rows` (Deny statements only take away, so they may use wildcards). */
export function privilegeViolations(rows: readonly PermissionRow[]): PrivilegeViolation[] {
  const violations: PrivilegeViolation[] = [];
  for (const row of rows) {
    if (row.effect !== 'Allow') continue;
    if (row.kind === 'managed') {
      violations.push({
        rule: 'managed-policy',
        row,
        detail: `${row.actions[0]}: content not reviewable from the stack`,
      });
      continue;
    }
    for (const action of row.wildcardActions)
      violations.push({ rule: 'wildcard-action', row, detail: `allows "${action}"` });
    if (row.wildcardResource) {
      // Key policies name the key itself as "*" (the policy is attached to one key), so only
      // identity policies are judged on resource wildcards; resource policies on principals.
      if (row.kind === 'identity') {
        for (const action of row.actions.filter((a) => !isUnscopedAction(a))) {
          violations.push({
            rule: 'wildcard-resource',
            row,
            detail: `allows "${action}" on "*" although it supports resource scoping`,
          });
        }
      }
    }
    if (
      (row.kind === 'resource' || row.kind === 'key' || row.kind === 'invoke') &&
      row.principal.split(', ').includes('*') &&
      row.conditions.length === 0
    ) {
      violations.push({
        rule: 'public-principal',
        row,
        detail: `allows ${row.actions.join(', ')} to any principal without a condition`,
      });
    }
  }
  return violations;
}

/** Annotation for one action in review output: `!` marks a wildcard in an Allow. */
export function markAction(row: PermissionRow, action: string): string {
  return row.effect === 'Allow' && (action.includes('*') || action.startsWith('NOT '))
    ? `${action}  [! wildcard action]`
    : action;
}

/** Annotation for one resource in review output. */
export function markResource(row: PermissionRow, resource: string): string {
  if (resource !== '*' && !resource.startsWith('NOT ')) return resource;
  if (row.effect !== 'Allow' || row.kind !== 'identity') return `${resource}  [*]`;
  return row.actions.every((a) => isUnscopedAction(a))
    ? `${resource}  [* ok: actions have no resource type]`
    : `${resource}  [! wildcard resource]`;
}
