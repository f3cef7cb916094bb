/**
 * IAM policy documents as they appear in synthesized Terraform JSON, normalised into one shape:
 * a JSON string (`JSON.stringify` with `${...}` tokens inside), a reference to an
 * `aws_iam_policy_document` data source, or a `${jsonencode({...})}` expression.
 */
import { HclExpressionError, decodeJsonAttribute } from './hcl-expression';
import { parseReference, resolveReference, type Block, type TerraformJson } from './terraform-json';

/** One condition operator/key pair: `Bool aws:SecureTransport = [false]`. */
export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

/** A statement with every list-or-scalar field normalised to a list. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** `*`, `service:lambda.amazonaws.com`, `aws:arn:...`, `federated:...`; empty for identity policies. */
  readonly principals: readonly string[];
  readonly conditions: readonly PolicyCondition[];
}

/** Raised when a policy attribute cannot be read; the review refuses to guess. */
export class UnreadablePolicyError extends Error {
  constructor(
    readonly where: string,
    readonly detail: string,
  ) {
    super(`Cannot read the policy document of ${where}: ${detail}`);
    this.name = 'UnreadablePolicyError';
  }
}

/**
 * Statements of the policy in `value` (the `policy` attribute of some resource in `json`).
 * @param where the Terraform address, for error messages.
 * @throws UnreadablePolicyError when the value is none of the supported forms.
 */
export function parsePolicyDocument(value: unknown, json: TerraformJson, where: string): PolicyStatement[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'object') return statementsOfDocument(value, where);
  if (typeof value !== 'string') throw new UnreadablePolicyError(where, `unexpected ${typeof value}`);

  const ref = parseReference(value);
  if (ref) {
    const block = resolveReference(json, ref);
    if (block && ref.mode === 'data' && ref.type === 'aws_iam_policy_document')
      return statementsOfDataSource(block.body, json, block.address);
    if (block && ref.type === 'aws_iam_policy' && ref.attribute === 'policy')
      return parsePolicyDocument(block.body.policy, json, block.address);
    throw new UnreadablePolicyError(where, `reference ${value} does not resolve to a policy document in this stack`);
  }
  let doc: unknown;
  try {
    doc = decodeJsonAttribute(value, where);
  } catch (error) {
    if (error instanceof HclExpressionError) throw error;
    throw new UnreadablePolicyError(where, `not JSON: ${value.trim().slice(0, 120)}`);
  }
  return statementsOfDocument(doc, where);
}

/** Statements of a parsed JSON policy document (`{Version, Statement}`). */
export function statementsOfDocument(doc: unknown, where: string): PolicyStatement[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new UnreadablePolicyError(where, 'document is not an object');
  const raw = (doc as Record<string, unknown>).Statement;
  const statements = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return statements.map((s, i) => {
    if (s === null || typeof s !== 'object') throw new UnreadablePolicyError(where, `statement ${i} is not an object`);
    const st = s as Record<string, unknown>;
    const effect = st.Effect;
    if (effect !== 'Allow' && effect !== 'Deny')
      throw new UnreadablePolicyError(where, `statement ${i} has Effect ${JSON.stringify(effect)}`);
    return {
      sid: typeof st.Sid === 'string' ? st.Sid : undefined,
      effect,
      actions: strings(st.Action),
      notActions: strings(st.NotAction),
      resources: strings(st.Resource),
      notResources: strings(st.NotResource),
      principals: principalsOf(st.Principal),
      conditions: conditionsOf(st.Condition),
    };
  });
}

/** Statements of an `aws_iam_policy_document` data source (HCL-style blocks, snake_case). */
function statementsOfDataSource(body: Block, json: TerraformJson, where: string): PolicyStatement[] {
  const inherited = [...strings(body.source_policy_documents), ...strings(body.override_policy_documents)].flatMap(
    (doc) => parsePolicyDocument(doc, json, where),
  );
  const blocks = Array.isArray(body.statement) ? body.statement : body.statement ? [body.statement] : [];
  const own = blocks.map((b: Record<string, unknown>) => ({
    sid: typeof b.sid === 'string' ? b.sid : undefined,
    effect: b.effect === 'Deny' ? ('Deny' as const) : ('Allow' as const),
    actions: strings(b.actions),
    notActions: strings(b.not_actions),
    resources: strings(b.resources),
    notResources: strings(b.not_resources),
    principals: asList(b.principals).flatMap((p) => principalBlock(p as Record<string, unknown>)),
    conditions: asList(b.condition).map((c) => {
      const cond = c as Record<string, unknown>;
      return { test: String(cond.test), variable: String(cond.variable), values: strings(cond.values) };
    }),
  }));
  return [...inherited, ...own];
}

function principalBlock(p: Record<string, unknown>): string[] {
  const type = String(p.type);
  return strings(p.identifiers).map((id) =>
    type === '*' || id === '*'
      ? type === 'AWS' || type === '*'
        ? '*'
        : `${type.toLowerCase()}:*`
      : `${type.toLowerCase()}:${id}`,
  );
}

function principalsOf(value: unknown): string[] {
  if (value === undefined) return [];
  if (value === '*') return ['*'];
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null)
    return [String(value)];
  return Object.entries(value as Record<string, unknown>).flatMap(([type, ids]) =>
    strings(ids).map((id) => (id === '*' && type === 'AWS' ? '*' : `${type.toLowerCase()}:${id}`)),
  );
}

function conditionsOf(value: unknown): PolicyCondition[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, Record<string, unknown>>).flatMap(([test, pairs]) =>
    Object.entries(pairs ?? {}).map(([variable, values]) => ({ test, variable, values: strings(values) })),
  );
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function strings(value: unknown): string[] {
  return asList(value).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}
