import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '#shared/observability/metric-names.ts';
import type { RequestSummary } from './request-summary.ts';

/** Instance-wide counts reported as deltas: what happened since the last request's metrics. */
export interface InstanceDeltas {
  keyCacheHits: number;
  keyCacheMisses: number;
  breakerOpens: number;
  eventsNotPublished: number;
}

/**
 * One EMF line per request, with the `model` and `provider` dimensions: requests, errors,
 * latency, time to first token, tokens, cost, fallbacks, rate-limit rejections, guardrail actions.
 * Instance counts (key cache, breaker opens, lost events) go on a second line only when non-zero.
 * CloudWatch turns the stdout lines into metrics; buffering then publishing once keeps it to one
 * write (`singleMetric()` would write a line per metric and drop the dimensions after the first).
 */
export const emitRequestMetrics = (metrics: Metrics, summary: RequestSummary, deltas: InstanceDeltas): void => {
  metrics.addDimensions({ model: summary.model ?? 'none', provider: summary.provider ?? 'none' });
  metrics.addMetric(METRICS.requests, MetricUnit.Count, 1);
  metrics.addMetric(METRICS.errors, MetricUnit.Count, summary.status >= 500 || summary.streamError !== undefined ? 1 : 0);
  metrics.addMetric(METRICS.latency, MetricUnit.Milliseconds, summary.latencyMs);
  if (summary.timeToFirstTokenMs !== undefined)
    metrics.addMetric(METRICS.timeToFirstToken, MetricUnit.Milliseconds, summary.timeToFirstTokenMs);
  if (summary.promptTokens !== undefined) {
    metrics.addMetric(METRICS.promptTokens, MetricUnit.Count, summary.promptTokens);
    metrics.addMetric(METRICS.completionTokens, MetricUnit.Count, summary.completionTokens ?? 0);
    metrics.addMetric(METRICS.costMicros, MetricUnit.Count, summary.costMicros ?? 0);
  }
  if (summary.fallback) metrics.addMetric(METRICS.fallbacks, MetricUnit.Count, 1);
  if (summary.status === 429) metrics.addMetric(METRICS.rateLimited, MetricUnit.Count, 1);
  if (summary.guardrails?.length) metrics.addMetric(METRICS.guardrailActions, MetricUnit.Count, summary.guardrails.length);
  metrics.publishStoredMetrics();

  const instance: Array<[string, number]> = [
    [METRICS.keyCacheHit, deltas.keyCacheHits],
    [METRICS.keyCacheMiss, deltas.keyCacheMisses],
    [METRICS.breakerOpened, deltas.breakerOpens],
    [METRICS.eventsNotPublished, deltas.eventsNotPublished],
  ];
  if (instance.every(([, value]) => value === 0)) return;
  for (const [name, value] of instance) if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
  metrics.publishStoredMetrics();
};
