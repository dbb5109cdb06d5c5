import { emitRequestMetrics } from '../observability/request-metrics.ts';
import { summarizeRequest } from '../observability/summarize-request.ts';
import type { RouterRuntime } from '../runtime.ts';
import type { RouterMiddleware, RouterRequest } from './router-context.ts';

/**
 * After the last byte: one structured log line per request (Powertools Logger; no prompt text
 * unless `observability.logPrompts`), the instance's recent stats, and CloudWatch metrics (EMF).
 * Registered in `after`/`onError`, so it runs after the usage and reconciliation work.
 */
export const logAndMeasure = (
  runtime: Pick<RouterRuntime, 'config' | 'logger' | 'recent' | 'metrics' | 'keyCache' | 'counters'>,
): RouterMiddleware => {
  const reported = { keyCacheHits: 0, keyCacheMisses: 0, breakerOpens: 0, eventsNotPublished: 0 };
  const schedule = (request: RouterRequest): void => {
    const { state } = request.context;
    state.afterAll.push(() => {
      const summary = summarizeRequest(state, runtime.config.observability);
      runtime.logger.info('request', { ...summary });
      runtime.recent.record(summary);
      if (!runtime.metrics) return;
      const now = {
        keyCacheHits: runtime.keyCache.hits,
        keyCacheMisses: runtime.keyCache.misses,
        breakerOpens: runtime.counters.get('breaker.open'),
        eventsNotPublished: runtime.counters.get('events.publish_failed'),
      };
      emitRequestMetrics(runtime.metrics, summary, {
        keyCacheHits: now.keyCacheHits - reported.keyCacheHits,
        keyCacheMisses: now.keyCacheMisses - reported.keyCacheMisses,
        breakerOpens: now.breakerOpens - reported.breakerOpens,
        eventsNotPublished: now.eventsNotPublished - reported.eventsNotPublished,
      });
      Object.assign(reported, now);
    });
  };
  return { after: schedule, onError: schedule };
};
