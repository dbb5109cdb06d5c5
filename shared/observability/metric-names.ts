// CloudWatch metric names the router emits (EMF) and the dashboard and alarms read: one place,
// so the two never drift.

export const METRIC_NAMESPACE = 'InferenceRouter';

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
