import type { ModelConfig } from '../config/schema.ts';

/**
 * Time to first token per model, as this instance has seen it (an exponentially weighted moving
 * average), seeded from the config's `expectedLatencyMs`. Serves the `fastest` alias.
 */
export class LatencyTracker {
  readonly #averages = new Map<string, number>();
  readonly #alpha: number;
  readonly #unknownMs: number;

  constructor(options: { alpha?: number; unknownMs?: number } = {}) {
    this.#alpha = options.alpha ?? 0.2;
    this.#unknownMs = options.unknownMs ?? 2_000;
  }

  record(model: string, ms: number): void {
    const previous = this.#averages.get(model);
    this.#averages.set(model, previous === undefined ? ms : previous + this.#alpha * (ms - previous));
  }

  /** Measured average, else the configured expectation, else a pessimistic default. */
  estimate(model: ModelConfig): number {
    return this.#averages.get(model.id) ?? model.expectedLatencyMs ?? this.#unknownMs;
  }
}
