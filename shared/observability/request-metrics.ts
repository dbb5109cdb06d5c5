import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from './metric-names.ts';
import type { RequestSummary } from './request-summary.ts';

/** Instance-wide counts reported as deltas: what happened since the last request's metrics. */
export interface InstanceDeltas {
  keyCacheHits: number;
  keyCacheMisses: number;
  breakerOpens: number;
  eventsNotPublished: number;
}

/**
 * One EMF record per request, by model and provider: requests, errors, latency, time to first
 * token, tokens, cost, fallbacks, rate-limit rejections, guardrail actions; plus the instance's
 * key-cache, breaker and lost-event deltas. CloudWatch turns the stdout line into metrics.
 */
export const emitRequestMetrics = (metrics: Metrics, summary: RequestSummary, deltas: InstanceDeltas): void => {
  const single = metrics.singleMetric();
  if (summary.model) single.addDimensions({ model: summary.model, provider: summary.provider ?? 'none' });
  single.addMetric(METRICS.requests, MetricUnit.Count, 1);
  single.addMetric(METRICS.errors, MetricUnit.Count, summary.status >= 500 || summary.streamError !== undefined ? 1 : 0);
  single.addMetric(METRICS.latency, MetricUnit.Milliseconds, summary.latencyMs);
  if (summary.timeToFirstTokenMs !== undefined)
    single.addMetric(METRICS.timeToFirstToken, MetricUnit.Milliseconds, summary.timeToFirstTokenMs);
  if (summary.promptTokens !== undefined) {
    single.addMetric(METRICS.promptTokens, MetricUnit.Count, summary.promptTokens);
    single.addMetric(METRICS.completionTokens, MetricUnit.Count, summary.completionTokens ?? 0);
    single.addMetric(METRICS.costMicros, MetricUnit.Count, summary.costMicros ?? 0);
  }
  if (summary.fallback) single.addMetric(METRICS.fallbacks, MetricUnit.Count, 1);
  if (summary.status === 429) single.addMetric(METRICS.rateLimited, MetricUnit.Count, 1);
  if (summary.guardrails?.length) single.addMetric(METRICS.guardrailActions, MetricUnit.Count, summary.guardrails.length);
  single.publishStoredMetrics();

  const instance = metrics.singleMetric();
  if (deltas.keyCacheHits) instance.addMetric(METRICS.keyCacheHit, MetricUnit.Count, deltas.keyCacheHits);
  if (deltas.keyCacheMisses) instance.addMetric(METRICS.keyCacheMiss, MetricUnit.Count, deltas.keyCacheMisses);
  if (deltas.breakerOpens) instance.addMetric(METRICS.breakerOpened, MetricUnit.Count, deltas.breakerOpens);
  if (deltas.eventsNotPublished) instance.addMetric(METRICS.eventsNotPublished, MetricUnit.Count, deltas.eventsNotPublished);
  if (deltas.keyCacheHits || deltas.keyCacheMisses || deltas.breakerOpens || deltas.eventsNotPublished)
    instance.publishStoredMetrics();
};
