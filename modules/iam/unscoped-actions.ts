/**
 * The only actions an Allow statement may grant on `Resource: "*"`: IAM offers no resource type
 * for them (AWS Service Authorization Reference, "Resource types" column empty), so scoping is
 * impossible, not merely inconvenient. One list with the reason for each entry, read by the
 * synth-time check of every policy (`policy-document.ts`) and by the security review
 * (`security/least-privilege.ts`). Plain data, no cdktf import, so both sides can load it.
 */

const LAMBDA_VPC_NETWORKING =
  'Lambda VPC networking on interfaces unknown at plan time; ' +
  'AWS documents Resource "*" (AWSLambdaVPCAccessExecutionRole)';

/** Why each action has no resource type; a reviewer reads this before an entry is added. */
export const UNSCOPED_ACTION_REASONS = {
  'xray:PutTraceSegments':
    'X-Ray trace ingestion has no resource type; AWS documents Resource "*" (AWSXRayDaemonWriteAccess)',
  'xray:PutTelemetryRecords':
    'X-Ray telemetry has no resource type; AWS documents Resource "*" (AWSXRayDaemonWriteAccess)',
  'xray:GetSamplingRules':
    'X-Ray sampling rules are read account-wide, no resource type; Step Functions X-Ray docs use Resource "*"',
  'xray:GetSamplingTargets': 'X-Ray sampling targets have no resource type; Step Functions X-Ray docs use Resource "*"',
  'dynamodb:ListStreams':
    'ListStreams is not resource-scoped (Service Authorization Reference: resource type "*"); ' +
    'the Lambda stream poller calls it',
  'logs:CreateLogDelivery':
    'Vended log delivery (Step Functions, API Gateway logging) has no resource type; ' +
    'AWS Step Functions logging docs require "*"',
  'logs:GetLogDelivery': 'Vended log delivery has no resource type (Step Functions logging docs)',
  'logs:UpdateLogDelivery': 'Vended log delivery has no resource type (Step Functions logging docs)',
  'logs:DeleteLogDelivery': 'Vended log delivery has no resource type (Step Functions logging docs)',
  'logs:ListLogDeliveries': 'Vended log delivery has no resource type (Step Functions logging docs)',
  'logs:PutResourcePolicy': 'Log resource policies are account-level, no resource type (Step Functions logging docs)',
  'logs:DescribeResourcePolicies': 'Account-level listing, no resource type (Step Functions logging docs)',
  'logs:DescribeLogGroups': 'Listing call with no resource type (Step Functions logging docs)',
  'ec2:CreateNetworkInterface':
    'Lambda creates VPC interfaces before their ids exist; ' +
    'AWS documents Resource "*" (AWSLambdaVPCAccessExecutionRole)',
  'ec2:DescribeNetworkInterfaces': 'EC2 Describe* calls support no resource-level permissions',
  'ec2:DeleteNetworkInterface':
    'Lambda deletes interfaces it created under ids unknown at plan time; ' +
    'AWS documents Resource "*" (AWSLambdaVPCAccessExecutionRole)',
  'ec2:AssignPrivateIpAddresses': LAMBDA_VPC_NETWORKING,
  'ec2:UnassignPrivateIpAddresses': LAMBDA_VPC_NETWORKING,
} as const satisfies Readonly<Record<string, string>>;

/** An action listed in {@link UNSCOPED_ACTION_REASONS}. */
export type UnscopedAction = keyof typeof UNSCOPED_ACTION_REASONS;

/** X-Ray actions of traced functions and state machines. */
export const TRACING_ACTIONS: readonly UnscopedAction[] = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
];

/** CloudWatch Logs vended-log delivery actions (Step Functions and API Gateway logging to CloudWatch Logs). */
export const LOG_DELIVERY_ACTIONS: readonly UnscopedAction[] = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

/** What a Lambda function in a VPC needs to manage its network interfaces. */
export const VPC_INTERFACE_ACTIONS: readonly UnscopedAction[] = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** True when `action` may be granted on `*` (see {@link UNSCOPED_ACTION_REASONS}). */
export function isUnscopedAction(action: string): action is UnscopedAction {
  return Object.prototype.hasOwnProperty.call(UNSCOPED_ACTION_REASONS, action);
}
