import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelConfig } from '../config/schema.ts';
import { RouterError, ServiceUnavailableError, UpstreamError } from '../errors.ts';
import { retryDelay } from './backoff.ts';
import type { CircuitBreakers } from './circuit-breaker.ts';

/** One try at one model, as reported in headers, logs and the usage event. */
export interface AttemptRecord {
  model: string;
  provider: string;
  outcome: 'ok' | 'error' | 'skipped';
  /** HTTP status and code the router mapped the failure to. */
  status?: number;
  code?: string;
  durationMs: number;
}

export interface RetryPolicy {
  /** Tries per model, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `retry-after` longer than this is not waited for: the next model is tried instead. */
  maxRetryAfterMs: number;
}

export interface FallbackOptions {
  chain: readonly ModelConfig[];
  breakers: CircuitBreakers;
  retry: RetryPolicy;
  /** Time left for the whole request until the first byte (all attempts and waits included). */
  deadlineMs: number;
  /** The client's signal: aborting it stops everything at once. */
  signal: AbortSignal;
  random?: () => number;
  onAttempt?: (attempt: AttemptRecord) => void;
}

export interface FallbackResult<T> {
  result: T;
  model: ModelConfig;
  attempts: AttemptRecord[];
}

/** Errors that are the request's fault: another try or another model would fail the same way. */
const isRequestError = (error: RouterError): boolean =>
  error.statusCode === 400 || error.statusCode === 413 || error.statusCode === 422;

const deadlineError = (deadlineMs: number): UpstreamError =>
  new UpstreamError(504, `No model answered within the router's deadline of ${deadlineMs} ms.`, {
    provider: 'router',
    retryable: false,
    code: 'deadline_exceeded',
  });

/**
 * When every model failed: the last cause, in the 502/503/504 family. An upstream 429 becomes a
 * 503 that keeps `retry-after`, since the router, not the client, exhausted the upstream's quota.
 */
const finalError = (last: UpstreamError | undefined, attempts: readonly AttemptRecord[]): RouterError => {
  const tried = [...new Set(attempts.map((attempt) => attempt.model))].join(', ');
  if (last === undefined) {
    return new ServiceUnavailableError(
      `Every model for this request is temporarily disabled after repeated failures (${tried}); try again shortly.`,
      {
        code: 'circuit_open',
      },
    );
  }
  const statusCode = last.statusCode === 429 ? 503 : last.statusCode >= 500 ? last.statusCode : 502;
  const prefix = attempts.length > 1 ? `All attempts failed (${tried}); last: ` : '';
  return new UpstreamError(statusCode, `${prefix}${last.clientMessage}`, {
    provider: last.provider,
    upstreamStatus: last.upstreamStatus,
    retryable: last.retryable,
    retryAfterMs: last.retryAfterMs,
    code: last.code ?? 'upstream_error',
    upstreamMessage: last.upstreamMessage,
    cause: last,
  });
};

/**
 * Calls models along the chain until one answers: transient failures are retried with full-jitter
 * backoff (honouring `retry-after`), then the next model is tried; open circuits are skipped;
 * request errors stop at once. `call` gets a signal that aborts on client disconnect or when the
 * deadline passes; the deadline stops mattering once `call` resolves (for a stream: its first event).
 */
export const runWithFallback = async <T>(
  options: FallbackOptions,
  call: (model: ModelConfig, signal: AbortSignal) => Promise<T>,
): Promise<FallbackResult<T>> => {
  const { breakers, retry, signal } = options;
  const attempts: AttemptRecord[] = [];
  const record = (attempt: AttemptRecord): void => {
    attempts.push(attempt);
    options.onAttempt?.(attempt);
  };
  const deadlineAt = performance.now() + options.deadlineMs;
  let last: UpstreamError | undefined;

  for (const model of options.chain) {
    if (!breakers.tryAcquire(model.id)) {
      record({ model: model.id, provider: model.provider, outcome: 'skipped', code: 'circuit_open', durationMs: 0 });
      continue;
    }
    for (let attempt = 0; attempt < retry.maxAttempts; attempt++) {
      const remaining = deadlineAt - performance.now();
      if (remaining <= 0) {
        breakers.release(model.id);
        throw deadlineError(options.deadlineMs);
      }
      const controller = new AbortController();
      const onClientAbort = (): void => controller.abort(signal.reason);
      if (signal.aborted) onClientAbort();
      else signal.addEventListener('abort', onClientAbort, { once: true });
      const timer = setTimeout(() => controller.abort(deadlineError(options.deadlineMs)), remaining);
      const started = performance.now();
      try {
        const result = await call(model, controller.signal);
        breakers.recordSuccess(model.id);
        record({ model: model.id, provider: model.provider, outcome: 'ok', durationMs: Math.round(performance.now() - started) });
        return { result, model, attempts };
      } catch (error) {
        const durationMs = Math.round(performance.now() - started);
        signal.removeEventListener('abort', onClientAbort);
        if (signal.aborted) {
          breakers.release(model.id);
          throw signal.reason;
        }
        if (error instanceof RouterError) {
          record({
            model: model.id,
            provider: model.provider,
            outcome: 'error',
            status: error.statusCode,
            code: error.code ?? undefined,
            durationMs,
          });
        }
        if (!(error instanceof UpstreamError) || isRequestError(error)) {
          // Not the model's fault: no retry, no fallback, no strike against its circuit.
          breakers.release(model.id);
          throw error;
        }
        if (error.code === 'deadline_exceeded') {
          // The router ran out of time, not the model: no strike, but a probe must not stay taken.
          breakers.release(model.id);
          throw error;
        }
        breakers.recordFailure(model.id);
        last = error;
        if (!error.retryable || breakers.state(model.id) === 'open' || attempt + 1 >= retry.maxAttempts) break;
        const wait = retryDelay(
          attempt,
          error.retryAfterMs,
          { baseMs: retry.baseDelayMs, capMs: retry.maxDelayMs },
          options.random,
        );
        // A long retry-after, or a wait past the deadline, is better spent on the next model.
        if (wait > retry.maxRetryAfterMs || performance.now() + wait >= deadlineAt) break;
        await sleep(wait, undefined, { signal }).catch(() => {
          throw signal.reason;
        });
        if (!breakers.tryAcquire(model.id)) break;
      } finally {
        clearTimeout(timer);
      }
    }
  }
  throw finalError(last, attempts);
};
