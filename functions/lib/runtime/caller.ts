/**
 * Who sent an API request, as API Gateway's authorizer established it: the IAM principal
 * (SigV4) or the JWT subject. Idempotency keys are scoped to it, so two callers can never reuse
 * each other's keys. An assumed-role session is reduced to its role (`.../assumed-role/<role>`):
 * a client that retries from a fresh session of the same role is the same caller.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** What HTTP APIs put in `requestContext.authorizer` (IAM or JWT). */
interface Authorizer {
  readonly iam?: { readonly userArn?: string };
  readonly jwt?: { readonly claims?: Record<string, unknown> };
}

/** The caller that `requestContext.authorizer` names when nothing authenticated the request (local runs). */
export const UNAUTHENTICATED_CALLER = 'unauthenticated';

/** `arn:aws:sts::<acct>:assumed-role/<role>/<session>` → `arn:aws:sts::<acct>:assumed-role/<role>`. */
export function stableIamPrincipal(arn: string): string {
  const match = /^(arn:[^:]+:sts::\d*:assumed-role\/[^/]+)\/.+$/.exec(arn);
  return match ? match[1] : arn;
}

/** The caller of `event`: `iam:<principal>`, `jwt:<issuer>|<subject>`, or {@link UNAUTHENTICATED_CALLER}. */
export function callerOf(event: Pick<APIGatewayProxyEventV2, 'requestContext'>): string {
  const authorizer = (event.requestContext as { authorizer?: Authorizer } | undefined)?.authorizer;
  const arn = authorizer?.iam?.userArn;
  if (typeof arn === 'string' && arn !== '') return `iam:${stableIamPrincipal(arn)}`;
  const claims = authorizer?.jwt?.claims;
  if (claims && typeof claims.sub === 'string' && claims.sub !== '')
    return `jwt:${typeof claims.iss === 'string' ? claims.iss : ''}|${claims.sub}`;
  return UNAUTHENTICATED_CALLER;
}
