import { FailureQueue } from '../../../modules/messaging/failure-queue';
import { endedRunPattern, FileRunWatchdog } from '../../../modules/operations/file-run-watchdog';
import { FakeFunction, parsePolicy, resourcesOf, synthJson, testConfig, testStack } from '../../stacks/fixtures';
import { matchesPattern } from '../../../local/filter-pattern';

describe('FileRunWatchdog', () => {
  const stack = testStack();
  const watchdog = new FakeFunction('file-watchdog');
  const failures = new FailureQueue(stack, 'Failures', { queueName: 'target-failures' });
  new FileRunWatchdog(stack, 'Watchdog', {
    config: testConfig(),
    stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:wf',
    watchdog,
    targetFailures: failures,
  });
  const json = synthJson(stack);
  const rules = resourcesOf(json, 'aws_cloudwatch_event_rule');

  /** A status-change event as Step Functions sends it. */
  const event = (status: string, executionArn: string, stateMachineArn: string) => ({
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: { status, executionArn, stateMachineArn, name: 'x' },
  });

  it("matches the state machine's runs that end FAILED, TIMED_OUT or ABORTED, and nothing else", () => {
    const pattern = endedRunPattern('arn:aws:states:us-east-1:1:stateMachine:wf');
    const run = 'arn:aws:states:us-east-1:1:execution:wf:run-1';
    for (const status of ['FAILED', 'TIMED_OUT', 'ABORTED'])
      expect(matchesPattern(pattern, event(status, run, 'arn:aws:states:us-east-1:1:stateMachine:wf'))).toBe(true);
    expect(matchesPattern(pattern, event('SUCCEEDED', run, 'arn:aws:states:us-east-1:1:stateMachine:wf'))).toBe(false);
    // A Distributed Map child runs under <state machine>/<label>: it never reaches the watchdog.
    const child = event(
      'FAILED',
      'arn:aws:states:us-east-1:1:execution:wf/StoreChunks:c1',
      'arn:aws:states:us-east-1:1:stateMachine:wf/StoreChunks',
    );
    expect(matchesPattern(pattern, child)).toBe(false);
    expect(matchesPattern(pattern, event('FAILED', run, 'arn:aws:states:us-east-1:1:stateMachine:other'))).toBe(false);
  });

  it('runs the sweep every 15 minutes on the default bus, in every region', () => {
    expect(
      rules.map((r) => [r.name, r.schedule_expression ?? null, r.event_bus_name ?? null, r.state ?? null]),
    ).toEqual([
      ['market-data-file-run-ended-dev', null, null, null],
      ['market-data-stuck-file-sweep-dev', 'rate(15 minutes)', null, null],
    ]);
  });

  it('lets EventBridge invoke the watchdog only from these two rules, retrying then dead-lettering', () => {
    const permissions = resourcesOf(json, 'aws_lambda_permission');
    expect(permissions).toHaveLength(2);
    for (const permission of permissions)
      expect(permission).toMatchObject({
        function_name: 'fn-file-watchdog',
        principal: 'events.amazonaws.com',
        source_arn: expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.\w+\.arn\}$/),
      });
    for (const target of resourcesOf(json, 'aws_cloudwatch_event_target'))
      expect(target).toMatchObject({
        arn: watchdog.arn,
        retry_policy: { maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 24 },
        dead_letter_config: { arn: expect.stringMatching(/aws_sqs_queue/) },
      });
    const queuePolicy = parsePolicy(resourcesOf(json, 'aws_sqs_queue_policy')[0].policy);
    expect(queuePolicy.Statement.find((s) => s.Sid === 'AllowWatchdogRuleFailures')).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['sqs:SendMessage'],
    });
  });
});
