import { callerOf } from '../../functions/lib/runtime/caller';
import { apiGatewayEvent, localCaller } from '../../local/api-gateway-event';

describe('the API Gateway event of a local request', () => {
  const gateway = { accountId: '123456789012' };

  it('carries route, path, headers and a text body as an HTTP API (payload 2.0) does', () => {
    const event = apiGatewayEvent(
      { routeKey: 'POST /ingest', headers: { 'content-type': 'application/json' }, body: '[]' },
      gateway,
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /ingest',
      rawPath: '/ingest',
      headers: { 'content-type': 'application/json' },
      body: '[]',
      isBase64Encoded: false,
      requestContext: { accountId: '123456789012', stage: 'prod', http: { method: 'POST', path: '/ingest' } },
    });
    expect(event.requestContext.requestId).toMatch(/^local-/);
  });

  it('names the caller as the IAM (SigV4) authorizer does: the local user unless another caller is given', () => {
    const local = apiGatewayEvent({ routeKey: 'POST /ingest', headers: {} }, gateway);
    const other = apiGatewayEvent(
      { routeKey: 'POST /ingest', headers: {} },
      { ...gateway, caller: 'arn:aws:iam::123456789012:role/other-team' },
    );
    expect([local.requestContext.authorizer.iam.userArn, other.requestContext.authorizer.iam.userArn]).toEqual([
      localCaller('123456789012'),
      'arn:aws:iam::123456789012:role/other-team',
    ]);
    expect(callerOf(local)).toBe('iam:arn:aws:iam::123456789012:user/local-run');
  });

  it('base64-encodes a binary body, as API Gateway does for media types it does not pass as text', () => {
    const bytes = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);
    const event = apiGatewayEvent({ routeKey: 'POST /ingest', headers: {}, body: bytes }, gateway);
    expect([event.isBase64Encoded, Buffer.from(event.body ?? '', 'base64')]).toEqual([true, bytes]);
  });

  it('gives each request its own id', () => {
    const ids = new Set(
      Array.from(
        { length: 50 },
        () => apiGatewayEvent({ routeKey: 'POST /files', headers: {} }, gateway).requestContext.requestId,
      ),
    ).size;
    expect(ids).toBe(50);
  });
});
