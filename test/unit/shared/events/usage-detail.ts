import { USAGE_EVENT_VERSION, type UsageEventDetail } from '#shared/events/usage-event.ts';

// A valid usage event detail for the tests of its consumers (publisher, Lago, metering, usage API).

type DetailOverrides = Omit<Partial<UsageEventDetail>, 'routing' | 'usage' | 'latency'> & {
  routing?: Partial<UsageEventDetail['routing']>;
  usage?: Partial<UsageEventDetail['usage']>;
  latency?: Partial<UsageEventDetail['latency']>;
};

export const usageDetail = (overrides: DetailOverrides = {}): UsageEventDetail => {
  const { routing, usage, latency, ...rest } = overrides;
  return {
    version: USAGE_EVENT_VERSION,
    requestId: 'req-1',
    timestamp: '2026-03-14T15:09:26.535Z',
    tenant: 'acme',
    keyId: 'key_1',
    lagoSubscriptionId: 'sub_acme',
    endpoint: '/v1/chat/completions',
    requestedModel: 'auto',
    servedModel: 'mock-small',
    provider: 'mock',
    routing: { tier: 'simple', score: 0.2, reason: 'complexity', attempts: 1, fallbacks: 0, tried: [], ...routing },
    usage: { promptTokens: 120, completionTokens: 30, cachedTokens: 20, estimated: false, ...usage },
    costMicros: 24,
    premiumCostMicros: 810,
    priceVersion: 'abc123def456',
    latency: { totalMs: 42, ...latency },
    status: 200,
    requestBytes: 180,
    stream: false,
    ...rest,
  };
};

/** A refused request: no served model or provider, no usage, no cost. */
export const failedDetail = (overrides: DetailOverrides = {}): UsageEventDetail => {
  const {
    servedModel: _servedModel,
    provider: _provider,
    ...failed
  } = usageDetail({
    status: 429,
    errorCode: 'rate_limit_exceeded',
    usage: { promptTokens: 0, completionTokens: 0, cachedTokens: 0 },
    costMicros: 0,
    premiumCostMicros: 0,
    ...overrides,
  });
  return failed;
};
