/**
 * The only actions an Allow statement may grant on `Resource: "*"`: IAM offers no resource
 * type for them (AWS Service Authorization Reference, "Resource types" column empty or `*`), so
 * scoping is impossible, not merely inconvenient. Each entry carries that reason; the security
 * tests fail on a `*` resource for any other action, and on any infrastructure allow-list
 * (modules/iam/policy-document.ts `UNSCOPED_ACTIONS`) that grows beyond this reviewed one.
 */
export const UNSCOPED_ACTION_REASONS: Readonly<Record<string, string>> = {
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
    'Lambda creates VPC interfaces before their ids exist; AWS documents Resource "*" ' +
    '(AWSLambdaVPCAccessExecutionRole)',
  'ec2:DescribeNetworkInterfaces': 'EC2 Describe* calls support no resource-level permissions',
  'ec2:DeleteNetworkInterface':
    'Lambda deletes interfaces it created under ids unknown at plan time; AWS documents Resource "*" ' +
    '(AWSLambdaVPCAccessExecutionRole)',
  'ec2:AssignPrivateIpAddresses':
    'Lambda VPC networking on interfaces unknown at plan time; AWS documents Resource "*" ' +
    '(AWSLambdaVPCAccessExecutionRole)',
  'ec2:UnassignPrivateIpAddresses':
    'Lambda VPC networking on interfaces unknown at plan time; AWS documents Resource "*" ' +
    '(AWSLambdaVPCAccessExecutionRole)',
  'ec2:DescribeSubnets': 'EC2 Describe* calls support no resource-level permissions',
  'ec2:DescribeSecurityGroups': 'EC2 Describe* calls support no resource-level permissions',
  'ec2:DescribeVpcs': 'EC2 Describe* calls support no resource-level permissions',
  'cloudwatch:PutMetricData':
    'CloudWatch metric writes have no resource type (scope with the cloudwatch:namespace condition instead)',
};

/** True when `action` may be granted on `*` (see {@link UNSCOPED_ACTION_REASONS}). */
export function isUnscopedAction(action: string): boolean {
  return Object.prototype.hasOwnProperty.call(UNSCOPED_ACTION_REASONS, action);
}
