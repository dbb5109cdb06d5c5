import { readFileSync } from 'node:fs';
import { isAbsolute, normalize, resolve } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { parseConfig } from '../shared/config/load-config.ts';
import type { RouterConfig } from '../shared/config/schema.ts';
import { DEFAULT_EVENT_SOURCE } from '../shared/events/usage-event.ts';
import { createComplexityModel } from '../shared/routing/classifier/complexity-model.ts';
import { BundledFunction } from './constructs/bundled-function.ts';
import { DataTables } from './constructs/data-tables.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { RouterApi } from './constructs/router-api.ts';
import { UsagePipeline } from './constructs/usage-pipeline.ts';
import type { EnvConfig } from './env-config.ts';
import { acknowledgeFindings } from './nag-acknowledgements.ts';

export interface RouterStackProps extends StackProps {
  envName: string;
  settings: EnvConfig;
  projectRoot: string;
}

/** The CloudWatch retention closest to (not below) the requested number of days. */
const retentionFor = (days: number): RetentionDays => {
  const known = Object.values(RetentionDays)
    .filter((value): value is RetentionDays => typeof value === 'number' && value > 0)
    .sort((a, b) => a - b);
  return known.find((value) => value >= days) ?? RetentionDays.INFINITE;
};

/** Bedrock model ARNs the router may invoke: foundation models in any region (cross-region profiles) and its inference profiles. */
const bedrockResources = (config: RouterConfig, stack: Stack): string[] =>
  config.models
    .filter((model) => model.provider === 'bedrock')
    .flatMap((model) => {
      const id = model.upstreamModel ?? model.id;
      const base = id.replace(/^(us|eu|apac|global)\./, '');
      return [
        `arn:aws:bedrock:*::foundation-model/${base}`,
        `arn:aws:bedrock:${model.region ?? stack.region}:${stack.account}:inference-profile/${id}`,
      ];
    });

/**
 * One environment of the router: API Gateway (streaming) -> router Lambda; DynamoDB tables for
 * keys, limits and usage; EventBridge bus -> metering and (with Lago configured) an SQS queue ->
 * Lago-sync; secrets for the admin key and provider keys; alarms and a dashboard.
 */
export class RouterStack extends Stack {
  constructor(scope: Construct, id: string, props: RouterStackProps) {
    super(scope, id, props);
    const { settings: env, envName, projectRoot } = props;
    const retain = env.removalPolicy === 'retain';
    // The router config is validated at synth: a bad config never reaches a deploy.
    const routerConfig = parseConfig(JSON.parse(readFileSync(resolve(projectRoot, env.routerConfig), 'utf8')), env.routerConfig);
    // The learned routing model ships beside the router's bundle; a missing or corrupt file fails here, not at init.
    const { complexity } = routerConfig.routing;
    const routerFiles: string[] = [];
    if (complexity.scorer === 'learned') {
      if (isAbsolute(complexity.model) || normalize(complexity.model).startsWith('..'))
        throw new Error(`routing.complexity.model must be a path inside the project to deploy it (got ${complexity.model}).`);
      try {
        createComplexityModel(JSON.parse(readFileSync(resolve(projectRoot, complexity.model), 'utf8')), complexity.model);
        routerFiles.push(complexity.model);
      } catch (error) {
        if (complexity.onModelError !== 'heuristic') throw error;
      }
    }
    const logRetention = retentionFor(env.logRetentionDays);
    const source = DEFAULT_EVENT_SOURCE;
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const { tables } = new DataTables(this, 'Data', { retain });
    const adminKey = new Secret(this, 'AdminKey', {
      description: `Admin key of the inference router (${envName}); send it as "Authorization: Bearer <key>" to /admin`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    const providerKeys = new Secret(this, 'ProviderKeys', {
      description: `Provider and Lago API keys of the inference router (${envName}) as a JSON object, e.g. {"OPENAI_API_KEY":"sk-..."}`,
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'unused' },
      removalPolicy,
    });
    const pipeline = new UsagePipeline(this, 'Usage', {
      envName,
      source,
      retain,
      archiveRetentionDays: env.archiveRetentionDays,
    });

    const common = {
      projectRoot,
      routerConfig: env.routerConfig,
      logRetention,
      retain,
      logLevel: env.logLevel,
      tracing: env.tracing,
    };
    const router = new BundledFunction(this, 'Router', {
      ...common,
      name: 'router',
      files: routerFiles,
      memoryMb: env.router.memoryMb,
      timeout: Duration.seconds(env.router.timeoutSeconds),
      ...(env.router.reservedConcurrency ? { reservedConcurrency: env.router.reservedConcurrency } : {}),
      environment: {
        KEYS_TABLE: tables.keys.tableName,
        LIMITS_TABLE: tables.limits.tableName,
        USAGE_TABLE: tables.usage.tableName,
        EVENT_BUS_NAME: pipeline.bus.eventBusName,
        EVENT_SOURCE: source,
        ADMIN_KEY_SECRET_ARN: adminKey.secretArn,
        PROVIDER_SECRETS_ARN: providerKeys.secretArn,
      },
    }).fn;
    tables.keys.grantReadWriteData(router);
    tables.limits.grantReadWriteData(router);
    tables.usage.grantReadData(router);
    pipeline.bus.grantPutEventsTo(router);
    adminKey.grantRead(router);
    providerKeys.grantRead(router);
    const bedrock = bedrockResources(routerConfig, this);
    if (bedrock.length > 0) {
      router.addToRolePolicy(
        new PolicyStatement({ actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], resources: bedrock }),
      );
    }

    const metering = new BundledFunction(this, 'Metering', {
      ...common,
      name: 'metering',
      memoryMb: 512,
      timeout: Duration.seconds(30),
      environment: { USAGE_TABLE: tables.usage.tableName },
    }).fn;
    tables.usage.grantReadWriteData(metering);
    pipeline.addMetering(metering, source);
    const functions: Record<string, typeof router> = { Router: router, Metering: metering };

    if (routerConfig.lago) {
      const lagoTimeout = Duration.seconds(60);
      const lagoSync = new BundledFunction(this, 'LagoSync', {
        ...common,
        name: 'lago-sync',
        memoryMb: 512,
        timeout: lagoTimeout,
        environment: { PROVIDER_SECRETS_ARN: providerKeys.secretArn, LAGO_DLQ_URL: 'set-below' },
      }).fn;
      pipeline.addLagoSync(lagoSync, source, lagoTimeout);
      const dlq = pipeline.lagoDeadLetterQueue;
      if (dlq) {
        lagoSync.addEnvironment('LAGO_DLQ_URL', dlq.queueUrl);
        dlq.grantSendMessages(lagoSync);
      }
      providerKeys.grantRead(lagoSync);
      functions.LagoSync = lagoSync;
    }

    const { api } = new RouterApi(this, 'Http', { envName, router, env, logRetention });
    new Monitoring(this, 'Monitoring', { envName, env, api, functions, deadLetterQueues: pipeline.deadLetterQueues });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL: use <ApiUrl>v1 as the openai SDK baseURL' });
    new CfnOutput(this, 'AdminKeySecret', {
      value: adminKey.secretArn,
      description: 'aws secretsmanager get-secret-value --secret-id <arn>',
    });
    new CfnOutput(this, 'ProviderKeysSecret', {
      value: providerKeys.secretArn,
      description: 'Put provider keys here as a JSON object',
    });
    new CfnOutput(this, 'EventBusName', { value: pipeline.bus.eventBusName, description: 'Add analytics rules to this bus' });

    acknowledgeFindings(this);
  }
}
