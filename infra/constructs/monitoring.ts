import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  type Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, METRICS } from '../../shared/observability/metric-names.ts';
import type { EnvConfig } from '../env-config.ts';

export interface MonitoringProps {
  envName: string;
  env: EnvConfig;
  api: RestApi;
  functions: Record<string, IFunction>;
  deadLetterQueues: Queue[];
}

/**
 * Alarms on what hurts users and billing (5xx rate, throttles, Lambda errors, p99 latency, events
 * waiting in a dead-letter queue, usage events not published) to an SNS topic (email when
 * configured), and a dashboard of requests, tokens, cost and errors by model.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', {
      masterKey: new Key(this, 'AlarmsKey', { enableKeyRotation: true }),
      enforceSSL: true,
    });
    if (props.env.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.env.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (name: string, metric: Metric | MathExpression, threshold: number, description: string): void => {
      const created = metric.createAlarm(this, name, {
        alarmName: `inference-router-${props.envName}-${name}`,
        alarmDescription: description,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
    };
    const period = Duration.minutes(5);
    const { api } = props;

    alarm(
      'Api5xxRate',
      new MathExpression({
        expression: '100 * errors / MAX([requests, 1])',
        usingMetrics: {
          errors: api.metricServerError({ period, statistic: 'Sum' }),
          requests: api.metricCount({ period, statistic: 'Sum' }),
        },
        period,
        label: '5xx %',
      }),
      props.env.alarms.errorRatePercent,
      'Share of API requests answered 5xx',
    );
    alarm(
      'ApiLatencyP99',
      api.metricLatency({ period, statistic: 'p99' }),
      props.env.alarms.p99LatencyMs,
      'p99 latency of the API (streams: until the response ends)',
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.metricErrors({ period, statistic: 'Sum' }), 0, `${name} Lambda invocations that failed`);
      alarm(`${name}Throttles`, fn.metricThrottles({ period, statistic: 'Sum' }), 0, `${name} Lambda invocations throttled`);
    }
    props.deadLetterQueues.forEach((queue, index) => {
      alarm(
        `DeadLetters${index + 1}`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        0,
        `Usage events waiting in ${queue.node.path}`,
      );
    });
    alarm(
      'UsageEventsNotPublished',
      new Metric({
        namespace: METRIC_NAMESPACE,
        metricName: METRICS.eventsNotPublished,
        dimensionsMap: { service: 'inference-router' },
        period,
        statistic: 'Sum',
      }),
      0,
      'Usage events the router could not publish (see the logs for their detail)',
    );

    const byModel = (metric: string, label: string) =>
      new MathExpression({
        expression: `SEARCH('{${METRIC_NAMESPACE},model,service} MetricName="${metric}"', 'Sum', 300)`,
        period,
        label,
      });
    new Dashboard(this, 'Dashboard', {
      dashboardName: `inference-router-${props.envName}`,
      widgets: [
        [
          new GraphWidget({
            title: 'API requests and 5xx',
            left: [api.metricCount({ period, statistic: 'Sum' }), api.metricServerError({ period, statistic: 'Sum' })],
            width: 12,
          }),
          new GraphWidget({
            title: 'API latency',
            left: [api.metricLatency({ period, statistic: 'p50' }), api.metricLatency({ period, statistic: 'p99' })],
            width: 12,
          }),
        ],
        [
          new GraphWidget({ title: 'Requests by model', left: [byModel(METRICS.requests, 'requests')], width: 8 }),
          new GraphWidget({ title: 'Errors by model', left: [byModel(METRICS.errors, 'errors')], width: 8 }),
          new GraphWidget({ title: 'Cost by model (micro-dollars)', left: [byModel(METRICS.costMicros, 'cost')], width: 8 }),
        ],
        [
          new GraphWidget({ title: 'Prompt tokens by model', left: [byModel(METRICS.promptTokens, 'prompt tokens')], width: 12 }),
          new GraphWidget({
            title: 'Completion tokens by model',
            left: [byModel(METRICS.completionTokens, 'completion tokens')],
            width: 12,
          }),
        ],
      ],
    });
  }
}
