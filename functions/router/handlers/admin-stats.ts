import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';

/** `GET /admin/stats`: this instance's counters, key cache, circuit breakers and recent requests by model. */
export const adminStats = async ({ runtime }: HandlerContext): Promise<HttpResponse> => {
  const { hits, misses } = runtime.keyCache;
  return jsonResponse(200, {
    instance: { uptimeSeconds: Math.round(process.uptime()), memoryMb: Math.round(process.memoryUsage().rss / 1_048_576) },
    counters: runtime.counters.snapshot(),
    keyCache: { hits, misses, hitRate: hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 1000) / 1000 },
    breakers: Object.fromEntries(runtime.config.models.map((model) => [model.id, runtime.breakers.state(model.id)])),
    recent: runtime.recent.snapshot(),
  });
};
