// CloudWatch metric names the router emits (EMF) and the dashboard and alarms read: one place,
// so the two never drift.

export const METRIC_NAMESPACE = 'InferenceRouter';

/**
 * The `service` dimension of the router's metrics: one per environment, so dev and prod in one
 * account and region never mix in an alarm or the dashboard. The stack passes it as METRICS_SERVICE.
 */
export const metricsService = (envName?: string): string => (envName ? `inference-router-${envName}` : 'inference-router');

export const METRICS = {
  requests: 'Requests',
  errors: 'Errors',
  promptTokens: 'PromptTokens',
  completionTokens: 'CompletionTokens',
  costMicros: 'CostMicros',
  premiumCostMicros: 'PremiumCostMicros',
  latency: 'Latency',
  timeToFirstToken: 'TimeToFirstToken',
  fallbacks: 'Fallbacks',
  rateLimited: 'RateLimited',
  breakerOpened: 'BreakerOpened',
  keyCacheHit: 'KeyCacheHit',
  keyCacheMiss: 'KeyCacheMiss',
  guardrailActions: 'GuardrailActions',
  eventsNotPublished: 'UsageEventsNotPublished',
} as const;
