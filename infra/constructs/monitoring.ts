import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, METRICS, metricsService } from '../../shared/observability/metric-names.ts';
import type { EnvConfig } from '../env-config.ts';

export interface MonitoringProps {
  envName: string;
  env: EnvConfig;
  api: RestApi;
  functions: Record<string, IFunction>;
  deadLetterQueues: Queue[];
  /** The config's models: the router's metrics carry their id and provider as dimensions. */
  models: ReadonlyArray<{ id: string; provider: string }>;
}

/** The router's EMF metrics: Powertools adds `service` to the `model` and `provider` it is given. */
/** A CloudWatch SEARCH schema must name a metric's full dimension set, or it matches nothing. */
const BY_MODEL_SCHEMA = `{${METRIC_NAMESPACE},model,provider,service}`;
/** CloudWatch takes at most 10 metrics in one alarm's math expression. */
const METRICS_PER_ALARM = 10;

/**
 * Alarms on what hurts users and billing (5xx rate, time to first token, throttles, Lambda errors,
 * events waiting in a dead-letter queue, usage events not published) to an SNS topic (email when
 * configured), and a dashboard of requests, tokens, cost, errors and time to first token by model.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const retain = props.env.removalPolicy === 'retain';
    const alarmPrefix = `inference-router-${props.envName}-`;
    // The router of this environment emits its metrics under this service (METRICS_SERVICE).
    const service = metricsService(props.envName);
    // CloudWatch publishes alarm notifications itself: the topic and its key must let it, for this
    // stack's alarms only (the key policy otherwise allows the account alone, and the topic policy
    // enforcing TLS replaces SNS's default one).
    const fromTheseAlarms = {
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${alarmPrefix}*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
      StringEquals: { 'aws:SourceAccount': stack.account },
    };
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const key = new Key(this, 'AlarmsKey', {
      description: `Encrypts the inference router's alarm topic (${props.envName})`,
      enableKeyRotation: true,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromTheseAlarms,
      }),
    );
    this.topic = new Topic(this, 'Alarms', { masterKey: key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromTheseAlarms,
      }),
    );
    if (props.env.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.env.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (
      name: string,
      metric: Metric | MathExpression,
      threshold: number,
      description: string,
      periods: { evaluationPeriods: number; datapointsToAlarm: number } = { evaluationPeriods: 1, datapointsToAlarm: 1 },
    ): void => {
      const created = metric.createAlarm(this, name, {
        alarmName: `${alarmPrefix}${name}`,
        alarmDescription: description,
        threshold,
        ...periods,
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
        // IF, not MAX([requests, 1]): a scalar in a series array is not valid metric math for an alarm.
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
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
    // API Gateway's Latency of a stream lasts until its last token: alarm on the router's time to
    // first token instead, the worst model's p99. Models come from the config (an alarm cannot SEARCH).
    const ttft = (model: { id: string; provider: string }): Metric =>
      new Metric({
        namespace: METRIC_NAMESPACE,
        metricName: METRICS.timeToFirstToken,
        dimensionsMap: { service, model: model.id, provider: model.provider },
        period,
        statistic: 'p99',
      });
    for (let start = 0; start < props.models.length; start += METRICS_PER_ALARM) {
      const chunk = props.models.slice(start, start + METRICS_PER_ALARM);
      const usingMetrics = Object.fromEntries(chunk.map((model, index) => [`ttft${index}`, ttft(model)]));
      const suffix = start === 0 ? '' : `-${start / METRICS_PER_ALARM + 1}`;
      alarm(
        `TimeToFirstTokenP99${suffix}`,
        new MathExpression({
          expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`,
          usingMetrics,
          period,
          label: 'time to first token p99 (worst model)',
        }),
        props.env.alarms.timeToFirstTokenP99Ms,
        `p99 time to first token of the slowest model (${chunk.map((model) => model.id).join(', ')}), in 2 of 3 five-minute periods`,
        // One slow request is the p99 of a quiet model: ask for it twice.
        { evaluationPeriods: 3, datapointsToAlarm: 2 },
      );
    }
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
        // Instance counts go on a line of their own, with no model dimensions.
        dimensionsMap: { service },
        period,
        statistic: 'Sum',
      }),
      0,
      'Usage events the router could not publish (see the logs for their detail)',
    );

    const byModel = (metric: string, label: string, statistic = 'Sum') =>
      new MathExpression({
        expression: `SEARCH('${BY_MODEL_SCHEMA} MetricName="${metric}" service="${service}"', '${statistic}', 300)`,
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
            width: 8,
          }),
          new GraphWidget({
            title: 'Time to first token p99 by model (ms)',
            left: [byModel(METRICS.timeToFirstToken, 'time to first token', 'p99')],
            width: 8,
          }),
          new GraphWidget({
            title: 'API latency (a stream: until its last byte)',
            left: [api.metricLatency({ period, statistic: 'p50' }), api.metricLatency({ period, statistic: 'p99' })],
            width: 8,
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
