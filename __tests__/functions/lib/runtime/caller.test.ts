import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { callerOf, stableIamPrincipal, UNAUTHENTICATED_CALLER } from '../../../../functions/lib/runtime/caller';

const withAuthorizer = (authorizer: unknown) =>
  ({ requestContext: { authorizer } }) as unknown as Pick<APIGatewayProxyEventV2, 'requestContext'>;

describe('the caller of a request', () => {
  it('is the IAM principal of a SigV4 request, an assumed role without its session', () => {
    expect(callerOf(withAuthorizer({ iam: { userArn: 'arn:aws:iam::123:user/feed' } }))).toBe(
      'iam:arn:aws:iam::123:user/feed',
    );
    const session = 'arn:aws:sts::123:assumed-role/ingest-writer/i-0abc';
    expect(callerOf(withAuthorizer({ iam: { userArn: session } }))).toBe(
      'iam:arn:aws:sts::123:assumed-role/ingest-writer',
    );
    expect(stableIamPrincipal('arn:aws:sts::123:assumed-role/ingest-writer/other-session')).toBe(
      stableIamPrincipal(session),
    );
  });

  it('is the JWT subject (with its issuer) of a token request', () => {
    expect(callerOf(withAuthorizer({ jwt: { claims: { sub: 'client-7', iss: 'https://idp' }, scopes: null } }))).toBe(
      'jwt:https://idp|client-7',
    );
  });

  it('is unauthenticated when no authorizer ran (never in the deployed API, which authorises every route)', () => {
    expect(callerOf(withAuthorizer(undefined))).toBe(UNAUTHENTICATED_CALLER);
  });
});
