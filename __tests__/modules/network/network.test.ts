import { INTERFACE_ENDPOINT_SERVICES, Network } from '../../../modules/network/network';
import {
  onlyResource,
  parsePolicy,
  resourcesOf,
  statement,
  synthJson,
  testConfig,
  testStack,
} from '../../stacks/fixtures';

describe('Network', () => {
  const stack = testStack('us-west-2');
  const network = new Network(stack, 'Network', {
    config: testConfig({ vpc: true }),
    region: 'us-west-2',
    kmsKeyArn: 'arn:key',
  });
  const json = synthJson(stack);
  const endpoints = resourcesOf(json, 'aws_vpc_endpoint');

  it('has isolated subnets in two AZs and no internet or NAT gateway', () => {
    const subnets = resourcesOf(json, 'aws_subnet');
    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
    expect(subnets.map((s) => s.availability_zone)).toEqual(['us-west-2a', 'us-west-2b']);
    expect(json.data?.aws_availability_zones).toBeUndefined();
    expect(resourcesOf(json, 'aws_internet_gateway')).toHaveLength(0);
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(0);
    expect(onlyResource(json, 'aws_route_table').route).toBeUndefined();
    expect(network.subnetIds).toHaveLength(2);
  });

  it('takes other zone letters and refuses fewer than two zones', () => {
    const other = testStack('us-west-1');
    new Network(other, 'Network', { config: testConfig({ vpc: true }), region: 'us-west-1', zoneSuffixes: ['b', 'c'] });
    expect(resourcesOf(synthJson(other), 'aws_subnet').map((s) => s.availability_zone)).toEqual([
      'us-west-1b',
      'us-west-1c',
    ]);
    expect(
      () => new Network(testStack(), 'Network', { config: testConfig(), region: 'us-east-1', zoneSuffixes: ['a'] }),
    ).toThrow(/at least two/);
  });

  it('reaches S3 and DynamoDB through gateway endpoints on the isolated route table', () => {
    const gateways = endpoints.filter((e) => e.vpc_endpoint_type === 'Gateway');
    expect(gateways.map((e) => e.service_name).sort()).toEqual([
      'com.amazonaws.us-west-2.dynamodb',
      'com.amazonaws.us-west-2.s3',
    ]);
    for (const g of gateways) expect(g.route_table_ids).toEqual([expect.stringMatching(/aws_route_table/)]);
  });

  it('reaches every other service through private-DNS interface endpoints', () => {
    const interfaces = endpoints.filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(interfaces.map((e) => e.service_name).sort()).toEqual(
      INTERFACE_ENDPOINT_SERVICES.map((s) => `com.amazonaws.us-west-2.${s}`).sort(),
    );
    for (const e of interfaces)
      expect(e).toMatchObject({
        private_dns_enabled: true,
        security_group_ids: [expect.stringMatching(/EndpointSecurityGroup/)],
      });
  });

  it('locks the default security group and lets functions speak only HTTPS to endpoints', () => {
    expect(onlyResource(json, 'aws_default_security_group')).toMatchObject({ ingress: [], egress: [] });
    const egress = resourcesOf(json, 'aws_vpc_security_group_egress_rule');
    expect(egress).toHaveLength(3);
    for (const rule of egress) expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: 443, to_port: 443 });
    expect(egress.some((r) => r.cidr_ipv4 === '0.0.0.0/0')).toBe(false);
    expect(onlyResource(json, 'aws_vpc_security_group_ingress_rule')).toMatchObject({
      from_port: 443,
      referenced_security_group_id: expect.stringMatching(/FunctionSecurityGroup/),
    });
  });

  it('records flow logs in an encrypted log group with retention, delivered by a scoped role', () => {
    expect(onlyResource(json, 'aws_flow_log')).toMatchObject({
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
    });
    expect(onlyResource(json, 'aws_cloudwatch_log_group')).toMatchObject({
      retention_in_days: 365,
      kms_key_id: 'arn:key',
    });
    const policy = parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy);
    expect(statement(policy, 'DeliverFlowLogs').Resource).toEqual([
      expect.stringMatching(/log_group/),
      expect.stringMatching(/log_group.*:\*$/),
    ]);
  });
});
