import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp, projectRoot } from '#infra/app.ts';
import { envConfigSchema } from '#infra/env-config.ts';
import { RouterStack } from '#infra/router-stack.ts';
import { usageRules } from '#shared/events/event-rules.ts';

// The synthesized CloudFormation of every environment, offline: real bundling with the local
// esbuild, no Docker, no credentials. Plus cdk-nag with zero unacknowledged findings.

const outdirs: string[] = [];
const newApp = (context: Record<string, string> = {}): App => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-test-'));
  outdirs.push(outdir);
  return new App({ outdir, context });
};
afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

interface Synthesized {
  template: Template;
  report: unknown;
}

/** Synthesizes like `cdk synth -c env=<name>`; a cdk-nag error makes `synth()` throw. */
const synthesize = (envName: string): Synthesized => {
  const { app, stack } = buildApp(envName, newApp({ env: envName }));
  const assembly = app.synth();
  const reportPath = join(assembly.directory, 'validation-report.json');
  return {
    template: Template.fromStack(stack),
    report: existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : undefined,
  };
};

const stacks: Record<string, Synthesized> = {};
beforeAll(() => {
  for (const envName of ['dev', 'staging', 'prod']) stacks[envName] = synthesize(envName);
}, 120_000);
const of = (envName: string): Template => {
  const synthesized = stacks[envName];
  if (!synthesized) throw new Error(`not synthesized: ${envName}`);
  return synthesized.template;
};

describe.each(['dev', 'staging', 'prod'])('environment %s', (envName) => {
  test('synthesizes with no cdk-nag finding left unacknowledged', () => {
    const report = stacks[envName]?.report as { pluginReports?: Array<{ violations?: unknown[] }> } | undefined;
    const violations = (report?.pluginReports ?? []).flatMap((plugin) => plugin.violations ?? []);
    expect(violations).toEqual([]);
  });

  test('API Gateway streams the router Lambda through a proxy on every path', () => {
    const template = of(envName);
    template.resourceCountIs('AWS::ApiGateway::Method', 2);
    template.allResourcesProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      Integration: Match.objectLike({
        Type: 'AWS_PROXY',
        ResponseTransferMode: 'STREAM',
        TimeoutInMillis: 300_000,
        Uri: Match.objectLike({
          'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('/response-streaming-invocations')])]),
        }),
      }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: envName,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() }),
      ]),
    });
  });

  test('three on-demand tables with point-in-time recovery and encryption, TTL where windows expire', () => {
    const template = of(envName);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 3);
    template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: Match.objectLike({ SSEEnabled: true }),
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    template.resourcePropertiesCountIs(
      'AWS::DynamoDB::GlobalTable',
      { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } },
      2,
    );
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'byId' }),
        Match.objectLike({ IndexName: 'byTenant' }),
      ]),
    });
  });

  test('Lambdas run Node 24 on arm64 with their own log groups and the stack-provided environment', () => {
    const template = of(envName);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      LoggingConfig: Match.objectLike({ LogGroup: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          KEYS_TABLE: Match.anyValue(),
          LIMITS_TABLE: Match.anyValue(),
          USAGE_TABLE: Match.anyValue(),
          EVENT_BUS_NAME: Match.anyValue(),
          ADMIN_KEY_SECRET_ARN: Match.anyValue(),
          PROVIDER_SECRETS_ARN: Match.anyValue(),
          ROUTER_CONFIG: 'router-config.json',
        }),
      },
    });
  });

  test('IAM grants name exact resources: no table action on "*", no managed Lambda policy', () => {
    const template = of(envName);
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } } })
          .Properties.PolicyDocument.Statement,
    );
    const wildcard = statements.filter((statement) => JSON.stringify(statement.Resource) === '"*"');
    const wildcardActions = wildcard.flatMap((statement) =>
      Array.isArray(statement.Action) ? statement.Action : [statement.Action],
    );
    expect(wildcardActions.every((action) => action.startsWith('xray:'))).toBe(true);
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
      },
    });
    for (const role of Object.values(roles))
      expect((role as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('usage events: a bus with an archive, the shared rules, and a metering target with retries and a DLQ', () => {
    const template = of(envName);
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::Archive', { EventPattern: { source: ['inference-router'] } });
    const metering = usageRules.find((rule) => rule.id === 'metering');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: metering?.pattern('inference-router'),
      Targets: [
        Match.objectLike({
          DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        }),
      ],
    });
  });

  test('alarms on 5xx rate, latency, Lambda errors and throttles, dead letters and lost events, and a dashboard', () => {
    const template = of(envName);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => (alarm as { Properties: { AlarmName: string } }).Properties.AlarmName,
    );
    for (const name of [
      'Api5xxRate',
      'ApiLatencyP99',
      'RouterErrors',
      'RouterThrottles',
      'MeteringErrors',
      'DeadLetters1',
      'UsageEventsNotPublished',
    ]) {
      expect(alarms).toContain(`inference-router-${envName}-${name}`);
    }
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [Match.anyValue()] });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('prod differs from dev', () => {
  test('prod retains data and protects tables from deletion; dev does not', () => {
    for (const [envName, retained] of [
      ['prod', true],
      ['dev', false],
    ] as const) {
      const tables = of(envName).findResources('AWS::DynamoDB::GlobalTable');
      for (const table of Object.values(tables) as Array<{
        DeletionPolicy: string;
        Properties: { Replicas: Array<{ DeletionProtectionEnabled?: boolean }> };
      }>) {
        expect(table.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
        expect(table.Properties.Replicas[0]?.DeletionProtectionEnabled ?? false).toBe(retained);
      }
    }
  });

  test('prod mails alarms, reserves concurrency, traces and runs WAF; dev has none of it', () => {
    of('prod').hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    of('dev').resourceCountIs('AWS::SNS::Subscription', 0);
    of('prod').hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 500 });
    of('prod').hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({ Name: 'RateLimitPerIp', Statement: { RateBasedStatement: { Limit: 5000, AggregateKeyType: 'IP' } } }),
      ]),
    });
    of('prod').resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    of('dev').resourceCountIs('AWS::WAFv2::WebACL', 0);
    of('prod').allResourcesProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    of('dev').resourcePropertiesCountIs('AWS::Lambda::Function', { TracingConfig: Match.anyValue() }, 0);
    of('prod').hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    of('dev').hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });
});

describe('a router config with Lago and Bedrock', () => {
  const template = (() => {
    const app = newApp();
    const stack = new RouterStack(app, 'with-lago', {
      envName: 'test',
      settings: envConfigSchema.parse({ routerConfig: 'test/fixtures/infra/lago-config.json' }),
      projectRoot,
    });
    return Template.fromStack(stack);
  })();

  test('served events reach Lago-sync through a batching queue with partial failures and a DLQ after 5 receives', () => {
    const lago = usageRules.find((rule) => rule.id === 'lago-sync');
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: lago?.pattern('inference-router') });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      VisibilityTimeout: 360,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LAGO_DLQ_URL: Match.anyValue(), PROVIDER_SECRETS_ARN: Match.anyValue() }) },
    });
  });

  test('the router may invoke exactly the configured Bedrock models', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            Resource: Match.arrayWith(['arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0']),
          }),
        ]),
      },
    });
  });
});

test('an unknown environment fails with the path it looked for', () => {
  expect(() => buildApp('qa', newApp({ env: 'qa' }))).toThrow(/infra\/env\/qa\.json/);
});
