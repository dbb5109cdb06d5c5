/**
 * In-memory counters of this instance (rate-limit rejections, store errors, fallbacks, breaker
 * opens...). Cheap enough for the hot path; read by `GET /admin/stats` and emitted as metrics.
 */
export class Counters {
  readonly #values = new Map<string, number>();

  increment(name: string, by = 1): void {
    this.#values.set(name, (this.#values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.#values.get(name) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#values].sort(([a], [b]) => a.localeCompare(b)));
  }
}
