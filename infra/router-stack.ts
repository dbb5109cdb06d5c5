import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, normalize, resolve } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { parseConfig } from '../shared/config/load-config.ts';
import type { RouterConfig } from '../shared/config/schema.ts';
import { DEFAULT_EVENT_SOURCE } from '../shared/events/usage-event.ts';
import { metricsService } from '../shared/observability/metric-names.ts';
import { createComplexityModel } from '../shared/routing/classifier/complexity-model.ts';
import { keysTable } from '../shared/store/tables.ts';
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

/** Cross-region inference profiles: a geography (or `global`) before the model id. */
const INFERENCE_PROFILE_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca|global)\./;

interface BedrockGrant {
  /** What `bedrock:InvokeModel*` names, in the order models appear in the config. */
  resources: string[];
  /** Foundation model ids a cross-region profile may route to in any of its regions: wildcards, acknowledged one by one. */
  anyRegionModels: string[];
}

/**
 * Bedrock ARNs the router may invoke, from the config: for a cross-region profile (`us.`, `eu.`,
 * `apac.`, `jp.`, `au.`, `ca.`, `global.`...) the profile in the calling region and its model in every
 * region the profile may route to (AWS adds regions to profiles, so `*`); for a plain model id, that
 * model in its region; an ARN (provisioned throughput, application profile) as written (an application
 * profile's models are not in the config: name them as models too, or the call is denied).
 */
const bedrockGrant = (config: RouterConfig, stack: Stack): BedrockGrant => {
  const grant: BedrockGrant = { resources: [], anyRegionModels: [] };
  const add = (list: string[], arn: string): void => {
    if (!list.includes(arn)) list.push(arn);
  };
  for (const model of config.models) {
    if (model.provider !== 'bedrock') continue;
    const id = model.upstreamModel ?? model.id;
    const region = model.region ?? stack.region;
    if (id.startsWith('arn:')) {
      add(grant.resources, id);
      continue;
    }
    const prefix = INFERENCE_PROFILE_PREFIX.exec(id);
    if (!prefix) {
      add(grant.resources, `arn:${stack.partition}:bedrock:${region}::foundation-model/${id}`);
      continue;
    }
    const base = id.slice(prefix[0].length);
    add(grant.resources, `arn:${stack.partition}:bedrock:${region}:${stack.account}:inference-profile/${id}`);
    add(grant.resources, `arn:${stack.partition}:bedrock:*::foundation-model/${base}`);
    add(grant.anyRegionModels, base);
  }
  return grant;
};

/** IAM wants a secret's full ARN (name plus a 6-character suffix); a config may name it without the suffix. */
const secretResources = (ref: string): string[] => [ref, `${ref}-??????`];

/**
 * One environment of the router: API Gateway (streaming) -> router Lambda; DynamoDB tables for
 * keys, limits and usage; EventBridge bus -> metering and (with Lago on) an SQS queue ->
 * Lago-sync; secrets for the admin key and provider keys; alarms and a dashboard.
 */
export class RouterStack extends Stack {
  constructor(scope: Construct, id: string, props: RouterStackProps) {
    super(scope, id, props);
    const { settings: env, envName, projectRoot } = props;
    const retain = env.removalPolicy === 'retain';
    // The router config is validated at synth: a bad config never reaches a deploy.
    const routerConfig = parseConfig(JSON.parse(readFileSync(resolve(projectRoot, env.routerConfig), 'utf8')), env.routerConfig);
    const lago = env.lago.enabled ?? routerConfig.lago !== undefined;
    if (lago && !routerConfig.lago) {
      throw new Error(
        `Environment "${envName}" turns Lago on ("lago": {"enabled": true}) but ${env.routerConfig} has no "lago" section: add one (config/lago.example.json shows it) or set "enabled": false in infra/env/${envName}.json.`,
      );
    }
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
    const consoleDir = (): string => {
      if (!existsSync(resolve(projectRoot, 'console/dist/index.html')))
        throw new Error('console/dist is missing: run `npm ci` or `npm run build:console` before synth.');
      return 'console/dist';
    };
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
    const routerFunction = new BundledFunction(this, 'Router', {
      ...common,
      name: 'router',
      files: routerFiles,
      // The console's built files (npm ci builds them: scripts/build-console.ts), served at /console.
      dirs: [consoleDir()],
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
        METRICS_SERVICE: metricsService(envName),
      },
    });
    const router = routerFunction.fn;
    const allow = (fn: IFunction, actions: string[], resources: string[]): void => {
      fn.addToRolePolicy(new PolicyStatement({ actions, resources }));
    };
    // Exactly the calls the stores make (shared/keys/keys-store.ts, shared/limits/limits-store.ts,
    // shared/metering/usage-store.ts): no deletes, no batch writes, no streams, no DescribeTable.
    // Key lookups by id and lists by tenant query the keys table's indexes, never the table itself.
    allow(router, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'], [tables.keys.tableArn]);
    allow(
      router,
      ['dynamodb:Query'],
      keysTable.globalIndexes.map((index) => `${tables.keys.tableArn}/index/${index.name}`),
    );
    allow(router, ['dynamodb:GetItem', 'dynamodb:UpdateItem'], [tables.limits.tableArn]);
    allow(router, ['dynamodb:Query'], [tables.usage.tableArn]);
    pipeline.bus.grantPutEventsTo(router);
    // Models may name their own secrets by ARN besides the provider-keys secret (shared/config/resolve-secrets.ts).
    const modelSecrets = routerConfig.models.flatMap((model) =>
      model.apiKey?.startsWith('arn:') ? secretResources(model.apiKey) : [],
    );
    allow(router, ['secretsmanager:GetSecretValue'], [adminKey.secretArn, providerKeys.secretArn, ...new Set(modelSecrets)]);
    const bedrock = bedrockGrant(routerConfig, this);
    if (bedrock.resources.length > 0) {
      allow(router, ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], bedrock.resources);
      const partition = Token.isUnresolved(this.partition) ? '<AWS::Partition>' : this.partition;
      for (const model of bedrock.anyRegionModels) {
        Validations.of(routerFunction.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:${partition}:bedrock:*::foundation-model/${model}]`,
          reason: `${model} through a cross-region inference profile: Bedrock serves it from any region in the profile, and AWS adds regions to profiles, so the foundation model is allowed in every region (the profile itself is named exactly).`,
        });
      }
    }

    const metering = new BundledFunction(this, 'Metering', {
      ...common,
      name: 'metering',
      memoryMb: 512,
      timeout: Duration.seconds(30),
      environment: { USAGE_TABLE: tables.usage.tableName },
    }).fn;
    // The idempotency marker (put, read back on conflict) and the daily aggregate (update). IAM has no
    // TransactWriteItems action: the transaction's Put and Update are authorized as PutItem and UpdateItem.
    allow(metering, ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], [tables.usage.tableArn]);
    pipeline.addMetering(metering, source);
    const functions: Record<string, IFunction> = { Router: router, Metering: metering };

    if (lago && routerConfig.lago) {
      const lagoTimeout = Duration.seconds(60);
      const lagoSync = new BundledFunction(this, 'LagoSync', {
        ...common,
        name: 'lago-sync',
        memoryMb: 512,
        timeout: lagoTimeout,
        environment: { PROVIDER_SECRETS_ARN: providerKeys.secretArn, LAGO_DLQ_URL: 'set-below', LAGO_QUEUE_URL: 'set-below' },
      }).fn;
      const { queue, deadLetterQueue } = pipeline.addLagoSync(lagoSync, source, lagoTimeout, env.lago.maxConcurrency);
      lagoSync.addEnvironment('LAGO_DLQ_URL', deadLetterQueue.queueUrl);
      lagoSync.addEnvironment('LAGO_QUEUE_URL', queue.queueUrl);
      // Events Lago will never take are set aside with their reason (shared/billing/dead-letter.ts);
      // while the Lago key is missing, events are sent back to their own queue to wait
      // (functions/lago-sync/wait-for-key.ts).
      allow(lagoSync, ['sqs:SendMessage'], [deadLetterQueue.queueArn, queue.queueArn]);
      const lagoKey = routerConfig.lago.apiKey;
      allow(
        lagoSync,
        ['secretsmanager:GetSecretValue'],
        [providerKeys.secretArn, ...(lagoKey.startsWith('arn:') ? secretResources(lagoKey) : [])],
      );
      functions.LagoSync = lagoSync;
    }

    const httpApi = new RouterApi(this, 'Http', { envName, router, env, logRetention, cors: routerConfig.server.cors });
    const { api } = httpApi;
    const monitoring = new Monitoring(this, 'Monitoring', {
      envName,
      env,
      api,
      functions,
      deadLetterQueues: pipeline.deadLetterQueues,
      models: routerConfig.models.map((model) => ({ id: model.id, provider: model.provider })),
    });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL: use <ApiUrl>v1 as the openai SDK baseURL' });
    if (httpApi.domain) {
      new CfnOutput(this, 'DomainTarget', {
        value: httpApi.domain.domainNameAliasDomainName,
        description: `Point ${env.domain?.name} here: a CNAME to this name, or a Route 53 alias (A/AAAA) with DomainHostedZoneId`,
      });
      new CfnOutput(this, 'DomainHostedZoneId', {
        value: httpApi.domain.domainNameAliasHostedZoneId,
        description: 'Hosted zone of DomainTarget, for a Route 53 alias record',
      });
    }
    new CfnOutput(this, 'AdminKeySecret', {
      value: adminKey.secretArn,
      description: 'aws secretsmanager get-secret-value --secret-id <arn>',
    });
    new CfnOutput(this, 'ProviderKeysSecret', {
      value: providerKeys.secretArn,
      description: 'Put provider keys here as a JSON object',
    });
    new CfnOutput(this, 'AlarmTopic', {
      value: monitoring.topic.topicArn,
      description: 'Alarm notifications: an e-mail subscription waits for its confirmation link; subscribe more endpoints here',
    });
    new CfnOutput(this, 'EventBusName', { value: pipeline.bus.eventBusName, description: 'Add analytics rules to this bus' });

    acknowledgeFindings(this);
  }
}
