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
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { CorsConfig } from '../../shared/config/schema.ts';
import type { EnvConfig } from '../env-config.ts';

/**
 * One JSON line per request. Besides the usual fields, the streaming ones: for a stream, `latency`
 * lasts until the last byte, so the time to the integration's headers and to its first content
 * byte say how fast the answer started.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  responseTransferMode: '$context.integration.responseTransferMode',
  timeToAllHeaders: '$context.integration.timeToAllHeaders',
  timeToFirstContent: '$context.integration.timeToFirstContent',
  errorType: '$context.error.responseType',
  waf: '$context.wafResponseCode',
};

/**
 * OpenAI's error JSON for what API Gateway or WAF answer before the router runs, so SDKs raise
 * their usual exceptions instead of failing on `{"message": "Forbidden"}`. `message` is JSON as
 * written into the template (API Gateway substitutes `$context` variables, no VTL).
 */
export const openAIErrorTemplate = (message: string, type: string, code: string): string =>
  `{"error":{"message":${message},"type":"${type}","param":null,"code":"${code}"}}`;

const withRequestId = (text: string): string => JSON.stringify(`${text} (request id $context.requestId)`);

/** The gateway responses this API can produce in front of a proxy to one streaming Lambda. */
const GATEWAY_ERRORS: ReadonlyArray<{
  id: string;
  type: ResponseType;
  message: string;
  errorType: string;
  code: string;
  headers?: Record<string, string>;
}> = [
  {
    id: 'Default4xx',
    type: ResponseType.DEFAULT_4XX,
    message: '$context.error.messageString',
    errorType: 'invalid_request_error',
    code: 'gateway_error',
  },
  {
    id: 'Default5xx',
    type: ResponseType.DEFAULT_5XX,
    message: withRequestId('API Gateway could not complete the request'),
    errorType: 'api_error',
    code: 'gateway_error',
  },
  {
    id: 'Throttled',
    type: ResponseType.THROTTLED,
    message: withRequestId("Too many requests to this API's stage; retry with backoff"),
    errorType: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    headers: { 'retry-after': "'1'" },
  },
  {
    id: 'WafFiltered',
    type: ResponseType.WAF_FILTERED,
    message: withRequestId("The request was blocked by the API's web application firewall"),
    errorType: 'permission_error',
    code: 'request_blocked',
  },
  {
    id: 'RequestTooLarge',
    type: ResponseType.REQUEST_TOO_LARGE,
    message: withRequestId("The request body is larger than API Gateway's 10 MB limit"),
    errorType: 'invalid_request_error',
    code: 'request_too_large',
  },
  {
    // Also what a throttled router Lambda (concurrency used up) turns into.
    id: 'IntegrationFailure',
    type: ResponseType.INTEGRATION_FAILURE,
    message: withRequestId('The router could not be invoked (it may be at its concurrency limit); retry with backoff'),
    errorType: 'api_error',
    code: 'service_unavailable',
  },
  {
    id: 'IntegrationTimeout',
    type: ResponseType.INTEGRATION_TIMEOUT,
    message: withRequestId('The router did not answer in time'),
    errorType: 'timeout_error',
    code: 'timeout',
  },
];

/**
 * AWS managed rules that match what prompts routinely contain: pasted code, logs, stack traces,
 * shell sessions (`../`, `169.254.169.254`, URLs, `${jndi:`, serialized Java). They count (visible in
 * WAF metrics and sampled requests) instead of blocking; the router's own guardrails see the text.
 * Bodies also exceed the common rule set's 8 KB size rule, and JSON with `<` trips its XSS rule.
 */
export const COUNTED_RULES: Readonly<Record<string, readonly string[]>> = {
  AWSManagedRulesCommonRuleSet: [
    'SizeRestrictions_BODY',
    'CrossSiteScripting_BODY',
    'GenericLFI_BODY',
    'EC2MetaDataSSRF_BODY',
    'GenericRFI_BODY',
  ],
  AWSManagedRulesKnownBadInputsRuleSet: ['Log4JRCE_BODY', 'JavaDeserializationRCE_BODY'],
};

const RATE_LIMITED_BODY = 'rate_limited';

/** What a browser page may read of API Gateway's own errors: the back-off and the id to quote. */
const GATEWAY_EXPOSED_HEADERS = 'retry-after, x-amzn-requestid';

/**
 * The origin API Gateway's and WAF's own errors are readable from, as written into the template:
 * `'*'`, the one configured origin, or, with several, the request's `Origin` echoed (a gateway
 * response cannot pick from a list; those bodies hold only the error and the request id, and
 * credentials are never allowed). Undefined: CORS is off. `static` says whether it is a literal.
 */
export const gatewayAllowedOrigin = (cors: CorsConfig | undefined): { value: string; static: boolean } | undefined => {
  if (!cors) return undefined;
  if (cors.origins.includes('*')) return { value: '*', static: true };
  if (cors.origins.length === 1) return { value: cors.origins[0] as string, static: true };
  return { value: 'method.request.header.origin', static: false };
};

/** Gateway response headers (values as API Gateway wants them: literals in single quotes). */
export const gatewayCorsHeaders = (cors: CorsConfig | undefined): Record<string, string> => {
  const origin = gatewayAllowedOrigin(cors);
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin.static ? `'${origin.value}'` : origin.value,
    'access-control-expose-headers': `'${GATEWAY_EXPOSED_HEADERS}'`,
    ...(origin.value === '*' ? {} : { vary: "'Origin'" }),
  };
};

export interface RouterApiProps {
  envName: string;
  router: IFunction;
  env: EnvConfig;
  logRetention: RetentionDays;
  /** The router config's `server.cors`: the same origins on API Gateway's and WAF's own errors. */
  cors?: CorsConfig;
}

/**
 * The HTTPS API: a regional REST API whose every path and method goes to the router Lambda with
 * response streaming (SSE reaches the client token by token, up to 15 minutes), a stage per
 * environment with JSON access logs (streaming timings included) and throttling, API Gateway's and
 * WAF's own errors in OpenAI's error JSON, and optionally a custom domain and WAF.
 */
export class RouterApi extends Construct {
  readonly api: RestApi;
  readonly domain: DomainName | undefined;

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
      // The account-level CloudWatch role is not this stack's (infra/api-gateway-account-stack.ts).
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.envName,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
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
    // Preflights (OPTIONS) go to the router like any method: it answers them from the same config.
    const corsHeaders = gatewayCorsHeaders(props.cors);
    for (const error of GATEWAY_ERRORS) {
      const headers = { ...error.headers, ...corsHeaders };
      this.api.addGatewayResponse(error.id, {
        type: error.type,
        templates: { 'application/json': openAIErrorTemplate(error.message, error.errorType, error.code) },
        ...(Object.keys(headers).length > 0 ? { responseHeaders: headers } : {}),
      });
    }

    this.domain = env.domain
      ? new DomainName(this, 'Domain', {
          domainName: env.domain.name,
          certificate: Certificate.fromCertificateArn(this, 'Certificate', env.domain.certificateArn),
          endpointType: EndpointType.REGIONAL,
        })
      : undefined;
    if (this.domain)
      new BasePathMapping(this, 'Mapping', { domainName: this.domain, restApi: this.api, stage: this.api.deploymentStage });

    if (env.waf?.enabled) {
      const managed = (name: string, priority: number): CfnWebACL.RuleProperty => ({
        name,
        priority,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name,
            ruleActionOverrides: (COUNTED_RULES[name] ?? []).map((rule) => ({ name: rule, actionToUse: { count: {} } })),
          },
        },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
      });
      const wafOrigin = gatewayAllowedOrigin(props.cors);
      const wafCorsHeaders = wafOrigin?.static
        ? [
            { name: 'access-control-allow-origin', value: wafOrigin.value },
            { name: 'access-control-expose-headers', value: GATEWAY_EXPOSED_HEADERS },
          ]
        : [];
      const acl = new CfnWebACL(this, 'WebAcl', {
        scope: 'REGIONAL',
        defaultAction: { allow: {} },
        visibilityConfig: {
          cloudWatchMetricsEnabled: true,
          metricName: `inference-router-${props.envName}`,
          sampledRequestsEnabled: true,
        },
        // WAF answers its own blocks: in OpenAI's shape, a 429 for the rate rule so SDKs back off and retry.
        customResponseBodies: {
          [RATE_LIMITED_BODY]: {
            contentType: 'APPLICATION_JSON',
            content: openAIErrorTemplate(
              JSON.stringify('Too many requests from this address; retry later'),
              'rate_limit_error',
              'rate_limit_exceeded',
            ),
          },
        },
        rules: [
          managed('AWSManagedRulesCommonRuleSet', 1),
          managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
          {
            name: 'RateLimitPerIp',
            priority: 3,
            action: {
              block: {
                customResponse: {
                  responseCode: 429,
                  customResponseBodyKey: RATE_LIMITED_BODY,
                  // WAF's headers are literals: with several origins its 429 stays unreadable to pages.
                  responseHeaders: [{ name: 'retry-after', value: '60' }, ...wafCorsHeaders],
                },
              },
            },
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
