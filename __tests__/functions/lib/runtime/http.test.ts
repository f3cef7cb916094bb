import { ApiError } from '../../../../functions/lib/runtime/api-errors';
import { bodyText, header, mediaType, parseJson, requireMediaType } from '../../../../functions/lib/runtime/http';

describe('http plumbing', () => {
  it('finds headers case-insensitively and strips media-type parameters', () => {
    const event = { headers: { 'Content-Type': 'Application/JSON; charset=utf-8' } };
    expect(header(event, 'content-type')).toBe('Application/JSON; charset=utf-8');
    expect(mediaType(header(event, 'content-type'))).toBe('application/json');
    expect(requireMediaType(event, ['application/json'])).toBe('application/json');
    expect(() => requireMediaType({ headers: {} }, ['application/json'])).toThrow(
      expect.objectContaining({ statusCode: 415, message: 'Content-Type must be application/json; got none' }),
    );
  });

  it('decodes base64 bodies and enforces the limit on decoded bytes', () => {
    expect(bodyText({ body: Buffer.from('héllo').toString('base64'), isBase64Encoded: true }, 100)).toBe('héllo');
    expect(bodyText({ body: 'é'.repeat(10), isBase64Encoded: false }, 20)).toBe('é'.repeat(10));
    expect(() => bodyText({ body: 'é'.repeat(11), isBase64Encoded: false }, 20)).toThrow(
      expect.objectContaining({ statusCode: 413 }),
    );
    expect(() => bodyText({ body: undefined, isBase64Encoded: false }, 20)).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'EmptyBody' }),
    );
  });

  it('turns JSON syntax errors into a 400 that names the offending token', () => {
    const error = (() => {
      try {
        parseJson('{"a": }');
      } catch (e) {
        return e as ApiError;
      }
      throw new Error('expected a failure');
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/^The request body is not valid JSON: Unexpected token '}'/);
    expect(() => parseJson(`[${'1,'.repeat(100000)}`)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^.{1,400}$/s) }),
    );
  });
});
