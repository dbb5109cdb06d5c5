import type { KeyRecord } from './key-record.ts';

/**
 * A per-instance cache of key lookups, so a warm Lambda does not read DynamoDB on every request.
 * Unknown keys are cached too (briefly) so a flood of bad keys cannot hammer the table. The TTL
 * bounds how long a revoked key keeps working on an instance that has seen it.
 */
export class KeyCache {
  readonly #entries = new Map<string, { record: KeyRecord | undefined; expiresAt: number }>();
  /** Lookups in flight: concurrent requests with the same new key share one DynamoDB read. */
  readonly #loading = new Map<string, Promise<KeyRecord | undefined>>();
  readonly #ttlMs: number;
  readonly #negativeTtlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  hits = 0;
  misses = 0;

  constructor(options: { ttlMs: number; negativeTtlMs?: number; maxEntries?: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#negativeTtlMs = options.negativeTtlMs ?? Math.min(options.ttlMs, 5_000);
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async get(hash: string, load: (hash: string) => Promise<KeyRecord | undefined>): Promise<KeyRecord | undefined> {
    const now = this.#now();
    const entry = this.#entries.get(hash);
    if (entry !== undefined && entry.expiresAt > now) {
      this.hits += 1;
      return entry.record;
    }
    this.misses += 1;
    const pending = this.#loading.get(hash);
    if (pending) return pending;
    const loading = load(hash).finally(() => this.#loading.delete(hash));
    this.#loading.set(hash, loading);
    const record = await loading;
    if (this.#ttlMs > 0) {
      // Map keeps insertion order: re-inserting moves a refreshed key to the end, so the first
      // key is the least recently loaded, a cheap bound on memory.
      this.#entries.delete(hash);
      if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(hash, { record, expiresAt: now + (record ? this.#ttlMs : this.#negativeTtlMs) });
    }
    return record;
  }

  delete(hash: string): void {
    this.#entries.delete(hash);
  }

  /** Forgets a key by its id (after an admin changes or revokes it): this instance sees the change at once. */
  deleteById(id: string): void {
    for (const [hash, entry] of this.#entries) if (entry.record?.id === id) this.#entries.delete(hash);
  }
}
