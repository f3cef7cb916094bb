import {
  validateFileProcessingRequest,
  validateIdempotencyKey,
} from '../../../../functions/api-ingest/generated/request-validators';
import { ApiError } from '../../../../functions/lib/runtime/api-errors';
import { schemaViolation } from '../../../../functions/lib/runtime/schema-violation';

/** The 400 a /files body gets from the compiled FileProcessingRequest schema. */
function filesViolation(body: unknown): ApiError {
  expect(validateFileProcessingRequest(body)).toBe(false);
  return schemaViolation(validateFileProcessingRequest.errors, 'The body', 'InvalidBody');
}

describe('schema violations as 400 answers', () => {
  it('names a missing member and, for an enum, what it may be', () => {
    expect(filesViolation({ fileName: 'a.csv' })).toMatchObject({
      statusCode: 400,
      code: 'InvalidProcessingType',
      message: 'processingType is required (one of standard, priority, batch)',
    });
    expect(filesViolation({ processingType: 'batch' })).toMatchObject({
      code: 'InvalidFileName',
      message: 'fileName is required',
    });
  });

  it('names the member, the rule and the value it got', () => {
    expect(filesViolation({ fileName: 'a.csv', processingType: 'urgent' }).message).toBe(
      'processingType must be one of standard, priority, batch; got "urgent"',
    );
    expect(filesViolation({ fileName: ['a.csv'], processingType: 'batch' }).message).toBe(
      'fileName must be string; got ["a.csv"]',
    );
    expect(filesViolation({ fileName: 'a.txt', processingType: 'batch' }).message).toMatch(
      /^fileName must match .+; got "a\.txt"$/,
    );
  });

  it("says what is wrong with the body as a whole under the caller's code", () => {
    expect(filesViolation([1, 2])).toMatchObject({
      code: 'InvalidBody',
      message: 'The body must be object; got [1,2]',
    });
  });

  it('quotes at most 80 characters of a value', () => {
    const message = filesViolation({ fileName: 'a.csv', processingType: 'x'.repeat(5000) }).message;
    expect(message.length).toBeLessThan(200);
    expect(message).toMatch(/\.\.\.$/);
  });

  it('describes a header by its name', () => {
    expect(validateIdempotencyKey('a b')).toBe(false);
    expect(schemaViolation(validateIdempotencyKey.errors, 'Idempotency-Key', 'InvalidIdempotencyKey')).toMatchObject({
      code: 'InvalidIdempotencyKey',
      message: 'Idempotency-Key must match ^[A-Za-z0-9_.:-]{1,128}$; got "a b"',
    });
  });
});
