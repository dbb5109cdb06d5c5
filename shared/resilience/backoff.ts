/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * a random wait in [0, min(cap, base * 2^attempt)], so retrying clients spread out instead of
 * hitting a recovering upstream in lockstep. `attempt` counts retries from 0.
 */
export const fullJitterDelay = (attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));

/** The wait before the next try: the upstream's `retry-after` when it gave one, else jittered backoff. */
export const retryDelay = (
  attempt: number,
  retryAfterMs: number | null,
  options: { baseMs: number; capMs: number },
  random: () => number = Math.random,
): number => (retryAfterMs !== null ? retryAfterMs : fullJitterDelay(attempt, options.baseMs, options.capMs, random));
