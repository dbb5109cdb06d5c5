import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { usageRules } from '#shared/events/event-rules.ts';
import { EVERY_OPTION, removeAssemblies, type Synthesized, synthesize } from './synthesize.ts';

// The synthesized CloudFormation of every environment and of a config with every option on,
// through the same app builder as `cdk synth` (cdk-nag included), offline.

const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
const OPTIONS = 'every option';
type Synthesis = (typeof ENVIRONMENTS)[number] | typeof OPTIONS;

const synthesized: Partial<Record<Synthesis, Synthesized>> = {};
beforeAll(() => {
  for (const envName of ENVIRONMENTS) synthesized[envName] = synthesize(envName);
  synthesized[OPTIONS] = synthesize('dev', { overrides: EVERY_OPTION });
}, 180_000);
afterAll(removeAssemblies);

const result = (name: Synthesis): Synthesized => {
  const found = synthesized[name];
  if (!found) throw new Error(`not synthesized: ${name}`);
  return found;
};
const of = (name: Synthesis): Template => result(name).template;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

/** A resource as a readable name: `{"Fn::GetAtt": ["X", "Arn"]}` is `X`, joins are concatenated. */
const nameOf = (resource: unknown): string => {
  if (typeof resource === 'string') return resource;
  const value = resource as Record<string, unknown>;
  if ('Ref' in value) return String(value.Ref);
  if ('Fn::GetAtt' in value) return String((value['Fn::GetAtt'] as unknown[])[0]);
  if ('Fn::Join' in value) return (value['Fn::Join'] as [string, unknown[]])[1].map(nameOf).join('');
  return JSON.stringify(resource);
};
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** What the Lambda whose role has this description may do: resource name -> sorted actions. */
const grantsOf = (template: Template, lambda: 'router' | 'metering' | 'lago-sync'): Record<string, string[]> => {
  const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: `inference-router ${lambda}` } });
  const roleIds = Object.keys(roles);
  expect(roleIds).toHaveLength(1);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Array<{
    Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: Statement[] } };
  }>;
  const grants: Record<string, Set<string>> = {};
  for (const policy of policies.filter((candidate) => candidate.Properties.Roles.some((role) => roleIds.includes(role.Ref)))) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      expect(statement.Effect).toBe('Allow');
      for (const resource of list(statement.Resource)) {
        const name = nameOf(resource);
        grants[name] ??= new Set();
        for (const action of list(statement.Action)) grants[name].add(action);
      }
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([name, actions]) => [name, [...actions].sort()]));
};

/** Logical id of the one resource of this type whose id starts with `prefix`. */
const idOf = (template: Template, type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

const alarmNames = (template: Template): string[] =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => (alarm as { Properties: { AlarmName: string } }).Properties.AlarmName,
  );

describe.each([...ENVIRONMENTS, OPTIONS] as const)('%s', (name) => {
  test('synthesizes with no cdk-nag finding left unacknowledged', () => {
    // Assess
    expect(result(name).violations).toEqual([]);
  });
});

describe.each(ENVIRONMENTS)('environment %s', (envName) => {
  test('API Gateway streams the router Lambda through a proxy on every path', () => {
    // Prepare
    const template = of(envName);

    // Assess
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

  test('access logs carry the streaming fields: transfer mode, time to all headers, time to first content', () => {
    // Prepare
    const stages = Object.values(of(envName).findResources('AWS::ApiGateway::Stage')) as Array<{
      Properties: { AccessLogSetting: { Format: string } };
    }>;

    // Act
    const format = JSON.parse(stages[0]?.Properties.AccessLogSetting.Format ?? '{}') as Record<string, string>;

    // Assess
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      responseTransferMode: '$context.integration.responseTransferMode',
      timeToAllHeaders: '$context.integration.timeToAllHeaders',
      timeToFirstContent: '$context.integration.timeToFirstContent',
      integrationLatency: '$context.integration.latency',
    });
  });

  test("API Gateway's own errors (throttling, WAF, too large, integration failures) answer in OpenAI's error JSON", () => {
    // Prepare
    const responses = Object.values(of(envName).findResources('AWS::ApiGateway::GatewayResponse')) as Array<{
      Properties: { ResponseType: string; ResponseTemplates: Record<string, string> };
    }>;

    // Act
    const bodies = Object.fromEntries(
      responses.map((response) => [
        response.Properties.ResponseType,
        // What API Gateway sends once it substitutes the $context variables.
        JSON.parse(
          (response.Properties.ResponseTemplates['application/json'] ?? '')
            .replaceAll('$context.error.messageString', '"Forbidden"')
            .replaceAll('$context.requestId', 'f00d'),
        ) as unknown,
      ]),
    );

    // Assess
    expect(Object.keys(bodies).sort()).toEqual([
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'INTEGRATION_FAILURE',
      'INTEGRATION_TIMEOUT',
      'REQUEST_TOO_LARGE',
      'THROTTLED',
      'WAF_FILTERED',
    ]);
    for (const body of Object.values(bodies))
      expect(body).toEqual({
        error: { message: expect.any(String), type: expect.any(String), param: null, code: expect.any(String) },
      });
    expect(bodies.THROTTLED).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
    expect(bodies.WAF_FILTERED).toMatchObject({ error: { type: 'permission_error', code: 'request_blocked' } });
    expect(bodies.DEFAULT_4XX).toMatchObject({ error: { message: 'Forbidden' } });
    expect(bodies.DEFAULT_5XX).toMatchObject({ error: { message: expect.stringContaining('request id f00d') } });
  });

  test('the stack does not own the account-wide API Gateway CloudWatch role: a retained stack it depends on does', () => {
    // Prepare
    const { template, account, dependencies } = result(envName);

    // Assess
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.resourcePropertiesCountIs(
      'AWS::IAM::Role',
      {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        }),
      },
      0,
    );
    expect(dependencies).toEqual(['inference-router-api-gateway-account']);
    account?.template.resourceCountIs('AWS::ApiGateway::Account', 1);
    account?.template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    account?.template.hasResource('AWS::IAM::Role', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        }),
      }),
    });
  });

  test('three on-demand tables with point-in-time recovery and encryption, TTL where windows expire', () => {
    // Prepare
    const template = of(envName);

    // Assess
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
    // Prepare
    const template = of(envName);

    // Assess
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

  test('IAM grants name exact resources: no action on "*" but X-Ray, no managed Lambda policy', () => {
    // Prepare
    const template = of(envName);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );

    // Act
    const wildcardActions = statements
      .filter((statement) => statement.Resource === '*')
      .flatMap((statement) => list(statement.Action));

    // Assess
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

  test('the router may call exactly what its stores, publisher and secret reads call: no deletes, batch writes or streams', () => {
    // Prepare
    const template = of(envName);
    const keys = idOf(template, 'AWS::DynamoDB::GlobalTable', 'DataKeysTable');
    const limits = idOf(template, 'AWS::DynamoDB::GlobalTable', 'DataLimitsTable');
    const usage = idOf(template, 'AWS::DynamoDB::GlobalTable', 'DataUsageTable');
    const xray = envName === 'prod' ? { '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'] } : {};

    // Act
    const grants = grantsOf(template, 'router');

    // Assess
    expect(grants).toEqual({
      [idOf(template, 'AWS::Logs::LogGroup', 'RouterLogs')]: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ...xray,
      [keys]: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
      [`${keys}/index/byId`]: ['dynamodb:Query'],
      [`${keys}/index/byTenant`]: ['dynamodb:Query'],
      [limits]: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [usage]: ['dynamodb:Query'],
      [idOf(template, 'AWS::Events::EventBus', 'UsageBus')]: ['events:PutEvents'],
      [idOf(template, 'AWS::SecretsManager::Secret', 'AdminKey')]: ['secretsmanager:GetSecretValue'],
      [idOf(template, 'AWS::SecretsManager::Secret', 'ProviderKeys')]: ['secretsmanager:GetSecretValue'],
    });
  });

  test('metering may read and write the usage table and send to its failure queue, nothing more', () => {
    // Prepare
    const template = of(envName);

    // Act
    const grants = grantsOf(template, 'metering');

    // Assess
    expect(grants).toEqual({
      [idOf(template, 'AWS::Logs::LogGroup', 'MeteringLogs')]: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ...(envName === 'prod' ? { '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'] } : {}),
      [idOf(template, 'AWS::DynamoDB::GlobalTable', 'DataUsageTable')]: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ],
      [idOf(template, 'AWS::SQS::Queue', 'UsageMeteringFailures')]: ['sqs:SendMessage'],
    });
  });

  test('usage events: a bus with an archive, the shared rules, and a metering target with retries and a DLQ', () => {
    // Prepare
    const template = of(envName);
    const metering = usageRules.find((rule) => rule.id === 'metering');

    // Assess
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::Archive', { EventPattern: { source: ['inference-router'] } });
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

  test('alarms on 5xx rate, time to first token, Lambda errors and throttles, dead letters and lost events, and a dashboard', () => {
    // Prepare
    const template = of(envName);

    // Act
    const alarms = alarmNames(template);

    // Assess
    for (const name of [
      'Api5xxRate',
      'TimeToFirstTokenP99',
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

  test("CloudWatch may publish this stack's alarms to the encrypted topic: key policy and topic policy, scoped to its alarm names", () => {
    // Prepare
    const template = of(envName);
    const fromTheseAlarms = {
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`:alarm:inference-router-${envName}-\\*$`)])],
        },
      },
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    };

    // Assess
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: fromTheseAlarms,
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: fromTheseAlarms,
          }),
        ]),
      },
    });
    for (const name of alarmNames(template)) expect(name.startsWith(`inference-router-${envName}-`)).toBe(true);
    template.hasOutput('AlarmTopic', { Value: { Ref: Match.stringLikeRegexp('^MonitoringAlarms') } });
  });

  test('the 5xx-rate alarm divides only when there were requests, in metric math CloudWatch alarms accept', () => {
    // Assess
    of(envName).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `inference-router-${envName}-Api5xxRate`,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)', ReturnData: true }),
      ]),
    });
  });

  test("latency alarms on the router's time to first token of every configured model, not on API Gateway's stream-long Latency", () => {
    // Prepare
    const template = of(envName);
    const models = ['small', 'large', 'mock'];

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `inference-router-${envName}-TimeToFirstTokenP99`,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'MAX([ttft0, ttft1, ttft2])' }),
        ...models.map((model) =>
          Match.objectLike({
            MetricStat: Match.objectLike({
              Stat: 'p99',
              Metric: {
                Namespace: 'InferenceRouter',
                MetricName: 'TimeToFirstToken',
                Dimensions: Match.arrayWith([
                  { Name: 'model', Value: model },
                  { Name: 'service', Value: `inference-router-${envName}` },
                ]),
              },
            }),
          }),
        ),
      ]),
    });
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Latency', Namespace: 'AWS/ApiGateway' }, 0);
  });

  test("the per-model dashboard searches the router metrics' full dimension set (model, provider, service)", () => {
    // Prepare
    const dashboards = Object.values(of(envName).findResources('AWS::CloudWatch::Dashboard'));

    // Act
    const body = JSON.stringify(dashboards[0]);

    // Assess
    expect(body).toContain('{InferenceRouter,model,provider,service} MetricName=\\\\\\"Requests\\\\\\"');
    expect(body).toContain('{InferenceRouter,model,provider,service} MetricName=\\\\\\"TimeToFirstToken\\\\\\"');
    expect(body).not.toContain('{InferenceRouter,model,service}');
  });
});

describe.each(['staging', 'prod'] as const)('%s bills through Lago', (envName) => {
  test('served events reach Lago-sync through a batching queue with partial failures, a DLQ after 5 receives, and bounded concurrency', () => {
    // Prepare
    const template = of(envName);
    const lago = usageRules.find((rule) => rule.id === 'lago-sync');

    // Assess
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: lago?.pattern('inference-router') });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      VisibilityTimeout: 360,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LAGO_DLQ_URL: Match.anyValue(), PROVIDER_SECRETS_ARN: Match.anyValue() }) },
    });
    expect(alarmNames(template)).toEqual(expect.arrayContaining([`inference-router-${envName}-LagoSyncErrors`]));
  });

  test('Lago-sync may consume its queue, set events aside in its DLQ and read the provider keys, nothing more', () => {
    // Prepare
    const template = of(envName);

    // Act
    const grants = grantsOf(template, 'lago-sync');

    // Assess
    expect(grants).toMatchObject({
      [idOf(template, 'AWS::SQS::Queue', 'UsageLagoDeadLetters')]: ['sqs:SendMessage'],
      [idOf(template, 'AWS::SecretsManager::Secret', 'ProviderKeys')]: ['secretsmanager:GetSecretValue'],
    });
    expect(Object.values(grants).flat()).not.toContain('secretsmanager:DescribeSecret');
  });
});

describe('prod differs from dev', () => {
  test('prod retains tables (with deletion protection), queues and the alarm key; dev deletes them', () => {
    for (const [envName, retained] of [
      ['prod', true],
      ['dev', false],
    ] as const) {
      // Prepare
      const template = of(envName);

      // Act
      const tables = Object.values(template.findResources('AWS::DynamoDB::GlobalTable')) as Array<{
        DeletionPolicy: string;
        Properties: { Replicas: Array<{ DeletionProtectionEnabled?: boolean }> };
      }>;
      const others = ['AWS::SQS::Queue', 'AWS::KMS::Key'].flatMap(
        (type) => Object.values(template.findResources(type)) as Array<{ DeletionPolicy: string }>,
      );

      // Assess
      for (const table of tables) {
        expect(table.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
        expect(table.Properties.Replicas[0]?.DeletionProtectionEnabled ?? false).toBe(retained);
      }
      expect(others.length).toBeGreaterThan(0);
      for (const resource of others) expect(resource.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
    }
  });

  test('prod mails alarms, traces and runs WAF; dev has none of it; neither reserves concurrency unless asked', () => {
    // Assess
    of('prod').hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    of('dev').resourceCountIs('AWS::SNS::Subscription', 0);
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
    // A reservation needs an account quota of at least itself + 100, which new accounts lack.
    for (const envName of ENVIRONMENTS)
      of(envName).resourcePropertiesCountIs('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.anyValue() }, 0);
    of(OPTIONS).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 50 });
  });

  test('dev deploys no Lago-sync: its config has no "lago" section', () => {
    // Assess
    of('dev').resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    expect(alarmNames(of('dev'))).not.toContain('inference-router-dev-LagoSyncErrors');
  });
});

describe("browser pages can read API Gateway's and WAF's own errors when the config allows their origin", () => {
  const gatewayHeaders = (template: Template): Array<Record<string, string>> =>
    (
      Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')) as Array<{
        Properties: { ResponseParameters?: Record<string, string> };
      }>
    ).map((response) => response.Properties.ResponseParameters ?? {});
  const rateRuleHeaders = (template: Template): Array<{ Name: string; Value: string }> => {
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0] as {
      Properties: {
        Rules: Array<{
          Name: string;
          Action?: { Block?: { CustomResponse?: { ResponseHeaders?: Array<{ Name: string; Value: string }> } } };
        }>;
      };
    };
    return (
      acl.Properties.Rules.find((rule) => rule.Name === 'RateLimitPerIp')?.Action?.Block?.CustomResponse?.ResponseHeaders ?? []
    );
  };

  test('with one origin every gateway error and the WAF 429 name it and expose retry-after', () => {
    // Act
    const headers = gatewayHeaders(of(OPTIONS));
    const waf = rateRuleHeaders(of(OPTIONS));

    // Assess
    expect(headers).toHaveLength(7);
    for (const response of headers)
      expect(response).toMatchObject({
        'gatewayresponse.header.access-control-allow-origin': "'https://app.example.com'",
        'gatewayresponse.header.access-control-expose-headers': "'retry-after, x-amzn-requestid'",
        'gatewayresponse.header.vary': "'Origin'",
      });
    expect(headers.find((response) => 'gatewayresponse.header.retry-after' in response)).toBeDefined();
    expect(waf).toEqual(
      expect.arrayContaining([
        { Name: 'retry-after', Value: '60' },
        { Name: 'access-control-allow-origin', Value: 'https://app.example.com' },
      ]),
    );
  });

  test("with several origins gateway errors echo the request's Origin; WAF's literal headers name none", () => {
    // Act
    const { template } = synthesize('prod', {
      overrides: { routerConfig: 'test/fixtures/infra/cors-origins-config.json', lago: { enabled: false, maxConcurrency: 5 } },
      bundle: false,
    });

    // Assess
    for (const response of gatewayHeaders(template))
      expect(response['gatewayresponse.header.access-control-allow-origin']).toBe('method.request.header.origin');
    expect(rateRuleHeaders(template).map((header) => header.Name)).toEqual(['retry-after']);
  });

  test('without server.cors no gateway error carries a CORS header', () => {
    // Act
    const headers = gatewayHeaders(of('prod'));

    // Assess
    for (const response of headers) expect(Object.keys(response).filter((name) => name.includes('access-control'))).toEqual([]);
  });
});

describe('WAF lets prompts with pasted code and logs through', () => {
  test('the managed body rules that match code, paths, URLs and logs count instead of blocking', () => {
    // Prepare
    const counted = (group: string, rules: string[]) =>
      Match.objectLike({
        Name: group,
        Statement: {
          ManagedRuleGroupStatement: Match.objectLike({
            RuleActionOverrides: Match.arrayWith(rules.map((rule) => ({ Name: rule, ActionToUse: { Count: {} } }))),
          }),
        },
      });

    // Assess
    for (const envName of ['staging', 'prod'] as const) {
      of(envName).hasResourceProperties('AWS::WAFv2::WebACL', {
        Rules: Match.arrayWith([
          counted('AWSManagedRulesCommonRuleSet', [
            'SizeRestrictions_BODY',
            'CrossSiteScripting_BODY',
            'GenericLFI_BODY',
            'EC2MetaDataSSRF_BODY',
            'GenericRFI_BODY',
          ]),
          counted('AWSManagedRulesKnownBadInputsRuleSet', ['Log4JRCE_BODY', 'JavaDeserializationRCE_BODY']),
        ]),
      });
    }
  });

  test("the per-IP rate rule answers 429 in OpenAI's error JSON, so SDKs back off and retry", () => {
    // Prepare
    const acls = Object.values(of('prod').findResources('AWS::WAFv2::WebACL')) as Array<{
      Properties: {
        CustomResponseBodies: Record<string, { Content: string; ContentType: string }>;
        Rules: Array<{
          Name: string;
          Action?: { Block?: { CustomResponse?: { ResponseCode: number; CustomResponseBodyKey: string } } };
        }>;
      };
    }>;
    const acl = acls[0]?.Properties;

    // Act
    const response = acl?.Rules.find((rule) => rule.Name === 'RateLimitPerIp')?.Action?.Block?.CustomResponse;
    const body = acl?.CustomResponseBodies[response?.CustomResponseBodyKey ?? ''];

    // Assess
    expect(response?.ResponseCode).toBe(429);
    expect(body?.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body?.Content ?? '{}')).toEqual({
      error: { message: expect.any(String), type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
    });
  });
});

describe('a router config with every option: Bedrock, Lago, a secret by ARN, a custom domain', () => {
  test('the router may invoke each Bedrock profile in its region and the model behind it in any region; a plain model in its region', () => {
    // Prepare
    const grants = grantsOf(of(OPTIONS), 'router');
    const model = (id: string) => `arn:AWS::Partition:bedrock:*::foundation-model/${id}`;
    const profile = (region: string, id: string) => `arn:AWS::Partition:bedrock:${region}:AWS::AccountId:inference-profile/${id}`;
    const invoke = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

    // Assess
    expect(grants).toMatchObject({
      [profile('us-east-1', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0')]: invoke,
      [profile('ap-northeast-1', 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0')]: invoke,
      [profile('ap-southeast-2', 'au.anthropic.claude-sonnet-4-5-20250929-v1:0')]: invoke,
      [profile('ca-central-1', 'ca.amazon.nova-lite-v1:0')]: invoke,
      [profile('AWS::Region', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0')]: invoke,
      [model('anthropic.claude-sonnet-4-5-20250929-v1:0')]: invoke,
      [model('amazon.nova-lite-v1:0')]: invoke,
      'arn:AWS::Partition:bedrock:eu-west-1::foundation-model/amazon.nova-micro-v1:0': invoke,
    });
    expect(
      Object.keys(grants).filter((name) => name.includes('foundation-model/jp.') || name.includes('foundation-model/au.')),
    ).toEqual([]);
  });

  test('a model key named by secret ARN is readable by the router, with or without its suffix', () => {
    // Act
    const grants = grantsOf(of(OPTIONS), 'router');

    // Assess
    expect(grants).toMatchObject({
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:openai-key': ['secretsmanager:GetSecretValue'],
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:openai-key-??????': ['secretsmanager:GetSecretValue'],
    });
  });

  test('the custom domain is mapped and its DNS target is an output', () => {
    // Prepare
    const template = of(OPTIONS);

    // Assess
    template.hasResourceProperties('AWS::ApiGateway::DomainName', { DomainName: 'llm.example.com' });
    template.hasOutput('DomainTarget', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpDomain'), 'RegionalDomainName'] },
    });
    template.hasOutput('DomainHostedZoneId', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpDomain'), 'RegionalHostedZoneId'] },
    });
  });

  test('with "apiGatewayAccount": "existing" the app leaves the account-wide role alone', () => {
    // Assess
    expect(result(OPTIONS).account).toBeUndefined();
    expect(result(OPTIONS).dependencies).toEqual([]);
    of(OPTIONS).resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});

describe('Lago is on or off by the env file, never by accident', () => {
  test('an env that turns Lago on with a router config that has no "lago" section fails, naming both', () => {
    // Act
    const build = () => synthesize('dev', { overrides: { lago: { enabled: true, maxConcurrency: 5 } }, bundle: false });

    // Assess
    expect(build).toThrow(/"dev" turns Lago on .* config\/example\.json has no "lago" section/);
  });

  test('an env that turns Lago off deploys no Lago-sync even when the config has a "lago" section', () => {
    // Act
    const { template } = synthesize('dev', {
      overrides: { routerConfig: 'config/lago.example.json', lago: { enabled: false, maxConcurrency: 5 } },
      bundle: false,
    });

    // Assess
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { Description: 'inference-router lago-sync' }, 0);
  });
});

test('an unknown environment fails with the path it looked for', () => {
  // Act
  const build = () => buildApp('qa');

  // Assess
  expect(build).toThrow(/infra\/env\/qa\.json/);
});
