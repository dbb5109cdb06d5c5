import { PermissionError } from '#shared/errors.ts';
import { keyAllows } from '#shared/keys/key-access.ts';
import { type ModelRouter, unknownModelError } from '#shared/routing/model-router.ts';
import { clientKey } from '../http/request-state.ts';
import type { RouterMiddleware } from './router-context.ts';

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
    if (!models.has(chat.model)) throw unknownModelError(chat.model, models.names);
    const key = clientKey(state);
    if (key && !keyAllows(key.models, chat.model)) {
      throw new PermissionError(`This API key may not use model '${chat.model}'. Allowed: ${key.models?.join(', ')}.`, {
        code: 'model_not_allowed',
        param: 'model',
      });
    }
    state.decision = models.decide({
      request: chat,
      headers: state.http.headers,
      caller: key ? { tenant: key.tenant, plan: key.plan, metadata: key.metadata } : undefined,
    });
  },
});
