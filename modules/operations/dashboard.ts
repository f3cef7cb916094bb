/**
 * The CloudWatch dashboard of one region: function invocations, errors and duration, DynamoDB
 * capacity and throttles, API traffic, queue depths and workflow executions.
 */
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { Construct } from 'constructs';
import { resourceName, type NamingConfig } from '../../config';
import { jsonAttribute } from '../json-attribute';

/** Props of {@link Dashboard}. */
export interface DashboardProps {
  readonly config: NamingConfig;
  readonly region: string;
  /** Deployed Lambda function names. */
  readonly functionNames: string[];
  readonly tableName: string;
  /** Queues whose depth is shown (processing queue first). */
  readonly queueNames: string[];
  /** HTTP API id and stage. Default: no API widget. */
  readonly api?: { readonly apiId: string; readonly stage: string };
  /** File workflow. Default: no executions widget. */
  readonly stateMachineArn?: string;
}

type MetricRow = (string | { stat?: string; label?: string })[];

interface Widget {
  type: 'metric';
  width: number;
  height: number;
  properties: { title: string; region: string; view: 'timeSeries'; stat: string; period: number; metrics: MetricRow[] };
}

/** One dashboard per region (dashboard names are account-wide, so the name carries the region). */
export class Dashboard extends Construct {
  readonly dashboardName: string;
  /** Widget titles, in order. */
  readonly widgetTitles: string[];

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const widget = (title: string, stat: string, metrics: MetricRow[]): Widget => ({
      type: 'metric',
      width: 12,
      height: 6,
      properties: { title, region: props.region, view: 'timeSeries', stat, period: 300, metrics },
    });
    const perFunction = (metric: string): MetricRow[] =>
      props.functionNames.map((fn) => ['AWS/Lambda', metric, 'FunctionName', fn]);
    const table = (metric: string): MetricRow => ['AWS/DynamoDB', metric, 'TableName', props.tableName];

    const widgets: Widget[] = [
      widget('Lambda invocations', 'Sum', perFunction('Invocations')),
      widget('Lambda errors', 'Sum', perFunction('Errors')),
      widget('Lambda duration p99', 'p99', perFunction('Duration')),
      widget('Lambda throttles', 'Sum', perFunction('Throttles')),
      widget('DynamoDB consumed capacity', 'Sum', [
        table('ConsumedReadCapacityUnits'),
        table('ConsumedWriteCapacityUnits'),
      ]),
      widget('DynamoDB throttles', 'Sum', [
        table('ReadThrottleEvents'),
        table('WriteThrottleEvents'),
        table('ThrottledRequests'),
      ]),
      widget(
        'Queue depth',
        'Maximum',
        props.queueNames.map((q) => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', q]),
      ),
    ];
    if (props.api) {
      const { apiId, stage } = props.api;
      widgets.push(
        widget(
          'API requests and errors',
          'Sum',
          ['Count', '4xx', '5xx'].map((m) => ['AWS/ApiGateway', m, 'ApiId', apiId, 'Stage', stage]),
        ),
        widget('API latency p99', 'p99', [['AWS/ApiGateway', 'Latency', 'ApiId', apiId, 'Stage', stage]]),
      );
    }
    if (props.stateMachineArn) {
      widgets.push(
        widget(
          'File workflow executions',
          'Sum',
          ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed'].map((m) => [
            'AWS/States',
            m,
            'StateMachineArn',
            props.stateMachineArn as string,
          ]),
        ),
      );
    }
    this.widgetTitles = widgets.map((w) => w.properties.title);

    const dashboard = new CloudwatchDashboard(this, 'Dashboard', {
      dashboardName: resourceName(props.config, 'pipeline', props.region),
      dashboardBody: jsonAttribute({ widgets }),
    });
    this.dashboardName = dashboard.dashboardName;
  }
}
