import { InternalError } from '#shared/errors.ts';
import type { RouteDecision } from '#shared/routing/model-router.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';

/** The decision as a client sees it: which model would serve, why, and what the router read of the request. */
export const describeDecision = (decision: RouteDecision) => ({
  object: 'router.decision',
  dry_run: true,
  requested: decision.requested,
  model: decision.model.id,
  provider: decision.model.provider,
  tier: decision.tier,
  score: decision.score,
  ...(decision.scorer ? { scorer: decision.scorer } : {}),
  reason: decision.reason,
  ...(decision.rule ? { rule: decision.rule } : {}),
  fallbacks: decision.fallbacks.map((model) => model.id),
  features: decision.features,
});

/** `x-router-dry-run: 1` on an inference route: the decision, no model called, nothing billed. */
export const dryRun = ({ state }: HandlerContext): HttpResponse => {
  if (!state.decision) throw new InternalError(new Error('dry run without a routing decision'));
  return jsonResponse(200, describeDecision(state.decision));
};
