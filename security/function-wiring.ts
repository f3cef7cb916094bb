/**
 * What the platform itself does with a function's role, read from how the function is wired in
 * the synthesized stack (not from its code): Lambda writes its logs and traces, pollers read its
 * queue or stream, failed events go to its destinations, VPC interfaces are managed for it, and
 * its data key decrypts/encrypts what it touches. Together with the SDK calls found in the
 * handler's code (sdk-usage.ts), this is everything its role may allow.
 */
import { FUNCTION_NAMES, type FunctionName } from '../contract';
import { rolesOf } from './iam-matrix';
import {
  attributeText,
  parseReference,
  resolveReference,
  resourcesOfType,
  type AddressedBlock,
  type TerraformJson,
} from './terraform-json';

/** A Lambda function of a stack with its logical name and role. */
export interface DeployedFunction {
  readonly address: string;
  /** One of FUNCTION_NAMES (from POWERTOOLS_SERVICE_NAME, else the deployed name). */
  readonly name: FunctionName;
  readonly functionName: string;
  /** Address of its `aws_iam_role`. */
  readonly roleAddress: string;
  readonly body: Record<string, unknown>;
}

/** The Lambda functions of a stack. @throws Error for a function whose logical name or role cannot be found. */
export function deployedFunctions(json: TerraformJson): DeployedFunction[] {
  const roles = rolesOf(json);
  return resourcesOfType(json, 'aws_lambda_function').map((fn) => {
    const env = (fn.body.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
    const functionName = String(fn.body.function_name);
    const name = (FUNCTION_NAMES as readonly string[]).includes(env.POWERTOOLS_SERVICE_NAME)
      ? (env.POWERTOOLS_SERVICE_NAME as FunctionName)
      : FUNCTION_NAMES.find((n) => new RegExp(`-${n}-[a-z]+$`).test(functionName));
    if (!name) throw new Error(`${fn.address}: cannot tell which handler ${functionName} runs`);
    const role = [...roles.values()].find((r) => r.functions.includes(fn.address));
    if (!role) throw new Error(`${fn.address}: its role is not in the stack`);
    return { address: fn.address, name, functionName, roleAddress: role.address, body: fn.body };
  });
}

/** The AWS service an ARN attribute points at: `sqs`, `sns`, `dynamodb-stream`, `lambda`, `events`, or undefined. */
export function arnService(value: unknown): string | undefined {
  const ref = parseReference(value);
  if (ref) {
    if (ref.type === 'aws_sqs_queue') return 'sqs';
    if (ref.type === 'aws_sns_topic') return 'sns';
    if (ref.type === 'aws_dynamodb_table' && ref.attribute === 'stream_arn') return 'dynamodb-stream';
    if (ref.type === 'aws_lambda_function') return 'lambda';
    if (ref.type === 'aws_cloudwatch_event_bus') return 'events';
    return undefined;
  }
  const arn = attributeText(value, '');
  if (/^arn:[^:]+:sqs:/.test(arn)) return 'sqs';
  if (/^arn:[^:]+:sns:/.test(arn)) return 'sns';
  if (/^arn:[^:]+:dynamodb:.*\/stream\//.test(arn)) return 'dynamodb-stream';
  if (/^arn:[^:]+:lambda:/.test(arn)) return 'lambda';
  if (/^arn:[^:]+:events:/.test(arn)) return 'events';
  return undefined;
}

/** What a delivery to a destination of `service` needs. */
const DELIVERY_ACTIONS: Readonly<Record<string, string>> = {
  sqs: 'sqs:SendMessage',
  sns: 'sns:Publish',
  lambda: 'lambda:InvokeFunction',
  events: 'events:PutEvents',
};

/** Resources whose attributes point at `fn` (event source mappings, invoke configs). */
function resourcesTargeting(json: TerraformJson, type: string, fn: DeployedFunction): AddressedBlock[] {
  const fnRef = fn.address;
  return resourcesOfType(json, type).filter((r) => {
    const ref = parseReference(r.body.function_name);
    return ref ? `${ref.type}.${ref.name}` === fnRef : r.body.function_name === fn.functionName;
  });
}

/**
 * Actions the platform performs with `fn`'s role, each with why (AWS Lambda developer guide:
 * execution role permissions per feature).
 */
export function platformActions(json: TerraformJson, fn: DeployedFunction): Map<string, string> {
  const need = new Map<string, string>();
  const add = (actions: string[], why: string): void =>
    actions.forEach((a) => need.set(a, need.has(a) ? `${need.get(a)}; ${why}` : why));

  const ownLogGroup = resourcesOfType(json, 'aws_cloudwatch_log_group').some(
    (g) => g.body.name === `/aws/lambda/${fn.functionName}`,
  );
  // The log group is Terraform's, so the function never needs to create it.
  add(
    ownLogGroup
      ? ['logs:CreateLogStream', 'logs:PutLogEvents']
      : ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    'Lambda writes the function logs',
  );
  const tracing = fn.body.tracing_config as { mode?: string } | undefined;
  if (tracing?.mode === 'Active') add(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], 'active X-Ray tracing');
  if (fn.body.vpc_config) {
    add(
      [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      'VPC interfaces (AWSLambdaVPCAccessExecutionRole)',
    );
  }
  if (fn.body.kms_key_arn)
    add(
      ['kms:Decrypt', 'kms:GenerateDataKey'],
      'the data key encrypts its environment and the queues, topics, workflow (and in kms mode objects) ' +
        'it reads and writes',
    );
  const dlq = (fn.body.dead_letter_config as { target_arn?: string } | undefined)?.target_arn;
  if (dlq) {
    const action = DELIVERY_ACTIONS[arnService(dlq) ?? ''];
    if (action) add([action], 'dead-letter queue of async invokes');
  }
  for (const cfg of resourcesTargeting(json, 'aws_lambda_function_event_invoke_config', fn)) {
    const dest = cfg.body.destination_config as
      { on_failure?: { destination?: string }; on_success?: { destination?: string } } | undefined;
    for (const target of [dest?.on_failure?.destination, dest?.on_success?.destination]) {
      const action = target ? DELIVERY_ACTIONS[arnService(target) ?? ''] : undefined;
      if (action) add([action], 'async invoke destination');
    }
  }
  for (const mapping of resourcesTargeting(json, 'aws_lambda_event_source_mapping', fn)) {
    const source = arnService(mapping.body.event_source_arn);
    if (source === 'sqs')
      add(
        ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        'SQS event source mapping (Lambda developer guide)',
      );
    else if (source === 'dynamodb-stream')
      add(
        ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        'DynamoDB stream event source mapping',
      );
    else throw new Error(`${mapping.address}: unsupported event source ${String(mapping.body.event_source_arn)}`);
    const failure = (mapping.body.destination_config as { on_failure?: { destination_arn?: string } } | undefined)
      ?.on_failure?.destination_arn;
    const action = failure ? DELIVERY_ACTIONS[arnService(failure) ?? ''] : undefined;
    if (action) add([action], 'event source mapping on-failure destination');
  }
  return need;
}

/**
 * A resource string in one comparable form whatever way it was written: bucket references as
 * `arn:aws:s3:::<bucket>`, other references as `<type:literal-name:attribute>` (data sources and
 * resources alike), unnamed data sources (partition, caller identity) as `<data.type:attribute>`,
 * literals unchanged.
 */
export function canonicalResource(json: TerraformJson, value: string): string {
  return value.replace(/\$\{([^{}]+)\}/g, (whole) => {
    const ref = parseReference(whole);
    const block = ref ? resolveReference(json, ref) : undefined;
    if (!ref || !block) return whole;
    const literal = [block.body.bucket, block.body.name, block.body.function_name].find(
      (v) => typeof v === 'string' && !v.includes('${'),
    ) as string | undefined;
    // A data source without a name (the partition, the account): the same in every stack.
    if (!literal && ref.mode === 'data') return `<data.${ref.type}:${ref.attribute}>`;
    if (!literal) return whole;
    if (ref.type === 'aws_s3_bucket' && ref.attribute === 'arn') return `arn:aws:s3:::${literal}`;
    return `<${ref.type}:${literal}:${ref.attribute}>`;
  });
}
