import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  BasePathMapping,
  DomainName,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseTransferMode,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { EnvConfig } from '../env-config.ts';

export interface RouterApiProps {
  envName: string;
  router: IFunction;
  env: EnvConfig;
  logRetention: RetentionDays;
}

/**
 * The HTTPS API: a regional REST API whose every path and method goes to the router Lambda with
 * response streaming (SSE reaches the client token by token, up to 15 minutes), a stage per
 * environment with JSON access logs and throttling, and optionally a custom domain and WAF.
 */
export class RouterApi extends Construct {
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: RouterApiProps) {
    super(scope, id);
    const { env } = props;
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: env.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.api = new RestApi(this, 'Api', {
      restApiName: `inference-router-${props.envName}`,
      description: 'OpenAI-compatible LLM inference router',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.DESTROY,
      deployOptions: {
        stageName: props.envName,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        throttlingRateLimit: env.api.rateLimit,
        throttlingBurstLimit: env.api.burstLimit,
        tracingEnabled: env.tracing,
      },
      // Bodies are JSON text; the router refuses what it cannot read itself.
      binaryMediaTypes: [],
    });
    const integration = new LambdaIntegration(props.router, {
      proxy: true,
      responseTransferMode: ResponseTransferMode.STREAM,
      timeout: Duration.seconds(Math.min(env.router.timeoutSeconds, 900)),
    });
    this.api.root.addMethod('ANY', integration);
    this.api.root.addProxy({ defaultIntegration: integration, anyMethod: true });

    if (env.domain) {
      const domain = new DomainName(this, 'Domain', {
        domainName: env.domain.name,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', env.domain.certificateArn),
        endpointType: EndpointType.REGIONAL,
      });
      new BasePathMapping(this, 'Mapping', { domainName: domain, restApi: this.api, stage: this.api.deploymentStage });
    }

    if (env.waf?.enabled) {
      const managed = (name: string, priority: number, excluded: string[] = []): CfnWebACL.RuleProperty => ({
        name,
        priority,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name,
            // Prompts are routinely larger than the common rule set's 8 KB body limit: count, don't block.
            ruleActionOverrides: excluded.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
          },
        },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
      });
      const acl = new CfnWebACL(this, 'WebAcl', {
        scope: 'REGIONAL',
        defaultAction: { allow: {} },
        visibilityConfig: {
          cloudWatchMetricsEnabled: true,
          metricName: `inference-router-${props.envName}`,
          sampledRequestsEnabled: true,
        },
        rules: [
          managed('AWSManagedRulesCommonRuleSet', 1, ['SizeRestrictions_BODY', 'CrossSiteScripting_BODY']),
          managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
          {
            name: 'RateLimitPerIp',
            priority: 3,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: env.waf.rateLimitPerIp, aggregateKeyType: 'IP' } },
            visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'RateLimitPerIp', sampledRequestsEnabled: true },
          },
        ],
      });
      new CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: acl.attrArn,
      });
    }
  }
}
