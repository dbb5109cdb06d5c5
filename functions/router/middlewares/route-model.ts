import type { RouterConfig } from '#shared/config/schema.ts';
import { accessLists, assertMayRequest, servingModels } from '#shared/keys/key-access.ts';
import { type ModelRouter, unknownModelError } from '#shared/routing/model-router.ts';
import { clientKey } from '../http/request-state.ts';
import type { RouterMiddleware } from './router-context.ts';

/**
 * For inference routes: checks the requested model exists and the key may use it, then asks the
 * routing engine which model serves the request, among the models the key (and its tenant and
 * plan) may be served by. The decision is explained in the response headers and travels to the
 * usage event.
 */
export const routeModel = (
  models: ModelRouter,
  config: Pick<RouterConfig, 'models' | 'aliases' | 'tenants' | 'plans'>,
): RouterMiddleware => ({
  before: (request) => {
    const { state } = request.context;
    const chat = state.chat;
    if (chat === undefined) return;
    // Unknown names get the router's 404 (with the list of names) before any permission check.
    if (!models.has(chat.model)) throw unknownModelError(chat.model, models.names);
    const key = clientKey(state);
    const lists = key ? accessLists(config, key) : [];
    assertMayRequest(lists, chat.model, models.names);
    const allowed = servingModels(config, lists);
    state.decision = models.decide({
      request: chat,
      headers: state.http.headers,
      caller: key ? { tenant: key.tenant, plan: key.plan, metadata: key.metadata } : undefined,
      ...(allowed ? { allowed } : {}),
    });
  },
});
