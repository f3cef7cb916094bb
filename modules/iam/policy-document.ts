/**
 * IAM-style policy documents (role, bucket, queue, topic, key and log resource policies) built
 * from typed statements and checked at synth time, so a grant that breaks least privilege fails
 * `cdktf synth` instead of reaching a plan.
 */
import { Lazy } from 'cdktf';

/** One `Condition` operator block, e.g. `{ Bool: { 'aws:SecureTransport': 'false' } }`. */
export type PolicyConditions = Record<string, Record<string, string | string[] | boolean>>;

/** One policy statement. Field names follow the IAM JSON grammar. */
export interface PolicyStatement {
  /** Statement id: alphanumeric, explains the grant (`ReadIncomingObjects`). */
  readonly Sid: string;
  /** Default `Allow`. */
  readonly Effect?: 'Allow' | 'Deny';
  /** Principal block for resource policies; omitted in identity policies. */
  readonly Principal?: '*' | Record<string, string | string[]>;
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: PolicyConditions;
}

/** X-Ray actions of traced functions and state machines; X-Ray has no resource-level permissions. */
export const TRACING_ACTIONS: readonly string[] = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
];

/**
 * CloudWatch Logs vended-log delivery actions (Step Functions and API Gateway logging to
 * CloudWatch Logs). AWS documents them as not supporting resource-level permissions.
 */
export const LOG_DELIVERY_ACTIONS: readonly string[] = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

/**
 * Actions IAM cannot scope to a resource: only these may use `Resource: "*"` in an Allow.
 * Each is a documented AWS limitation (service authorization reference: "Resource types: none").
 */
export const UNSCOPED_ACTIONS: ReadonlySet<string> = new Set([
  'dynamodb:ListStreams',
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcs',
  ...TRACING_ACTIONS,
  ...LOG_DELIVERY_ACTIONS,
]);

/** Thrown when a statement would grant more than least privilege allows. */
export class PolicyViolationError extends Error {
  constructor(owner: string, sid: string, problem: string) {
    super(`${owner}: statement "${sid}" ${problem}`);
    this.name = 'PolicyViolationError';
  }
}

/**
 * Rejects an Allow statement with a wildcard in any action, or with `Resource: "*"` for an
 * action that supports resource scoping. Deny statements may use wildcards (they only remove).
 * @param owner names the policy in the error (function, bucket, key ...).
 */
export function assertLeastPrivilege(
  owner: string,
  statement: PolicyStatement,
  options: PolicyDocumentOptions = {},
): void {
  if (!/^[A-Za-z0-9]+$/.test(statement.Sid))
    throw new PolicyViolationError(owner, statement.Sid, 'has a Sid that is not alphanumeric');
  if (statement.Action.length === 0) throw new PolicyViolationError(owner, statement.Sid, 'has no actions');
  if (statement.Resource.length === 0) throw new PolicyViolationError(owner, statement.Sid, 'has no resources');
  if ((statement.Effect ?? 'Allow') === 'Deny') return;
  const wildcard = statement.Action.find((a) => a.includes('*'));
  if (wildcard)
    throw new PolicyViolationError(
      owner,
      statement.Sid,
      `allows the wildcard action "${wildcard}"; list the actions the code calls`,
    );
  if (statement.Resource.includes('*') && !options.starMeansThisResource) {
    const scopable = statement.Action.find((a) => !UNSCOPED_ACTIONS.has(a));
    if (scopable)
      throw new PolicyViolationError(
        owner,
        statement.Sid,
        `allows "${scopable}" on "*" but that action supports resource scoping`,
      );
  }
}

/** Options of {@link PolicyDocument}. */
export interface PolicyDocumentOptions {
  /**
   * In a KMS key policy `Resource: "*"` means "this key" and nothing else, so it is allowed
   * for any action. Default false.
   */
  readonly starMeansThisResource?: boolean;
}

/**
 * A policy document that grows until synth: constructs add statements after creating the
 * resource that carries the policy (`toJson()` is a lazy token resolved when the stack synthesizes).
 */
export class PolicyDocument {
  private readonly statements: PolicyStatement[] = [];

  /** @param owner names this policy in error messages. */
  constructor(
    private readonly owner: string,
    private readonly options: PolicyDocumentOptions = {},
  ) {}

  /** Adds a statement after checking it (see {@link assertLeastPrivilege}); Sids must be unique. */
  add(statement: PolicyStatement): this {
    assertLeastPrivilege(this.owner, statement, this.options);
    if (this.statements.some((s) => s.Sid === statement.Sid)) {
      throw new PolicyViolationError(this.owner, statement.Sid, 'is defined twice');
    }
    this.statements.push({ Effect: 'Allow', ...statement });
    return this;
  }

  /** Statements added so far (copies). */
  get all(): readonly PolicyStatement[] {
    return [...this.statements];
  }

  /** The policy JSON as a lazy string (Terraform references inside resolve at synth). */
  toJson(): string {
    return Lazy.stringValue({ produce: () => JSON.stringify({ Version: '2012-10-17', Statement: this.statements }) });
  }
}

/** The standard resource-policy statement refusing any request not made over TLS. */
export function denyInsecureTransport(action: string, resources: string[]): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: [action],
    Resource: resources,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}
