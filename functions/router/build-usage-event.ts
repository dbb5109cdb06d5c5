import { USAGE_EVENT_VERSION, type UsageEventDetail } from '#shared/events/usage-event.ts';
import { clientKey, type RequestState, upstreamCalls } from './http/request-state.ts';

export interface UsageEventContext {
  /** From the tenant's config when the key has none. */
  tenantSubscription?: string | undefined;
  priceVersion: string;
}

/**
 * The usage event of a finished inference request, or undefined for requests that are not
 * billable to anyone (no authenticated key, or no chat request parsed).
 */
export const buildUsageEvent = (
  state: RequestState,
  context: UsageEventContext,
  now = performance.now(),
): UsageEventDetail | undefined => {
  const key = clientKey(state);
  if (!key || !state.chat || !state.route) return undefined;
  const { decision, outcome } = state;
  const tried = state.attempts ?? [];
  const calls = upstreamCalls(state);
  // A model answered (and is paid for upstream) when there is usage, even if the output policy then
  // refused the answer (a 400 with the answer's usage): that request is billed like any other.
  const served =
    outcome !== undefined &&
    ((state.statusCode ?? 500) < 400 || (state.errorCode === 'content_policy' && outcome.usage !== undefined));
  const upstreamMs = calls.reduce((sum, attempt) => sum + attempt.durationMs, 0);
  const subscription = key.lagoSubscriptionId ?? context.tenantSubscription;
  return {
    version: USAGE_EVENT_VERSION,
    requestId: state.requestId,
    timestamp: state.receivedAt.toISOString(),
    tenant: key.tenant,
    keyId: key.id,
    ...(subscription ? { lagoSubscriptionId: subscription } : {}),
    endpoint: state.route.path,
    requestedModel: state.chat.model,
    ...(served ? { servedModel: outcome.modelId, provider: outcome.provider } : {}),
    routing: {
      ...(decision ? { tier: decision.tier, score: decision.score, reason: decision.reason } : {}),
      ...(decision?.rule ? { rule: decision.rule } : {}),
      attempts: calls.length,
      // Models given up on: failed and not the one that finally served (a retry that succeeded is not a fallback).
      fallbacks: new Set(
        calls
          .filter((attempt) => attempt.outcome === 'error' && attempt.model !== (served ? outcome.modelId : undefined))
          .map((attempt) => attempt.model),
      ).size,
      tried: tried.map((attempt) => ({ ...attempt })),
    },
    usage: outcome?.usage ?? { promptTokens: 0, completionTokens: 0, cachedTokens: 0, estimated: false },
    costMicros: outcome?.costMicros ?? 0,
    premiumCostMicros: outcome?.premiumCostMicros ?? 0,
    priceVersion: context.priceVersion,
    latency: {
      totalMs: Math.round(now - state.startedAt),
      ...(calls.length > 0 ? { upstreamMs } : {}),
      ...(outcome?.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: outcome.timeToFirstTokenMs } : {}),
    },
    status: state.statusCode ?? 500,
    ...(state.errorCode ? { errorCode: state.errorCode } : {}),
    ...(outcome?.streamError ? { streamError: outcome.streamError } : {}),
    requestBytes: state.requestBytes,
    ...(outcome?.responseBytes !== undefined ? { responseBytes: outcome.responseBytes } : {}),
    stream: state.chat.stream === true,
    ...(state.guardrails && state.guardrails.length > 0 ? { guardrails: state.guardrails.map((action) => ({ ...action })) } : {}),
  };
};
