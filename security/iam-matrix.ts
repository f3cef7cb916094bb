/**
 * The permission matrix of a synthesized stack: who may do what on which resources, derived
 * from the Terraform JSON alone (role policies, trust policies, resource policies, key policies
 * and Lambda permissions). `npm run review` prints it; the security tests assert on it.
 */
import { parsePolicyDocument, type PolicyStatement } from './policy-document';
import {
  allResources,
  attributeText,
  describeValue,
  parseReference,
  referencesIn,
  resolveReference,
  resourcesOfType,
  type AddressedBlock,
  type SynthesizedStack,
  type TerraformJson,
} from './terraform-json';

/** Where a grant comes from. */
export type GrantKind =
  /** A policy of a role (inline, `aws_iam_role_policy`, attached customer-managed policy). */
  | 'identity'
  /** An AWS-managed policy attached to a role: its content is not in the stack. */
  | 'managed'
  /** A role's trust policy: who may assume it. */
  | 'trust'
  /** A bucket, queue, topic, bus, log or endpoint resource policy. */
  | 'resource'
  /** A KMS key policy. */
  | 'key'
  /** An `aws_lambda_permission`: a service principal may invoke a function. */
  | 'invoke';

/** One statement of one policy, flattened for review. */
export interface PermissionRow {
  readonly stack: string;
  readonly kind: GrantKind;
  /** Who is granted: `role <name> (lambda <fn>, ...)` for identity grants, the statement's principals otherwise. */
  readonly principal: string;
  /** For identity grants: the role's Terraform address. */
  readonly roleAddress?: string;
  /** The Terraform address the policy is written in. */
  readonly source: string;
  /** For resource/key policies and permissions: the resource the policy is attached to. */
  readonly target?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly sid?: string;
  /** Actions; `NotAction` entries are prefixed `NOT `. */
  readonly actions: readonly string[];
  /** Resources as written (references shortened); `NotResource` entries are prefixed `NOT `. */
  readonly resources: readonly string[];
  /** `Test variable=values`, one per condition. */
  readonly conditions: readonly string[];
  /** Actions containing `*` (including `NotAction`, which grants everything else). */
  readonly wildcardActions: readonly string[];
  /** True when a resource is exactly `*` (or the statement uses `NotResource`). */
  readonly wildcardResource: boolean;
  /** The raw resources as synthesized (unshortened), for exact comparisons. */
  readonly rawResources: readonly string[];
}

/** A role and every principal that uses it. */
export interface RoleInfo {
  readonly address: string;
  /** Literal role name (or the address when the name is computed). */
  readonly name: string;
  /** `lambda <function name>`, `states <state machine name>`, ... */
  readonly users: readonly string[];
  /** Lambda functions (addresses) whose `role` is this role. */
  readonly functions: readonly string[];
}

/** The IAM role resources of a stack with who uses each. */
export function rolesOf(json: TerraformJson): Map<string, RoleInfo> {
  const roles = new Map<string, { address: string; name: string; users: string[]; functions: string[] }>();
  for (const role of resourcesOfType(json, 'aws_iam_role')) {
    roles.set(role.address, {
      address: role.address,
      name: literal(role.body.name) ?? role.address,
      users: [],
      functions: [],
    });
  }
  for (const res of allResources(json)) {
    if (res.type.startsWith('aws_iam_')) continue;
    for (const ref of referencesIn(res.body)) {
      if (ref.mode !== 'resource' || ref.type !== 'aws_iam_role' || ref.attribute !== 'arn') continue;
      const role = roles.get(`aws_iam_role.${ref.name}`);
      if (!role) continue;
      const user = `${shortType(res.type)} ${literal(res.body.function_name) ?? literal(res.body.name) ?? res.name}`;
      if (!role.users.includes(user)) role.users.push(user);
      if (res.type === 'aws_lambda_function' && !role.functions.includes(res.address)) role.functions.push(res.address);
    }
  }
  return roles;
}

/** Every permission row of `stack`, in a stable order (kind, principal, source). */
export function buildPermissionMatrix(stack: SynthesizedStack): PermissionRow[] {
  const { json } = stack;
  const roles = rolesOf(json);
  const rows: PermissionRow[] = [];
  const roleLabel = (address: string): string => {
    const role = roles.get(address);
    if (!role) return address;
    return role.users.length > 0 ? `role ${role.name} (${role.users.join(', ')})` : `role ${role.name}`;
  };
  const addStatements = (
    kind: GrantKind,
    principal: string | undefined,
    source: string,
    policy: unknown,
    extra: { target?: string; roleAddress?: string } = {},
  ): void => {
    for (const st of parsePolicyDocument(policy, json, source)) {
      rows.push(rowOf(stack.name, json, kind, principal, source, st, extra));
    }
  };

  for (const role of resourcesOfType(json, 'aws_iam_role')) {
    addStatements('trust', undefined, role.address, role.body.assume_role_policy, {
      target: roleLabel(role.address),
      roleAddress: role.address,
    });
    for (const inline of asBlocks(role.body.inline_policy)) {
      addStatements(
        'identity',
        roleLabel(role.address),
        `${role.address}.inline_policy[${attributeText(inline.name, '')}]`,
        inline.policy,
        { roleAddress: role.address },
      );
    }
    for (const arn of asStrings(role.body.managed_policy_arns))
      addAttachment(rows, stack, roleLabel(role.address), role.address, role.address, arn, addStatements);
  }
  for (const rp of resourcesOfType(json, 'aws_iam_role_policy')) {
    const roleAddress = findRole(json, roles, rp.body.role);
    addStatements('identity', roleLabel(roleAddress), rp.address, rp.body.policy, { roleAddress });
  }
  for (const att of resourcesOfType(json, 'aws_iam_role_policy_attachment')) {
    const roleAddress = findRole(json, roles, att.body.role);
    addAttachment(rows, stack, roleLabel(roleAddress), roleAddress, att.address, att.body.policy_arn, addStatements);
  }
  for (const att of resourcesOfType(json, 'aws_iam_policy_attachment')) {
    for (const r of asStrings(att.body.roles)) {
      const roleAddress = findRole(json, roles, r);
      addAttachment(rows, stack, roleLabel(roleAddress), roleAddress, att.address, att.body.policy_arn, addStatements);
    }
  }

  for (const { type, policyKey, targetKey } of RESOURCE_POLICY_ATTRIBUTES) {
    for (const res of resourcesOfType(json, type)) {
      if (res.body[policyKey] === undefined) continue;
      const kind: GrantKind = type === 'aws_kms_key' || type === 'aws_kms_key_policy' ? 'key' : 'resource';
      const target = targetKey ? describeValue(json, attributeText(res.body[targetKey], res.address)) : res.address;
      addStatements(kind, undefined, res.address, res.body[policyKey], { target });
    }
  }

  for (const perm of resourcesOfType(json, 'aws_lambda_permission')) {
    rows.push(invokeRow(stack.name, json, perm));
  }
  return rows.sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      a.principal.localeCompare(b.principal) ||
      a.source.localeCompare(b.source),
  );
}

const KIND_ORDER: GrantKind[] = ['identity', 'managed', 'trust', 'resource', 'key', 'invoke'];

/** Resource types that carry a resource-based policy, the attribute holding it and what it protects. */
const RESOURCE_POLICY_ATTRIBUTES: ReadonlyArray<{ type: string; policyKey: string; targetKey?: string }> = [
  { type: 'aws_s3_bucket_policy', policyKey: 'policy', targetKey: 'bucket' },
  { type: 'aws_sqs_queue_policy', policyKey: 'policy', targetKey: 'queue_url' },
  { type: 'aws_sqs_queue', policyKey: 'policy', targetKey: 'name' },
  { type: 'aws_sns_topic_policy', policyKey: 'policy', targetKey: 'arn' },
  { type: 'aws_sns_topic', policyKey: 'policy', targetKey: 'name' },
  { type: 'aws_cloudwatch_event_bus_policy', policyKey: 'policy', targetKey: 'event_bus_name' },
  { type: 'aws_cloudwatch_log_resource_policy', policyKey: 'policy_document', targetKey: 'policy_name' },
  { type: 'aws_vpc_endpoint', policyKey: 'policy', targetKey: 'service_name' },
  { type: 'aws_kms_key', policyKey: 'policy', targetKey: 'description' },
  { type: 'aws_kms_replica_key', policyKey: 'policy', targetKey: 'description' },
  { type: 'aws_kms_key_policy', policyKey: 'policy', targetKey: 'key_id' },
  { type: 'aws_dynamodb_resource_policy', policyKey: 'policy', targetKey: 'resource_arn' },
];

function addAttachment(
  rows: PermissionRow[],
  stack: SynthesizedStack,
  principal: string,
  roleAddress: string,
  source: string,
  policyArn: unknown,
  addStatements: (
    kind: GrantKind,
    principal: string | undefined,
    source: string,
    policy: unknown,
    extra?: { roleAddress?: string },
  ) => void,
): void {
  const ref = parseReference(policyArn);
  const policy = ref ? resolveReference(stack.json, ref) : undefined;
  if (policy && policy.type === 'aws_iam_policy') {
    addStatements('identity', principal, policy.address, policy.body.policy, { roleAddress });
    return;
  }
  // An AWS-managed (or external) policy: its statements are not in the stack, so the row says so.
  const arn = String(policyArn);
  rows.push({
    stack: stack.name,
    kind: 'managed',
    principal,
    roleAddress,
    source,
    effect: 'Allow',
    actions: [`(managed policy ${arn})`],
    resources: ['(unknown)'],
    rawResources: [],
    conditions: [],
    wildcardActions: [`(managed policy ${arn})`],
    wildcardResource: true,
  });
}

function rowOf(
  stack: string,
  json: TerraformJson,
  kind: GrantKind,
  principal: string | undefined,
  source: string,
  st: PolicyStatement,
  extra: { target?: string; roleAddress?: string },
): PermissionRow {
  const actions = [...st.actions, ...st.notActions.map((a) => `NOT ${a}`)];
  const rawResources = [...st.resources, ...st.notResources.map((r) => `NOT ${r}`)];
  return {
    stack,
    kind,
    principal:
      principal ?? (st.principals.length > 0 ? st.principals.map((p) => describeValue(json, p)).join(', ') : '(none)'),
    roleAddress: extra.roleAddress,
    source,
    target: extra.target,
    effect: st.effect,
    sid: st.sid,
    actions,
    resources: rawResources.map((r) => describeValue(json, r)),
    rawResources,
    conditions: st.conditions.map(
      (c) => `${c.test} ${c.variable}=${c.values.map((v) => describeValue(json, v)).join('|')}`,
    ),
    wildcardActions: [...st.actions.filter((a) => a.includes('*')), ...st.notActions.map((a) => `NOT ${a}`)],
    wildcardResource: st.resources.includes('*') || st.notResources.length > 0,
  };
}

function invokeRow(stack: string, json: TerraformJson, perm: AddressedBlock): PermissionRow {
  const b = perm.body;
  const conditions: string[] = [];
  // Only an absent condition attribute is left out; a null one is shown as `null`.
  if (b.source_arn !== undefined)
    conditions.push(`ArnLike AWS:SourceArn=${describeValue(json, attributeText(b.source_arn, 'null'))}`);
  if (b.source_account !== undefined)
    conditions.push(`StringEquals AWS:SourceAccount=${describeValue(json, attributeText(b.source_account, 'null'))}`);
  const principal = attributeText(b.principal, '(none)');
  const fn = attributeText(b.function_name, '');
  const action = attributeText(b.action, '');
  return {
    stack,
    kind: 'invoke',
    principal:
      principal === '*'
        ? '*'
        : principal.includes('.amazonaws.com')
          ? `service:${principal}`
          : describeValue(json, principal),
    source: perm.address,
    target: describeValue(json, fn),
    effect: 'Allow',
    actions: [action],
    resources: [describeValue(json, fn)],
    rawResources: [fn],
    conditions,
    wildcardActions: action.includes('*') ? [action] : [],
    wildcardResource: false,
  };
}

/** The role address that a `role` attribute (name/id reference or literal name) designates. */
function findRole(json: TerraformJson, roles: Map<string, RoleInfo>, value: unknown): string {
  const ref = parseReference(value);
  if (ref && ref.type === 'aws_iam_role' && resolveReference(json, ref)) return `aws_iam_role.${ref.name}`;
  for (const role of roles.values()) if (role.name === value) return role.address;
  return String(value);
}

function literal(value: unknown): string | undefined {
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
}

function asBlocks(value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
}

function asStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `aws_lambda_function` → `lambda`, `aws_sfn_state_machine` → `states`, else the type without `aws_`. */
function shortType(type: string): string {
  const names: Record<string, string> = {
    aws_lambda_function: 'lambda',
    aws_sfn_state_machine: 'states',
    aws_cloudwatch_event_target: 'events-target',
    aws_scheduler_schedule: 'scheduler',
    aws_flow_log: 'flow-log',
    aws_api_gateway_account: 'apigateway',
    aws_apigatewayv2_integration: 'apigateway-integration',
    aws_pipes_pipe: 'pipe',
  };
  return names[type] ?? type.replace(/^aws_/, '');
}
