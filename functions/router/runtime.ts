import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describeSecretProblem, resolveAvailableSecrets, type SecretFetcher } from '#shared/config/resolve-secrets.ts';
import type { RouterConfig } from '#shared/config/schema.ts';
import type { EventPublisher } from '#shared/events/event-publisher.ts';
import { hashApiKey } from '#shared/keys/api-key.ts';
import { KeyCache } from '#shared/keys/key-cache.ts';
import { createKeysStore, type KeysStore } from '#shared/keys/keys-store.ts';
import { createLimitsStore, type LimitsStore } from '#shared/limits/limits-store.ts';
import { createUsageStore, type UsageStore } from '#shared/metering/usage-store.ts';
import { Counters } from '#shared/observability/counters.ts';
import { METRIC_NAMESPACE, metricsService } from '#shared/observability/metric-names.ts';
import { createProviderRegistry, type ProviderRegistry } from '#shared/providers/registry.ts';
import type { ModelTarget } from '#shared/providers/types.ts';
import { CircuitBreakers } from '#shared/resilience/circuit-breaker.ts';
import { type ComplexityScorer, loadComplexityScorer } from '#shared/routing/complexity-scorer.ts';
import { LatencyTracker } from '#shared/routing/latency-tracker.ts';
import { createModelRouter, type ModelRouter } from '#shared/routing/model-router.ts';
import type { DynamoApi } from '#shared/store/dynamo-api.ts';
import { RecentStats } from './observability/recent-stats.ts';

/** Everything built once per Lambda instance (cold start) and shared by its requests. */
export interface RouterRuntime {
  readonly config: RouterConfig;
  readonly models: ModelRouter;
  readonly targets: ReadonlyMap<string, ModelTarget>;
  readonly providers: ProviderRegistry;
  readonly keys: KeysStore;
  readonly keyCache: KeyCache;
  /** SHA-256 of the admin key; the admin API is closed when absent. */
  readonly adminKeyHash: string | undefined;
  readonly logger: Logger;
  /** Per-instance health of each model (see circuit-breaker.ts for why not shared). */
  readonly breakers: CircuitBreakers;
  readonly latency: LatencyTracker;
  readonly limits: LimitsStore;
  readonly counters: Counters;
  readonly usage: UsageStore;
  /** Usage event publishing; absent when no event bus is configured. */
  readonly events: EventPublisher | undefined;
  /** Identifies the price table in usage events (a hash of every model's pricing). */
  readonly priceVersion: string;
  readonly recent: RecentStats;
  /** Models that cannot serve (key missing), with the reason; /health reports them. */
  readonly unavailable: ReadonlyMap<string, string>;
  /** CloudWatch metrics (EMF); absent when switched off (locally, by default). */
  readonly metrics: Metrics | undefined;
}

export interface RuntimeOptions {
  config: RouterConfig;
  env: NodeJS.ProcessEnv;
  dynamo: DynamoApi;
  keysTableName: string;
  limitsTableName: string;
  usageTableName: string;
  /** Shared with the local consumers, so `/admin/stats` sees their counts too. */
  counters?: Counters;
  /** Where usage events go; none means no events (e.g. a unit test). */
  events?: (context: { logger: Logger; counters: Counters }) => EventPublisher;
  adminKey: string | undefined;
  logger: Logger;
  fetchSecret?: SecretFetcher;
  providers?: Partial<ProviderRegistry>;
  /** The complexity scorer; read from the config's model file when absent. */
  scorer?: ComplexityScorer;
  /** Where a relative model path starts (the working directory when absent, as in Lambda). */
  modelBaseDir?: string;
  /** The `service` dimension of the metrics (one per environment in AWS); `inference-router` when absent. */
  metricsService?: string;
}

/**
 * Resolves provider secrets (all at once) and wires the stores. A model whose key cannot be
 * resolved is unavailable, not fatal: on day one the provider-keys secret may still be empty, and
 * the models that have keys (and /health, which says what is missing) must work.
 */
export const createRuntime = async (options: RuntimeOptions): Promise<RouterRuntime> => {
  const { config } = options;
  const { values: secrets, problems } = await resolveAvailableSecrets(
    config.models.flatMap((model, index) =>
      model.apiKey ? [{ label: `models[${index}].apiKey (${model.id})`, ref: model.apiKey }] : [],
    ),
    options.env,
    options.fetchSecret,
  );
  const unavailable = new Map<string, string>();
  for (const problem of problems) {
    options.logger.warn(`models unavailable: ${describeSecretProblem(problem)}`);
    for (const model of config.models)
      if (model.apiKey === problem.ref) unavailable.set(model.id, 'its API key is not configured');
  }
  const targets = new Map<string, ModelTarget>(
    config.models.map((model) => [model.id, { config: model, ...(model.apiKey ? { apiKey: secrets.get(model.apiKey) } : {}) }]),
  );
  const scorer =
    options.scorer ??
    (await loadComplexityScorer(config.routing.complexity, config.routing.scoring, {
      baseDir: options.modelBaseDir,
      onWarning: (message, error) => options.logger.warn(message, { error: error as Error }),
    }));
  const latency = new LatencyTracker();
  const counters = options.counters ?? new Counters();
  const breakers = new CircuitBreakers({
    ...config.routing.breaker,
    onTransition: (transition) => {
      counters.increment(`breaker.${transition.to}`);
      options.logger.warn('circuit breaker transition', { ...transition });
    },
  });
  return {
    config,
    models: createModelRouter(config, { latency, scorer, unavailable }),
    unavailable,
    breakers,
    latency,
    counters,
    targets,
    providers: createProviderRegistry(options.providers),
    keys: createKeysStore(options.dynamo, options.keysTableName),
    limits: createLimitsStore(options.dynamo, options.limitsTableName),
    usage: createUsageStore(options.dynamo, options.usageTableName),
    events: options.events?.({ logger: options.logger, counters }),
    recent: new RecentStats(),
    metrics:
      config.observability.metrics === 'on' ||
      (config.observability.metrics === 'auto' && options.env.AWS_LAMBDA_FUNCTION_NAME !== undefined)
        ? new Metrics({ namespace: METRIC_NAMESPACE, serviceName: options.metricsService ?? metricsService() })
        : undefined,
    priceVersion: createHash('sha256')
      .update(JSON.stringify(config.models.map((model) => [model.id, model.pricing])))
      .digest('hex')
      .slice(0, 12),
    keyCache: new KeyCache({ ttlMs: config.server.keyCacheTtlSeconds * 1000 }),
    adminKeyHash: options.adminKey ? hashApiKey(options.adminKey) : undefined,
    logger: options.logger,
  };
};
