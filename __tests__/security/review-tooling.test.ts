/**
 * The review tooling on hand-written Terraform JSON: every policy form is read, every kind of
 * grant lands in the matrix with the right principal, wildcards are caught, SDK commands map to
 * the IAM actions AWS documents, and the CLI prints and exits as documented.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arnService, platformActions, deployedFunctions } from '../../security/function-wiring';
import { parseHclExpression } from '../../security/hcl-expression';
import { buildPermissionMatrix } from '../../security/iam-matrix';
import { privilegeViolations } from '../../security/least-privilege';
import { parsePolicyDocument, UnreadablePolicyError } from '../../security/policy-document';
import { formatMatrix, renderTable } from '../../security/report';
import { iamActionsOf, UnmappedCommandError, type SdkCall } from '../../security/sdk-usage';
import { isSynthFresh, sourceFingerprint } from '../../security/synth';
import {
  describeValue,
  parseReference,
  type SynthesizedStack,
  type TerraformJson,
} from '../../security/terraform-json';

const doc = (...Statement: unknown[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/** A small stack with one function, its role, and every policy form the review reads. */
const STACK: TerraformJson = {
  data: {
    aws_iam_policy_document: {
      ReadDoc: {
        statement: [
          { sid: 'ReadObjects', actions: ['s3:GetObject'], resources: ['${aws_s3_bucket.Ingest.arn}/incoming/*'] },
        ],
      },
    },
  },
  resource: {
    aws_s3_bucket: { Ingest: { bucket: 'md-ingest-dev-us-east-1' } },
    aws_iam_role: {
      FnRole: {
        name: 'md-fn-dev',
        assume_role_policy: doc({
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        }),
        inline_policy: [{ name: 'inline', policy: '${data.aws_iam_policy_document.ReadDoc.json}' }],
      },
    },
    aws_iam_role_policy: {
      FnPolicy: {
        role: '${aws_iam_role.FnRole.id}',
        policy: doc(
          { Sid: 'Traces', Effect: 'Allow', Action: ['xray:PutTraceSegments'], Resource: '*' },
          { Sid: 'TooMuch', Effect: 'Allow', Action: ['s3:*'], Resource: ['*'] },
          { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '${aws_s3_bucket.Ingest.arn}' },
        ),
      },
    },
    aws_iam_policy: {
      Extra: {
        policy:
          '${jsonencode({"Version" = "2012-10-17", "Statement" = [' +
          '{"Effect" = "Allow", "Action" = ["sqs:SendMessage"], "Resource" = [aws_sqs_queue.Dlq.arn]}]})}',
      },
    },
    aws_iam_role_policy_attachment: {
      Attach: { role: '${aws_iam_role.FnRole.name}', policy_arn: '${aws_iam_policy.Extra.arn}' },
      Managed: { role: 'md-fn-dev', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    },
    aws_sqs_queue: { Dlq: { name: 'md-dlq-dev' } },
    aws_s3_bucket_policy: {
      IngestPolicy: {
        bucket: '${aws_s3_bucket.Ingest.id}',
        policy: doc(
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: ['${aws_s3_bucket.Ingest.arn}', '${aws_s3_bucket.Ingest.arn}/*'],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'Public',
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: '${aws_s3_bucket.Ingest.arn}/*',
          },
        ),
      },
    },
    aws_lambda_function: {
      Fn: {
        function_name: 'md-validate-file-dev',
        role: '${aws_iam_role.FnRole.arn}',
        tracing_config: { mode: 'Active' },
        environment: { variables: { POWERTOOLS_SERVICE_NAME: 'validate-file' } },
      },
    },
    aws_cloudwatch_log_group: { Logs: { name: '/aws/lambda/md-validate-file-dev' } },
    aws_lambda_event_source_mapping: {
      FromQueue: {
        function_name: '${aws_lambda_function.Fn.arn}',
        event_source_arn: '${aws_sqs_queue.Dlq.arn}',
        destination_config: { on_failure: { destination_arn: 'arn:aws:sns:us-east-1:000000000000:t' } },
      },
    },
    aws_lambda_permission: {
      FromS3: {
        action: 'lambda:InvokeFunction',
        function_name: '${aws_lambda_function.Fn.function_name}',
        principal: 's3.amazonaws.com',
        source_arn: '${aws_s3_bucket.Ingest.arn}',
      },
    },
  },
};
const stack: SynthesizedStack = { name: 'regional-dev-us-east-1', file: 'cdk.tf.json', json: STACK };

describe('policy documents', () => {
  it('reads JSON strings, policy-document data sources and jsonencode expressions alike', () => {
    expect(
      parsePolicyDocument(STACK.resource!.aws_iam_role_policy.FnPolicy.policy, STACK, 'x').map((s) => [
        s.sid,
        s.effect,
        s.actions,
        s.resources,
      ]),
    ).toEqual([
      ['Traces', 'Allow', ['xray:PutTraceSegments'], ['*']],
      ['TooMuch', 'Allow', ['s3:*'], ['*']],
      ['NoDelete', 'Deny', ['s3:DeleteBucket'], ['${aws_s3_bucket.Ingest.arn}']],
    ]);
    expect(parsePolicyDocument('${data.aws_iam_policy_document.ReadDoc.json}', STACK, 'x')[0]).toMatchObject({
      sid: 'ReadObjects',
      actions: ['s3:GetObject'],
    });
    expect(parsePolicyDocument(STACK.resource!.aws_iam_policy.Extra.policy, STACK, 'x')[0]).toMatchObject({
      actions: ['sqs:SendMessage'],
      resources: ['${aws_sqs_queue.Dlq.arn}'],
    });
  });

  it('normalises principals and conditions', () => {
    const [tls] = parsePolicyDocument(STACK.resource!.aws_s3_bucket_policy.IngestPolicy.policy, STACK, 'x');
    expect(tls.principals).toEqual(['*']);
    expect(tls.conditions).toEqual([{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }]);
  });

  it('refuses what it cannot read instead of guessing', () => {
    expect(() => parsePolicyDocument('{not json', STACK, 'aws_iam_role_policy.X')).toThrow(UnreadablePolicyError);
    expect(() => parsePolicyDocument('${data.aws_iam_policy_document.Missing.json}', STACK, 'x')).toThrow(
      /does not resolve/,
    );
    expect(() => parsePolicyDocument(doc({ Effect: 'Maybe', Action: 'x', Resource: '*' }), STACK, 'x')).toThrow(
      /Effect/,
    );
  });

  it('parses the HCL subset cdktf writes inside jsonencode', () => {
    expect(
      parseHclExpression(
        '{"a" = [1, -2.5, true, null, "x${y}"], b: aws_s3_bucket.b.arn, "c" = merge(local.x, {"k" = 1})}',
        't',
      ),
    ).toEqual({
      a: [1, -2.5, true, null, 'x${y}'],
      b: '${aws_s3_bucket.b.arn}',
      c: '${merge(local.x, {"k" = 1})}',
    });
    expect(() => parseHclExpression('{"a" = ', 't')).toThrow(/unterminated|expected/);
  });
});

describe('permission matrix', () => {
  const rows = buildPermissionMatrix(stack);

  it('names the role by who uses it and collects every identity policy form', () => {
    const identity = rows.filter((r) => r.kind === 'identity');
    expect(new Set(identity.map((r) => r.principal))).toEqual(
      new Set(['role md-fn-dev (lambda md-validate-file-dev)']),
    );
    expect(identity.map((r) => r.actions.join(',')).sort()).toEqual([
      's3:*',
      's3:DeleteBucket',
      's3:GetObject',
      'sqs:SendMessage',
      'xray:PutTraceSegments',
    ]);
    expect(rows.find((r) => r.kind === 'managed')).toMatchObject({
      actions: ['(managed policy arn:aws:iam::aws:policy/AdministratorAccess)'],
    });
  });

  it('lists trust, resource policies and invoke permissions with their targets', () => {
    expect(rows.find((r) => r.kind === 'trust')).toMatchObject({
      principal: 'service:lambda.amazonaws.com',
      actions: ['sts:AssumeRole'],
    });
    expect(rows.filter((r) => r.kind === 'resource').map((r) => [r.principal, r.effect, r.target])).toEqual([
      ['*', 'Deny', 'md-ingest-dev-us-east-1'],
      ['*', 'Allow', 'md-ingest-dev-us-east-1'],
    ]);
    expect(rows.find((r) => r.kind === 'invoke')).toMatchObject({
      principal: 'service:s3.amazonaws.com',
      conditions: ['ArnLike AWS:SourceArn=arn:aws:s3:::md-ingest-dev-us-east-1'],
    });
  });

  it('flags wildcard actions, avoidable * resources, managed policies and public allows', () => {
    expect(privilegeViolations(rows).map((v) => `${v.rule} ${v.row.sid ?? ''} ${v.detail}`)).toEqual([
      'wildcard-action TooMuch allows "s3:*"',
      'wildcard-resource TooMuch allows "s3:*" on "*" although it supports resource scoping',
      'managed-policy  (managed policy arn:aws:iam::aws:policy/AdministratorAccess): ' +
        'content not reviewable from the stack',
      'public-principal Public allows s3:GetObject to any principal without a condition',
    ]);
  });

  it('prints a table per principal with the wildcards marked', () => {
    const text = formatMatrix(stack.name, rows);
    expect(text).toContain('role md-fn-dev (lambda md-validate-file-dev)');
    expect(text).toContain('s3:*  [! wildcard action]');
    expect(text).toContain('*  [* ok: actions have no resource type]');
    expect(text).toContain('least privilege: 4 VIOLATIONS');
    expect(renderTable(['A', 'B'], [['x', ['1', '2']]])).toBe('A  B\n-  -\nx  1\n   2');
  });
});

describe('terraform references', () => {
  it('parses whole references and describes them by their literal names', () => {
    expect(parseReference('${data.aws_iam_policy_document.D.json}')).toEqual({
      mode: 'data',
      type: 'aws_iam_policy_document',
      name: 'D',
      attribute: 'json',
    });
    expect(parseReference('prefix-${aws_s3_bucket.B.arn}')).toBeUndefined();
    expect(describeValue(STACK, '${aws_s3_bucket.Ingest.arn}/incoming/*')).toBe(
      'arn:aws:s3:::md-ingest-dev-us-east-1/incoming/*',
    );
  });
});

describe('function wiring and SDK mapping', () => {
  it('derives the platform actions from the function wiring', () => {
    const [fn] = deployedFunctions(STACK);
    expect(fn).toMatchObject({ name: 'validate-file', roleAddress: 'aws_iam_role.FnRole' });
    expect([...platformActions(STACK, fn).keys()].sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    expect([
      arnService('${aws_dynamodb_table.T.stream_arn}'),
      arnService('arn:aws:sqs:us-east-1:1:q'),
      arnService('${aws_s3_bucket.B.arn}'),
    ]).toEqual(['dynamodb-stream', 'sqs', undefined]);
  });

  const call = (client: string, command: string, inputKeys: string[] = []): SdkCall => ({
    client,
    command,
    inputKeys,
    site: 'x.ts:1',
  });
  it('maps SDK commands to the IAM actions AWS documents for them', () => {
    expect(iamActionsOf(call('@aws-sdk/client-s3', 'GetObjectCommand', ['Bucket', 'Key']))).toEqual(['s3:GetObject']);
    expect(iamActionsOf(call('@aws-sdk/client-s3', 'GetObjectCommand', ['Bucket', 'Key', 'VersionId']))).toEqual([
      's3:GetObject',
      's3:GetObjectVersion',
    ]);
    expect(iamActionsOf(call('@aws-sdk/client-s3', 'HeadObjectCommand'))).toEqual(['s3:GetObject']);
    expect(iamActionsOf(call('@aws-sdk/client-s3', 'CopyObjectCommand', ['CopySource', 'TaggingDirective']))).toEqual([
      's3:GetObject',
      's3:GetObjectVersion',
      's3:PutObject',
    ]);
    expect(iamActionsOf(call('@aws-sdk/client-s3', 'CopyObjectCommand'))).toContain('s3:GetObjectTagging');
    expect(iamActionsOf(call('@aws-sdk/client-dynamodb', 'BatchWriteItemCommand'))).toEqual([
      'dynamodb:BatchWriteItem',
    ]);
    expect(iamActionsOf(call('@aws-sdk/client-sfn', 'StartExecutionCommand'))).toEqual(['states:StartExecution']);
    expect(iamActionsOf(call('@aws-sdk/client-sns', 'PublishBatchCommand'))).toEqual(['sns:Publish']);
    expect(() => iamActionsOf(call('@aws-sdk/client-dynamodb', 'TransactWriteItemsCommand'))).toThrow(
      UnmappedCommandError,
    );
    expect(() => iamActionsOf(call('@aws-sdk/client-kinesis', 'PutRecordCommand'))).toThrow(UnmappedCommandError);
  });
});

describe('review CLI', () => {
  it('prints the matrix, emits JSON with --json, and exits 1 on violations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-cli-'));
    try {
      mkdirSync(join(dir, 'stacks', stack.name), { recursive: true });
      writeFileSync(join(dir, 'stacks', stack.name, 'cdk.tf.json'), JSON.stringify(STACK, null, 2));
      const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
      const script = join(__dirname, '..', '..', 'security', 'review.ts');
      const text = spawnSync(tsx, [script, '--outdir', dir, '--no-synth'], { encoding: 'utf8' });
      expect(text.status).toBe(1);
      expect(text.stdout).toContain(`== ${stack.name}:`);
      expect(text.stdout).toMatch(/review: 1 stacks, \d+ statements, 4 least-privilege violations/);
      const json = spawnSync(tsx, [script, '--outdir', dir, '--no-synth', '--json'], { encoding: 'utf8' });
      const parsed = JSON.parse(json.stdout) as {
        stacks: Array<{ stack: string; rows: unknown[] }>;
        violations: Array<{ rule: string }>;
      };
      expect(parsed.stacks[0].stack).toBe(stack.name);
      expect(parsed.violations.map((v) => v.rule)).toEqual([
        'wildcard-action',
        'wildcard-resource',
        'managed-policy',
        'public-principal',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('synth freshness', () => {
  it('re-synthesizes when any source is newer than the output, and keys the cache by configuration', () => {
    const root = mkdtempSync(join(tmpdir(), 'synth-fresh-'));
    try {
      mkdirSync(join(root, 'stacks'));
      mkdirSync(join(root, 'cdktf.out', 'stacks'), { recursive: true });
      writeFileSync(join(root, 'main.ts'), '');
      writeFileSync(join(root, 'stacks', 'a.ts'), '');
      writeFileSync(join(root, 'cdktf.out', 'manifest.json'), '{}');
      const at = (path: string, seconds: number): void => utimesSync(join(root, path), seconds, seconds);
      at('main.ts', 1000);
      at('stacks/a.ts', 1000);
      at('cdktf.out/manifest.json', 2000);
      expect(isSynthFresh(join(root, 'cdktf.out'), root)).toBe(true);
      at('stacks/a.ts', 3000);
      expect(isSynthFresh(join(root, 'cdktf.out'), root)).toBe(false);
      expect(isSynthFresh(join(root, 'missing.out'), root)).toBe(false);
      expect(sourceFingerprint({ PIPELINE_VPC: 'true' }, root)).not.toBe(sourceFingerprint({}, root));
      expect(sourceFingerprint({}, root)).toBe(sourceFingerprint({}, root));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
