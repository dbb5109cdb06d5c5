import { microsToUsd } from '#shared/pricing/cost.ts';
import type { RequestSummary } from './request-summary.ts';

interface Entry {
  at: number;
  summary: RequestSummary;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * The last requests of this instance (bounded), summarized per model for `GET /admin/stats`:
 * a quick look at what the router is doing without a metrics backend.
 */
export class RecentStats {
  readonly #entries: Entry[] = [];
  readonly #capacity: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(options: { capacity?: number; windowMs?: number; now?: () => number } = {}) {
    this.#capacity = options.capacity ?? 2_000;
    this.#windowMs = options.windowMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  record(summary: RequestSummary): void {
    this.#entries.push({ at: this.#now(), summary });
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
  }

  snapshot() {
    const since = this.#now() - this.#windowMs;
    const recent = this.#entries.filter((entry) => entry.at >= since).map((entry) => entry.summary);
    const byModel = new Map<string, RequestSummary[]>();
    for (const summary of recent) {
      if (summary.model === undefined) continue;
      const members = byModel.get(summary.model);
      if (members) members.push(summary);
      else byModel.set(summary.model, [summary]);
    }
    const models = [...byModel.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([model, summaries]) => {
        const latencies = summaries.map((summary) => summary.latencyMs).sort((a, b) => a - b);
        // Only streams have a first token apart from the whole answer: null when none streamed.
        const firstTokens = summaries.flatMap((summary) => summary.timeToFirstTokenMs ?? []).sort((a, b) => a - b);
        return {
          model,
          requests: summaries.length,
          errors: summaries.filter((summary) => summary.status >= 500 || summary.streamError !== undefined).length,
          fallbacks: summaries.filter((summary) => summary.fallback).length,
          promptTokens: summaries.reduce((total, summary) => total + (summary.promptTokens ?? 0), 0),
          completionTokens: summaries.reduce((total, summary) => total + (summary.completionTokens ?? 0), 0),
          costUsd: microsToUsd(summaries.reduce((total, summary) => total + (summary.costMicros ?? 0), 0)),
          latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
          timeToFirstTokenMs:
            firstTokens.length === 0 ? null : { p50: percentile(firstTokens, 50), p99: percentile(firstTokens, 99) },
        };
      });
    const statuses: Record<string, number> = {};
    for (const summary of recent) statuses[String(summary.status)] = (statuses[String(summary.status)] ?? 0) + 1;
    return { windowSeconds: this.#windowMs / 1000, requests: recent.length, statuses, models };
  }
}
