import { Dashboard } from '../../../modules/operations/dashboard';
import { decodeJson, onlyResource, synthJson, testConfig, testStack } from '../../stacks/fixtures';

describe('Dashboard', () => {
  const stack = testStack('us-west-2');
  new Dashboard(stack, 'Dashboard', {
    config: testConfig(),
    region: 'us-west-2',
    functionNames: ['fn-a', 'fn-b'],
    tableName: 'table',
    queueNames: ['queue', 'dlq'],
    api: { apiId: 'api123', stage: 'prod' },
    stateMachineArn: 'arn:sm',
  });
  const dashboard = onlyResource(synthJson(stack), 'aws_cloudwatch_dashboard');
  const body = decodeJson(dashboard.dashboard_body) as {
    widgets: { properties: { title: string; region: string; metrics: string[][] } }[];
  };
  const metricsOf = (title: string): string[][] =>
    body.widgets.find((w) => w.properties.title === title)?.properties.metrics ?? [];

  it('is named per region (dashboard names are account-wide)', () => {
    expect(dashboard.dashboard_name).toBe('market-data-pipeline-dev-us-west-2');
    for (const w of body.widgets) expect(w.properties.region).toBe('us-west-2');
  });

  it('shows invocations, errors and duration of every function', () => {
    for (const title of ['Lambda invocations', 'Lambda errors', 'Lambda duration p99']) {
      expect(metricsOf(title).map((m) => m[3])).toEqual(['fn-a', 'fn-b']);
    }
  });

  it('shows DynamoDB consumed capacity and throttles', () => {
    expect(metricsOf('DynamoDB consumed capacity').map((m) => m[1])).toEqual([
      'ConsumedReadCapacityUnits',
      'ConsumedWriteCapacityUnits',
    ]);
    expect(metricsOf('DynamoDB throttles').length).toBeGreaterThan(0);
  });

  it('shows API count, 4xx, 5xx and latency, queue depth and executions', () => {
    expect(metricsOf('API requests and errors').map((m) => m[1])).toEqual(['Count', '4xx', '5xx']);
    expect(metricsOf('API latency p99')).toEqual([['AWS/ApiGateway', 'Latency', 'ApiId', 'api123', 'Stage', 'prod']]);
    expect(metricsOf('Queue depth').map((m) => m[3])).toEqual(['queue', 'dlq']);
    expect(metricsOf('File workflow executions').map((m) => m[1])).toContain('ExecutionsFailed');
  });
});
