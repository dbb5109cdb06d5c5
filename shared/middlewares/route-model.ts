import { PermissionError } from '../errors.ts';
import type { RouterMiddleware } from '../http/request-state.ts';
import type { ModelRouter } from '../routing/model-router.ts';

/** May this key ask for this model or alias? Keys without a `models` list may use all. */
export const keyAllows = (models: readonly string[] | undefined, name: string): boolean =>
  models === undefined || models.includes(name);

/**
 * For inference routes: checks the requested model exists and the key may use it, then asks the
 * routing engine which model serves the request. The decision is explained in the response
 * headers and travels to the usage event.
 */
export const routeModel = (models: ModelRouter): RouterMiddleware => ({
  before: (request) => {
    const { state } = request.context;
    const chat = state.chat;
    if (chat === undefined) return;
    // Unknown names get the router's 404 (with the list of names) before any permission check.
    if (!models.has(chat.model)) {
      models.decide({ request: chat });
      return;
    }
    const principal = state.principal;
    if (principal?.kind === 'key' && !keyAllows(principal.key.models, chat.model)) {
      throw new PermissionError(`This API key may not use model '${chat.model}'. Allowed: ${principal.key.models?.join(', ')}.`, {
        code: 'model_not_allowed',
        param: 'model',
      });
    }
    const key = principal?.kind === 'key' ? principal.key : undefined;
    state.decision = models.decide({
      request: chat,
      headers: state.http.headers,
      caller: key ? { tenant: key.tenant, plan: key.plan, metadata: key.metadata } : undefined,
    });
  },
});
