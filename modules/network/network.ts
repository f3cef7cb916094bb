/**
 * Optional private network of one region (`config.vpc`): isolated subnets in two AZs with no
 * internet gateway and no NAT, gateway endpoints for S3 and DynamoDB, interface endpoints with
 * private DNS for every other service the functions call, a locked default security group,
 * and VPC flow logs.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { resourceName, type PipelineConfig } from '../../config';
import { PolicyDocument, serviceTrustPolicy } from '../iam/policy-document';

/** Services reached through interface endpoints (S3 and DynamoDB use free gateway endpoints). */
export const INTERFACE_ENDPOINT_SERVICES = ['sqs', 'sns', 'events', 'states', 'logs', 'xray', 'kms'] as const;

/** Props of {@link Network}. */
export interface NetworkProps {
  readonly config: Pick<PipelineConfig, 'namePrefix' | 'env' | 'logRetentionDays' | 'vpc' | 'vpcCidr'>;
  readonly region: string;
  /**
   * Availability-zone letters of the isolated subnets, one subnet each (at least two). Named
   * zones, not a lookup, so the set never changes when AWS adds a zone. Default `['a', 'b']`
   * (some older accounts lack a zone letter in a region, e.g. us-west-1: pass `['b', 'c']`).
   */
  readonly zoneSuffixes?: string[];
  /** KMS key of the flow-log group. Default: CloudWatch-managed encryption. */
  readonly kmsKeyArn?: string;
}

/** Isolated VPC with endpoints; functions attach through {@link subnetIds} and {@link functionSecurityGroupId}. */
export class Network extends Construct {
  readonly vpcId: string;
  readonly subnetIds: string[];
  /** Security group of the functions: HTTPS egress to the endpoints and the S3/DynamoDB prefix lists only. */
  readonly functionSecurityGroupId: string;
  readonly endpointSecurityGroupId: string;
  readonly flowLogGroupName: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { config, region } = props;
    const zones = (props.zoneSuffixes ?? ['a', 'b']).map((suffix) => `${region}${suffix}`);
    if (zones.length < 2) throw new Error(`Network needs at least two availability zones, got ${zones.join(', ')}`);
    const vpc = new Vpc(this, 'Vpc', {
      cidrBlock: config.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: resourceName(config, 'vpc', region) },
    });
    this.vpcId = vpc.id;
    // Whatever lands in the default group gets no traffic at all.
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', { vpcId: vpc.id, ingress: [], egress: [] });

    const routeTable = new RouteTable(this, 'IsolatedRoutes', {
      vpcId: vpc.id,
      tags: { Name: resourceName(config, 'isolated', region) },
    });
    const subnets = zones.map((zone, i) => {
      const subnet = new Subnet(this, `IsolatedSubnet${i + 1}`, {
        vpcId: vpc.id,
        cidrBlock: Fn.cidrsubnet(config.vpcCidr, 4, i),
        availabilityZone: zone,
        mapPublicIpOnLaunch: false,
        tags: { Name: resourceName(config, `isolated-${i + 1}`, region) },
      });
      new RouteTableAssociation(this, `IsolatedSubnet${i + 1}Routes`, {
        subnetId: subnet.id,
        routeTableId: routeTable.id,
      });
      return subnet;
    });
    this.subnetIds = subnets.map((s) => s.id);

    const functionsSg = new SecurityGroup(this, 'FunctionSecurityGroup', {
      name: resourceName(config, 'functions', region),
      description: 'Pipeline functions: HTTPS to VPC endpoints only',
      vpcId: vpc.id,
    });
    const endpointsSg = new SecurityGroup(this, 'EndpointSecurityGroup', {
      name: resourceName(config, 'endpoints', region),
      description: 'Interface endpoints: HTTPS from pipeline functions only',
      vpcId: vpc.id,
    });
    this.functionSecurityGroupId = functionsSg.id;
    this.endpointSecurityGroupId = endpointsSg.id;
    new VpcSecurityGroupIngressRule(this, 'EndpointsFromFunctions', {
      securityGroupId: endpointsSg.id,
      referencedSecurityGroupId: functionsSg.id,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'HTTPS from pipeline functions',
    });
    new VpcSecurityGroupEgressRule(this, 'FunctionsToEndpoints', {
      securityGroupId: functionsSg.id,
      referencedSecurityGroupId: endpointsSg.id,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'HTTPS to interface endpoints',
    });

    for (const service of ['s3', 'dynamodb'] as const) {
      const gateway = new VpcEndpoint(this, `${service}GatewayEndpoint`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [routeTable.id],
      });
      new VpcSecurityGroupEgressRule(this, `FunctionsTo${service}`, {
        securityGroupId: functionsSg.id,
        prefixListId: gateway.prefixListId,
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        description: `HTTPS to ${service} through its gateway endpoint`,
      });
    }
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new VpcEndpoint(this, `${service}InterfaceEndpoint`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: this.subnetIds,
        securityGroupIds: [endpointsSg.id],
      });
    }

    const flowLogGroup = new CloudwatchLogGroup(this, 'FlowLogGroup', {
      name: `/vpc/${resourceName(config, 'flow-logs', region)}`,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.flowLogGroupName = flowLogGroup.name;
    const flowLogRole = new IamRole(this, 'FlowLogRole', {
      name: resourceName(config, 'flow-logs', region),
      assumeRolePolicy: serviceTrustPolicy('vpc flow logs', 'vpc-flow-logs.amazonaws.com'),
    });
    const flowLogPolicy = new PolicyDocument('vpc flow logs').add({
      Sid: 'DeliverFlowLogs',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:DescribeLogGroups'],
      Resource: [flowLogGroup.arn, `${flowLogGroup.arn}:*`],
    });
    new IamRolePolicy(this, 'FlowLogPolicy', {
      name: 'deliver-flow-logs',
      role: flowLogRole.id,
      policy: flowLogPolicy.toJson(),
    });
    new FlowLog(this, 'FlowLog', {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 600,
    });
  }
}
