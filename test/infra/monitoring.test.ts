import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MockIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { expect, test } from 'vitest';
import { Monitoring } from '#infra/constructs/monitoring.ts';
import { envConfigSchema } from '#infra/env-config.ts';

// The monitoring construct alone, for what the environments' configs are too small to show.

const monitor = (models: Array<{ id: string; provider: string }>): Template => {
  const stack = new Stack(new App(), 'monitoring');
  const api = new RestApi(stack, 'Api');
  api.root.addMethod('GET', new MockIntegration());
  new Monitoring(stack, 'Monitoring', {
    envName: 'test',
    env: envConfigSchema.parse({}),
    api,
    functions: { Router: LambdaFunction.fromFunctionName(stack, 'Router', 'router') },
    deadLetterQueues: [],
    models,
  });
  return Template.fromStack(stack);
};

test('more models than one alarm can hold get time-to-first-token alarms of at most 10 metrics each', () => {
  // Prepare
  const models = Array.from({ length: 11 }, (_, index) => ({ id: `model-${index}`, provider: 'openai' }));

  // Act
  const template = monitor(models);

  // Assess
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: 'inference-router-test-TimeToFirstTokenP99',
    Metrics: Match.arrayWith([
      Match.objectLike({ Expression: 'MAX([ttft0, ttft1, ttft2, ttft3, ttft4, ttft5, ttft6, ttft7, ttft8, ttft9])' }),
    ]),
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: 'inference-router-test-TimeToFirstTokenP99-2',
    Metrics: Match.arrayWith([
      Match.objectLike({ Expression: 'MAX([ttft0])' }),
      Match.objectLike({
        MetricStat: Match.objectLike({
          Metric: Match.objectLike({ Dimensions: Match.arrayWith([{ Name: 'model', Value: 'model-10' }]) }),
        }),
      }),
    ]),
  });
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Array<{
    Properties: { Metrics?: unknown[] };
  }>;
  for (const alarm of alarms) expect((alarm.Properties.Metrics ?? []).length).toBeLessThanOrEqual(11);
});
