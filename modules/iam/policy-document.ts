/**
 * IAM-style policy documents (role, trust, bucket, queue, topic, key and log resource policies)
 * built from typed statements and checked at synth time, so a grant that breaks least privilege
 * fails `cdktf synth` instead of reaching a plan. Every policy of the app is built here.
 */
import { lazyJsonAttribute } from '../json-attribute';
import { isUnscopedAction } from './unscoped-actions';

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
  /** Required, except in a trust policy, which has none (the role is the resource). */
  readonly Resource?: string[];
  readonly Condition?: PolicyConditions;
}

/** Thrown when a statement would grant more than least privilege allows. */
export class PolicyViolationError extends Error {
  constructor(owner: string, sid: string, problem: string) {
    super(`${owner}: statement "${sid}" ${problem}`);
    this.name = 'PolicyViolationError';
  }
}

/**
 * Rejects an Allow statement with a wildcard in any action, with `Resource: "*"` for an action
 * that supports resource scoping, or open to any principal without a condition. Deny statements
 * may use wildcards (they only remove). A trust policy may only let a service assume the role.
 * @param owner names the policy in the error (function, bucket, key ...).
 */
export function assertLeastPrivilege(
  owner: string,
  statement: PolicyStatement,
  options: PolicyDocumentOptions = {},
): void {
  const fail = (problem: string): never => {
    throw new PolicyViolationError(owner, statement.Sid, problem);
  };
  if (!/^[A-Za-z0-9]+$/.test(statement.Sid)) fail('has a Sid that is not alphanumeric');
  if (statement.Action.length === 0) fail('has no actions');
  if (options.trust) return assertServiceTrust(statement, fail);
  if (!statement.Resource || statement.Resource.length === 0) fail('has no resources');
  if ((statement.Effect ?? 'Allow') === 'Deny') return;
  const wildcard = statement.Action.find((a) => a.includes('*'));
  if (wildcard) fail(`allows the wildcard action "${wildcard}"; list the actions the code calls`);
  if (statement.Resource?.includes('*') && !options.starMeansThisResource) {
    const scopable = statement.Action.find((a) => !isUnscopedAction(a));
    if (scopable) fail(`allows "${scopable}" on "*" but that action supports resource scoping`);
  }
  const principal = statement.Principal;
  const anyone = principal === '*' || (typeof principal === 'object' && [principal.AWS].flat().includes('*'));
  if (anyone && !statement.Condition) fail('allows any principal ("*") without a condition');
}

/** A trust statement: Allow `sts:AssumeRole` to AWS service principals, no resources. */
function assertServiceTrust(statement: PolicyStatement, fail: (problem: string) => never): void {
  if ((statement.Effect ?? 'Allow') !== 'Allow') fail('is a Deny in a trust policy');
  if (statement.Resource) fail('names resources in a trust policy (the role is the resource)');
  if (statement.Action.some((a) => a !== 'sts:AssumeRole')) fail('allows more than sts:AssumeRole in a trust policy');
  const principal = statement.Principal;
  const services = typeof principal === 'object' ? Object.keys(principal) : [];
  if (services.length !== 1 || services[0] !== 'Service') fail('trusts a principal other than an AWS service');
}

/** Options of {@link PolicyDocument}. */
export interface PolicyDocumentOptions {
  /**
   * In a KMS key policy `Resource: "*"` means "this key" and nothing else, so it is allowed
   * for any action. Default false.
   */
  readonly starMeansThisResource?: boolean;
  /** A role's trust policy (`assume_role_policy`): see {@link serviceTrustPolicy}. Default false. */
  readonly trust?: boolean;
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

  /**
   * The policy as a lazy `jsonencode(...)` expression: statements added later are included, and
   * Terraform references stay expressions (valid in both the JSON and the HCL synth).
   */
  toJson(): string {
    return lazyJsonAttribute(() => ({ Version: '2012-10-17', Statement: this.statements }));
  }
}

/**
 * The trust policy of a role assumed by `service` (e.g. `lambda.amazonaws.com`), optionally only
 * under `condition` (confused-deputy guards such as `aws:SourceArn`).
 */
export function serviceTrustPolicy(owner: string, service: string, condition?: PolicyConditions): string {
  return new PolicyDocument(`trust policy of ${owner}`, { trust: true })
    .add({
      Sid: 'ServiceAssumesRole',
      Principal: { Service: service },
      Action: ['sts:AssumeRole'],
      Condition: condition,
    })
    .toJson();
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
