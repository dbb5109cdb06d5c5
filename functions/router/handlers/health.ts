import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';

/**
 * `GET /health`: no dependencies checked, no auth, cheap enough for any probe. `degraded` (still
 * a 200: the router serves) names the models that cannot serve because their key is missing.
 */
export const health = async ({ runtime }: HandlerContext): Promise<HttpResponse> => {
  if (runtime.unavailable.size === 0) return jsonResponse(200, { status: 'ok' });
  return jsonResponse(200, {
    status: 'degraded',
    unavailable: [...runtime.unavailable].map(([model, reason]) => ({ model, reason })),
  });
};
