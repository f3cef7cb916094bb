import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { jsonAttribute, lazyJsonAttribute } from '../../modules/json-attribute';
import { decodeJsonAttribute } from '../../security/hcl-expression';
import { onlyResource, resourcesOf, synthJson, testStack } from '../stacks/fixtures';

/** Strings HCL treats specially inside a quoted string, plus a template sequence of each kind. */
const AWKWARD = 'say "hi"\\ back\\slash, tab\there, CR\r, new\nline, literal ${not.a.ref} and %{ if } directives';

describe('jsonAttribute', () => {
  const stack = testStack();
  const target = new SqsQueue(stack, 'Target', { name: 'target' });
  new SqsQueue(stack, 'Source', {
    name: 'source',
    redrivePolicy: jsonAttribute({
      deadLetterTargetArn: target.arn,
      qualified: `${target.arn}:*`,
      dollar: `price$${target.arn}`,
      // A reference after a closing brace: cdktf would render it bare there unless told otherwise.
      nested: { inner: { a: 'x' }, after: target.arn },
      text: AWKWARD,
      [AWKWARD]: 'key too',
      maxReceiveCount: 3,
      flags: [true, false],
      nothing: null,
      dropped: undefined,
    }),
  });
  const source = resourcesOf(synthJson(stack), 'aws_sqs_queue').find((q) => q.name === 'source')!;

  it('writes a jsonencode expression with references as Terraform references, not text in a JSON string', () => {
    expect(source.redrive_policy).toMatch(/^\$\{jsonencode\(\{/);
    expect(source.redrive_policy).toContain('"deadLetterTargetArn": "${aws_sqs_queue.Target.arn}",');
    expect(source.redrive_policy).toContain('"qualified": "${aws_sqs_queue.Target.arn}:*"');
  });

  it('keeps every value exactly, also quotes, backslashes, control characters and template sequences', () => {
    expect(decodeJsonAttribute(source.redrive_policy as string, 'test')).toEqual({
      deadLetterTargetArn: '${aws_sqs_queue.Target.arn}',
      qualified: '${aws_sqs_queue.Target.arn}:*',
      dollar: 'price$${aws_sqs_queue.Target.arn}',
      nested: { inner: { a: 'x' }, after: '${aws_sqs_queue.Target.arn}' },
      text: AWKWARD,
      [AWKWARD]: 'key too',
      maxReceiveCount: 3,
      flags: [true, false],
      nothing: null,
    });
  });

  it('synthesizes as valid HCL (cdktf synth --hcl)', async () => {
    const parsed = (await parseHcl('test.tf', String(stack.toHclTerraform().hcl))) as {
      resource: { aws_sqs_queue: Record<string, [{ redrive_policy: string }]> };
    };
    expect(parsed.resource.aws_sqs_queue.Source[0].redrive_policy).toMatch(/^\$\{jsonencode\(/);
  });
});

describe('jsonAttribute without references', () => {
  it('is a plain JSON string, which both outputs render correctly', () => {
    expect(jsonAttribute({ a: ['x', 1, true, null], b: 'say "hi"' })).toBe(
      '{"a":["x",1,true,null],"b":"say \\"hi\\""}',
    );
  });
});

describe('lazyJsonAttribute', () => {
  it('includes what was added after the attribute was created, up to synth', () => {
    const stack = testStack();
    const statements: string[] = [];
    new SqsQueue(stack, 'Queue', { name: 'q', policy: lazyJsonAttribute(() => ({ Statement: statements })) });
    statements.push('added later');
    const queue = onlyResource(synthJson(stack), 'aws_sqs_queue');
    expect(decodeJsonAttribute(queue.policy as string, 'test')).toEqual({ Statement: ['added later'] });
  });
});
