import type { UsageEventDetail } from '../events/usage-event.ts';
import { microsToUsd } from '../pricing/cost.ts';

/** Lago's `EventInputObject` (getlago/lago-openapi, src/schemas/EventInputObject.yaml). */
export interface LagoEvent {
  transaction_id: string;
  external_subscription_id: string;
  code: string;
  /** Unix seconds. */
  timestamp: number;
  properties: Record<string, string | number>;
}

/**
 * A usage event as a Lago event: the request id is the transaction id (so a resend is never
 * billed twice) and the timestamp is the request's, stable across retries and replays. Costs are
 * in USD with six decimals, from integer micro-dollars.
 */
export const toLagoEvent = (detail: UsageEventDetail, code: string): LagoEvent | undefined => {
  if (!detail.lagoSubscriptionId) return undefined;
  return {
    transaction_id: detail.requestId,
    external_subscription_id: detail.lagoSubscriptionId,
    code,
    timestamp: Math.floor(Date.parse(detail.timestamp) / 1000),
    properties: {
      model: detail.servedModel ?? detail.requestedModel,
      provider: detail.provider ?? 'none',
      tier: detail.routing.tier ?? 'none',
      input_tokens: detail.usage.promptTokens,
      output_tokens: detail.usage.completionTokens,
      cached_tokens: detail.usage.cachedTokens,
      total_tokens: detail.usage.promptTokens + detail.usage.completionTokens,
      cost_usd: microsToUsd(detail.costMicros).toFixed(6),
      key_id: detail.keyId,
      price_version: detail.priceVersion,
    },
  };
};
