/**
 * Least privilege, proved from the synthesized stacks: no wildcard actions, `*` resources only
 * where IAM offers no resource type, each function's role allows exactly what its code calls
 * plus what its wiring needs, the deployed grants are the reviewed matrix of
 * stacks/function-permissions.ts, and every role carries the explicit deny of destructive actions.
 */
import {
  loadConfig,
  readCdktfContext,
  ingestBucketName,
  archiveBucketName,
  tableName,
  stateMachineName,
  notificationsTopicName,
  eventBusName,
  processingQueueName,
} from '../../config';
import { FUNCTION_NAMES, type FunctionName } from '../../contract';
import { UNSCOPED_ACTION_REASONS } from '../../modules/iam/unscoped-actions';
import { functionGrants, type GrantTargets } from '../../stacks/function-permissions';
import {
  canonicalResource,
  deployedFunctions,
  platformActions,
  type DeployedFunction,
} from '../../security/function-wiring';
import { decodeJsonAttribute } from '../../security/hcl-expression';
import { buildPermissionMatrix, type PermissionRow } from '../../security/iam-matrix';
import { privilegeViolations } from '../../security/least-privilege';
import { iamActionsOf, sdkCallsByFunction, type SdkCall } from '../../security/sdk-usage';
import { definitionActions } from '../../security/state-machine-wiring';
import { resourcesOfType, type SynthesizedStack } from '../../security/terraform-json';
import { stacksOf, SYNTH_TIMEOUT_MS, VARIANTS, type VariantName } from './support/synthesized';

/** Sids PipelineFunction adds to every role; the rest come from stacks/function-permissions.ts. */
const PLATFORM_SIDS = new Set(['WriteOwnLogs', 'PutTraces', 'UseDataKey', 'ManageVpcInterfaces', 'SendAsyncFailures']);

interface ScannedStack {
  readonly variant: VariantName;
  readonly stack: SynthesizedStack;
  readonly rows: PermissionRow[];
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

describe('IAM least privilege in the synthesized stacks', () => {
  let scanned: ScannedStack[];
  let sdkCalls: Map<string, SdkCall[]>;

  beforeAll(() => {
    const variants: VariantName[] = ['default', 'vpc', 'jwt'];
    scanned = variants.flatMap((variant) =>
      stacksOf(variant).map((stack) => ({ variant, stack, rows: buildPermissionMatrix(stack) })),
    );
    sdkCalls = sdkCallsByFunction(FUNCTION_NAMES);
  }, SYNTH_TIMEOUT_MS);

  const regional = (): ScannedStack[] => scanned.filter((s) => /(^|:)regional-/.test(s.stack.name));
  const allowsOf = (s: ScannedStack, roleAddress: string): PermissionRow[] =>
    s.rows.filter((r) => r.kind === 'identity' && r.roleAddress === roleAddress && r.effect === 'Allow');

  it('reads a permission matrix from every stack of every variant', () => {
    expect(scanned.length).toBeGreaterThanOrEqual(6 + 3 + 3);
    for (const s of regional()) expect(s.rows.filter((r) => r.kind === 'identity').length).toBeGreaterThan(20);
  });

  it('has no wildcard action, no avoidable * resource, no managed policy and no public Allow in any policy', () => {
    const violations = scanned
      .flatMap((s) => privilegeViolations(s.rows))
      .map((v) => `${v.row.stack} ${v.row.source} ${v.row.sid ?? ''}: ${v.detail}`);
    expect(violations).toEqual([]);
  });

  it('grants * resources only for actions IAM cannot scope, each with a reviewed reason', () => {
    const starActions = sorted(
      scanned.flatMap((s) =>
        s.rows
          .filter((r) => r.kind === 'identity' && r.effect === 'Allow' && r.rawResources.includes('*'))
          .flatMap((r) => r.actions),
      ),
    );
    expect(starActions.length).toBeGreaterThan(0);
    const reasons: Readonly<Record<string, string>> = UNSCOPED_ACTION_REASONS;
    for (const action of starActions)
      expect([action, reasons[action]]).toEqual([action, expect.stringMatching(/.{20,}/)]);
  });

  it('lists no unscoped action that no role uses on "*" (a stale entry widens what synth allows)', () => {
    const used = new Set(
      scanned.flatMap((s) =>
        s.rows
          .filter((r) => r.kind === 'identity' && r.effect === 'Allow' && r.rawResources.includes('*'))
          .flatMap((r) => r.actions),
      ),
    );
    expect(Object.keys(UNSCOPED_ACTION_REASONS).filter((action) => !used.has(action))).toEqual([]);
  });

  it.each(FUNCTION_NAMES)(
    '%s: the role allows exactly what its code calls plus what its wiring needs',
    (name: FunctionName) => {
      const fromCode = sorted((sdkCalls.get(name) ?? []).flatMap(iamActionsOf));
      let checked = 0;
      for (const s of regional()) {
        const fn = deployedFunctions(s.stack.json).find((f) => f.name === name);
        expect(fn).toBeDefined();
        const expected = sorted([...fromCode, ...platformActions(s.stack.json, fn!).keys()]);
        const granted = sorted(allowsOf(s, fn!.roleAddress).flatMap((r) => r.actions));
        expect({ stack: s.stack.name, function: name, granted }).toEqual({
          stack: s.stack.name,
          function: name,
          granted: expected,
        });
        checked++;
      }
      expect(checked).toBe(regional().length);
    },
  );

  it('deploys exactly the reviewed grants of stacks/function-permissions.ts, resources included', () => {
    for (const s of regional()) {
      const targets = grantTargetsOf(s);
      const grants = functionGrants(targets);
      for (const fn of deployedFunctions(s.stack.json)) {
        const deployed = allowsOf(s, fn.roleAddress)
          .filter((r) => !PLATFORM_SIDS.has(r.sid ?? ''))
          .map((r) => ({
            sid: r.sid,
            actions: sorted(r.actions),
            resources: sorted(r.rawResources.map((x) => canonicalResource(s.stack.json, x))),
          }));
        const reviewed = grants[fn.name].map((g) => ({
          sid: g.sid,
          actions: sorted(g.actions),
          resources: sorted(g.resources),
        }));
        const bySid = (a: { sid?: string }, b: { sid?: string }): number => String(a.sid).localeCompare(String(b.sid));
        expect({ stack: s.stack.name, function: fn.name, grants: deployed.sort(bySid) }).toEqual({
          stack: s.stack.name,
          function: fn.name,
          grants: reviewed.sort(bySid),
        });
      }
    }
  });

  it('lets the workflow role invoke exactly its steps and do exactly what its Distributed Map needs', () => {
    for (const s of regional()) {
      const machines = resourcesOfType(s.stack.json, 'aws_sfn_state_machine');
      expect(machines).toHaveLength(1);
      const [machine] = machines;
      const called = sorted(
        [
          ...JSON.stringify(decodeJsonAttribute(String(machine.body.definition), machine.address)).matchAll(
            /\$\{(aws_lambda_function\.[^.}]+)\.arn\}/g,
          ),
        ].map((m) => m[1]),
      );
      expect(called.length).toBeGreaterThanOrEqual(5);
      const roleRef = /^\$\{(aws_iam_role\.[^.}]+)\.arn\}$/.exec(String(machine.body.role_arn))?.[1];
      const allows = allowsOf(s, roleRef ?? '(none)');
      const invoked = sorted(
        allows
          .filter((r) => r.actions.includes('lambda:InvokeFunction'))
          .flatMap((r) =>
            r.rawResources.map((x) => /^\$\{(aws_lambda_function\.[^.}]+)\.arn\}(:\*)?$/.exec(x)?.[1] ?? x),
          ),
      );
      expect({ stack: s.stack.name, invoked }).toEqual({ stack: s.stack.name, invoked: called });
      const others = sorted(allows.flatMap((r) => r.actions)).filter((a) => a !== 'lambda:InvokeFunction');
      // Besides invoking its steps: what its Distributed Map does, traces, vended log delivery, its data key.
      const definition = decodeJsonAttribute(String(machine.body.definition), machine.address) as object;
      const needed = [...definitionActions(definition).keys()];
      expect(
        others.filter((a) => !/^(xray|logs):/.test(a) && !['kms:Decrypt', 'kms:GenerateDataKey'].includes(a)),
      ).toEqual(sorted(needed.filter((a) => a !== 'lambda:InvokeFunction')));
    }
  });

  it('scopes every object-level S3 grant to a key prefix, never a whole bucket', () => {
    for (const s of regional()) {
      for (const row of s.rows.filter(
        (r) =>
          r.kind === 'identity' && r.effect === 'Allow' && r.actions.some((a) => /^s3:(Get|Put|Delete)Object/.test(a)),
      )) {
        for (const resource of row.resources)
          expect(`${row.stack} ${row.sid} ${resource}`).toMatch(/arn:aws:s3:::[^/]+\/[a-z-]+\/\*$/);
      }
    }
  });

  it('explicitly denies destructive actions on the table and every bucket to every role', () => {
    for (const s of regional()) {
      const bucketArns = resourcesOfType(s.stack.json, 'aws_s3_bucket').map(
        (b) => `arn:aws:s3:::${String(b.body.bucket)}`,
      );
      const roles = resourcesOfType(s.stack.json, 'aws_iam_role');
      expect(roles.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length);
      for (const role of roles) {
        const denies = s.rows.filter(
          (r) => r.kind === 'identity' && r.roleAddress === role.address && r.effect === 'Deny',
        );
        const denied = (action: string): string[] =>
          denies
            .filter((d) => d.actions.includes(action))
            .flatMap((d) => d.rawResources.map((x) => canonicalResource(s.stack.json, x)));
        const label = `${s.stack.name} ${String(role.body.name)}`;
        expect({ role: label, tableDenied: denied('dynamodb:DeleteTable').some((r) => r.includes(':arn>')) }).toEqual({
          role: label,
          tableDenied: true,
        });
        expect({
          role: label,
          bucketsDenied: bucketArns.filter((b) => !denied('s3:DeleteBucket').includes(b)),
        }).toEqual({ role: label, bucketsDenied: [] });
      }
    }
  });
});

/** The GrantTargets of a regional stack, in the canonical form `canonicalResource` produces. */
function grantTargetsOf(s: ScannedStack): GrantTargets {
  const match = /regional-([a-z]+)-(.+)$/.exec(s.stack.name);
  if (!match) throw new Error(`not a regional stack: ${s.stack.name}`);
  const [, env, region] = match;
  const config = loadConfig(env as 'dev' | 'prod', readCdktfContext(), { ...VARIANTS[s.variant] });
  const table = tableName(config);
  const barsFn = deployedFunctions(s.stack.json).find((f) => f.name === 'bars') as DeployedFunction;
  const barsMapping = resourcesOfType(s.stack.json, 'aws_lambda_event_source_mapping').find((m) =>
    String(m.body.function_name).includes(barsFn.address),
  );
  const barsFailure =
    (barsMapping?.body.destination_config as { on_failure?: { destination_arn?: string } } | undefined)?.on_failure
      ?.destination_arn ?? '(none)';
  return {
    tableArn: `<aws_dynamodb_table:${table}:arn>`,
    streamArn: `<aws_dynamodb_table:${table}:stream_arn>`,
    ingestBucketArn: `arn:aws:s3:::${ingestBucketName(config, region)}`,
    archiveBucketArn: `arn:aws:s3:::${archiveBucketName(config, region)}`,
    stateMachineArn: `<aws_sfn_state_machine:${stateMachineName(config)}:arn>`,
    executionsArn:
      `arn:<data.aws_partition:partition>:states:${region}:<data.aws_caller_identity:account_id>` +
      `:execution:${stateMachineName(config)}:*`,
    notificationsTopicArn: `<aws_sns_topic:${notificationsTopicName(config)}:arn>`,
    eventBusArn: `<aws_cloudwatch_event_bus:${eventBusName(config)}:arn>`,
    processingQueueArn: `<aws_sqs_queue:${processingQueueName(config)}:arn>`,
    barsFailureQueueArn: canonicalResource(s.stack.json, barsFailure),
  };
}
