import { describe, expect, test, vi } from 'vitest';
import { KeyCache } from '#shared/keys/key-cache.ts';
import type { KeyRecord } from '#shared/keys/key-record.ts';

const record = (id: string): KeyRecord => ({
  id,
  tenant: 'acme',
  name: 'default',
  status: 'active',
  hint: 'sk-ir-xxxx...xxxx',
  createdAt: '2025-01-01T00:00:00.000Z',
});

/** A cache on a clock the test moves, and a loader that knows the hashes `a`, `b` and `c`. */
const setup = (options: { ttlMs: number; negativeTtlMs?: number; maxEntries?: number }) => {
  const clock = { now: 1_000_000 };
  const known = new Map(['a', 'b', 'c'].map((hash) => [hash, record(`key_${hash}`)]));
  const load = vi.fn(async (hash: string) => known.get(hash));
  const cache = new KeyCache({ ...options, now: () => clock.now });
  return { cache, load, clock };
};

describe('KeyCache', () => {
  test('a second lookup within the TTL is served from the cache', async () => {
    // Prepare
    const { cache, load, clock } = setup({ ttlMs: 30_000 });

    // Act
    const first = await cache.get('a', load);
    clock.now += 29_999;
    const second = await cache.get('a', load);

    // Assess
    expect(first).toEqual(record('key_a'));
    expect(second).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledWith('a');
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 1 });
  });

  test('a lookup once the TTL has passed reloads the key (a revocation takes effect)', async () => {
    // Prepare
    const { cache, load, clock } = setup({ ttlMs: 30_000 });
    await cache.get('a', load);
    load.mockResolvedValueOnce({ ...record('key_a'), status: 'revoked' });

    // Act
    clock.now += 30_000;
    const reloaded = await cache.get('a', load);

    // Assess
    expect(reloaded?.status).toBe('revoked');
    expect(load).toHaveBeenCalledTimes(2);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 0, misses: 2 });
  });

  test('an unknown key is cached for the shorter negative TTL, 5 s by default', async () => {
    // Prepare
    const { cache, load, clock } = setup({ ttlMs: 30_000 });

    // Act
    await cache.get('zzz', load);
    clock.now += 4_999;
    const cached = await cache.get('zzz', load);
    clock.now += 1;
    await cache.get('zzz', load);

    // Assess
    expect(cached).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.hits).toBe(1);
  });

  test('the negative TTL never exceeds the TTL', async () => {
    // Prepare
    const { cache, load, clock } = setup({ ttlMs: 1_000 });

    // Act
    await cache.get('zzz', load);
    clock.now += 1_000;
    await cache.get('zzz', load);

    // Assess
    expect(load).toHaveBeenCalledTimes(2);
  });

  test('an explicit negative TTL is used for unknown keys only', async () => {
    // Prepare
    const { cache, load, clock } = setup({ ttlMs: 30_000, negativeTtlMs: 100 });

    // Act
    await cache.get('a', load);
    await cache.get('zzz', load);
    clock.now += 100;
    await cache.get('a', load);
    await cache.get('zzz', load);

    // Assess
    expect(load.mock.calls.map(([hash]) => hash)).toEqual(['a', 'zzz', 'zzz']);
  });

  test('a TTL of 0 never caches', async () => {
    // Prepare
    const { cache, load } = setup({ ttlMs: 0 });

    // Act
    await cache.get('a', load);
    await cache.get('a', load);
    await cache.get('zzz', load);
    await cache.get('zzz', load);

    // Assess
    expect(load).toHaveBeenCalledTimes(4);
    expect(cache.hits).toBe(0);
  });

  test('a full cache evicts the oldest entry first', async () => {
    // Prepare
    const { cache, load } = setup({ ttlMs: 30_000, maxEntries: 2 });
    await cache.get('a', load);
    await cache.get('b', load);

    // Act
    await cache.get('c', load);
    load.mockClear();
    await cache.get('b', load);
    await cache.get('c', load);
    await cache.get('a', load);

    // Assess
    expect(load.mock.calls.map(([hash]) => hash)).toEqual(['a']);
  });

  test('delete drops an entry so the next lookup reloads it', async () => {
    // Prepare
    const { cache, load } = setup({ ttlMs: 30_000 });
    await cache.get('a', load);

    // Act
    cache.delete('a');
    await cache.get('a', load);

    // Assess
    expect(load).toHaveBeenCalledTimes(2);
  });

  test('a loader failure is passed on and not cached', async () => {
    // Prepare
    const { cache, load } = setup({ ttlMs: 30_000 });
    load.mockRejectedValueOnce(new Error('DynamoDB throttled'));

    // Act
    const failed = cache.get('a', load);

    // Assess
    await expect(failed).rejects.toThrow('DynamoDB throttled');
    expect(await cache.get('a', load)).toEqual(record('key_a'));
    expect(load).toHaveBeenCalledTimes(2);
  });

  test('concurrent lookups of the same uncached key share one load', async () => {
    // Prepare
    const { cache, load } = setup({ ttlMs: 30_000 });

    // Act
    const [first, second] = await Promise.all([cache.get('a', load), cache.get('a', load)]);

    // Assess
    expect(first).toEqual(record('key_a'));
    expect(second).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);
  });

  test('a refreshed key moves to the end, so the full cache evicts the least recently loaded', async () => {
    // Prepare: a and b cached; a expires and is reloaded.
    const { cache, load, clock } = setup({ ttlMs: 1_000, maxEntries: 2 });
    await cache.get('a', load);
    clock.now += 500;
    await cache.get('b', load);
    clock.now += 600;
    await cache.get('a', load);

    // Act: c needs room; b (loaded before a's refresh) goes.
    await cache.get('c', load);
    load.mockClear();
    await cache.get('a', load);
    await cache.get('b', load);

    // Assess
    expect(load.mock.calls).toEqual([['b']]);
  });
});
