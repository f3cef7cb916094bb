/**
 * A request that breaks the API document's schema, as an ApiError 400 naming the member, the rule
 * and the value: the first error of a compiled validator (build/api-validators.ts), turned into
 * words. The code is `Invalid<Member>` for a top-level member (`InvalidFileName`), else the
 * caller's code for the whole body.
 */
import type { ErrorObject } from 'ajv';
import { ApiError, badRequest } from './api-errors';

const MAX_QUOTED = 80;

/** A value as it appears in a message: JSON, cut short. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}...` : text;
}

/** `/records/0/price` → `records[0].price`; `` → `subject`. */
function memberName(instancePath: string, subject: string): string {
  if (instancePath === '') return subject;
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/** What `error` says about `member`, in words. */
export function describeSchemaError(error: ErrorObject, subject: string): string {
  const member = memberName(error.instancePath, subject);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const name = error.instancePath === '' ? missing : `${member}.${missing}`;
      const properties = (error.parentSchema as { properties?: Record<string, { enum?: unknown[] }> } | undefined)
        ?.properties;
      const allowed = properties?.[missing]?.enum;
      return `${name} is required${allowed ? ` (one of ${allowed.join(', ')})` : ''}`;
    }
    case 'enum':
      return `${member} must be one of ${(params.allowedValues as unknown[]).join(', ')}; got ${quoted(error.data)}`;
    case 'type':
      return `${member} must be ${String(params.type).replace(',', ' or ')}; got ${quoted(error.data)}`;
    case 'pattern':
      return `${member} must match ${String(params.pattern)}; got ${quoted(error.data)}`;
    default:
      return `${member} ${error.message ?? 'is invalid'}`;
  }
}

/**
 * The 400 for a failed validation.
 * @param errors the validator's `errors`.
 * @param subject what the root value is, for messages about it as a whole (`The body`).
 * @param bodyCode the code when the root itself (not a member) is wrong.
 */
export function schemaViolation(
  errors: readonly ErrorObject[] | null | undefined,
  subject: string,
  bodyCode: string,
): ApiError {
  const first = errors?.[0];
  if (!first) return badRequest(bodyCode, `${subject} does not match the API document`);
  const topMember =
    first.instancePath === ''
      ? first.keyword === 'required'
        ? String((first.params as { missingProperty?: unknown }).missingProperty)
        : undefined
      : first.instancePath.split('/')[1];
  const code = topMember ? `Invalid${topMember.charAt(0).toUpperCase()}${topMember.slice(1)}` : bodyCode;
  return badRequest(code, describeSchemaError(first, subject));
}
