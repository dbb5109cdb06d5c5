import { describe, expect, test } from 'vitest';
import { modelSchema } from '#shared/config/schema.ts';
import { InvalidRequestError, UpstreamError } from '#shared/errors.ts';
import { CircuitBreakers } from '#shared/resilience/circuit-breaker.ts';
import { type FallbackOptions, runWithFallback } from '#shared/resilience/run-with-fallback.ts';

const model = (id: string) => modelSchema.parse({ id, provider: 'mock' });
const transient = (status = 500, retryAfterMs: number | null = null) =>
  new UpstreamError(502, `upstream ${status}`, {
    provider: 'mock',
    upstreamStatus: status,
    retryable: true,
    retryAfterMs,
    code: 'upstream_error',
  });
const permanent = () =>
  new UpstreamError(502, 'bad credentials', { provider: 'mock', retryable: false, code: 'upstream_auth_error' });

const options = (overrides: Partial<FallbackOptions> = {}): FallbackOptions => ({
  chain: [model('a'), model('b')],
  breakers: new CircuitBreakers({ failureThreshold: 100, coolDownMs: 1_000 }),
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 50 },
  deadlineMs: 5_000,
  signal: new AbortController().signal,
  random: () => 0,
  ...overrides,
});

/** A call that replays scripted outcomes per model: an Error to throw, or a value to return. */
const script = (outcomes: Record<string, Array<Error | string>>) => {
  const calls: string[] = [];
  const call = async (target: { id: string }) => {
    calls.push(target.id);
    const next = outcomes[target.id]?.shift() ?? 'ok';
    if (next instanceof Error) throw next;
    return `${target.id}:${next}`;
  };
  return { call, calls };
};

describe('runWithFallback', () => {
  test('the first model answering ends the run', async () => {
    const { call, calls } = script({});
    const result = await runWithFallback(options(), call);
    expect(result.result).toBe('a:ok');
    expect(calls).toEqual(['a']);
    expect(result.attempts.map((a) => [a.model, a.outcome])).toEqual([['a', 'ok']]);
  });

  test('a transient failure is retried on the same model up to maxAttempts, then the next model is tried', async () => {
    const { call, calls } = script({ a: [transient(), transient()] });
    const result = await runWithFallback(options(), call);
    expect(calls).toEqual(['a', 'a', 'b']);
    expect(result.model.id).toBe('b');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['error', 'error', 'ok']);
  });

  test('a non-retryable upstream failure skips the retry but falls back', async () => {
    const { call, calls } = script({ a: [permanent()] });
    await runWithFallback(options(), call);
    expect(calls).toEqual(['a', 'b']);
  });

  test('a retry-after beyond maxRetryAfterMs moves on instead of waiting', async () => {
    const { call, calls } = script({ a: [transient(429, 60_000)] });
    await runWithFallback(options(), call);
    expect(calls).toEqual(['a', 'b']);
  });

  test.each([
    {
      name: 'an upstream 400',
      error: new UpstreamError(400, 'bad field', { provider: 'mock', retryable: false, type: 'invalid_request_error' }),
    },
    { name: 'a router validation error', error: new InvalidRequestError('bad image') },
  ])('$name stops at once: no retry, no fallback, no strike against the circuit', async ({ error }) => {
    const breakers = new CircuitBreakers({ failureThreshold: 1, coolDownMs: 1_000 });
    const { call, calls } = script({ a: [error] });
    await expect(runWithFallback(options({ breakers }), call)).rejects.toBe(error);
    expect(calls).toEqual(['a']);
    expect(breakers.state('a')).toBe('closed');
  });

  test('when every model fails, the error names the models tried and the last cause', async () => {
    const { call } = script({ a: [transient(), transient()], b: [permanent()] });
    const error = await runWithFallback(options(), call).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      statusCode: 502,
      code: 'upstream_auth_error',
      message: 'All attempts failed (a, b); last: bad credentials',
    });
  });

  test('an upstream 429 as the last cause becomes a 503 that keeps retry-after', async () => {
    const { call } = script({
      a: [transient(429, 60_000)],
      b: [
        new UpstreamError(429, 'slow', { provider: 'mock', retryable: true, retryAfterMs: 9_000, code: 'upstream_rate_limited' }),
      ],
    });
    const error = (await runWithFallback(options(), call).catch((caught: unknown) => caught)) as UpstreamError;
    expect(error.statusCode).toBe(503);
    expect(error.headers['retry-after']).toBe('9');
  });

  // Regression (issue 14): the final error was built from the last error's full message.
  test("the final error keeps the upstream's own words for the log and out of the client's JSON", async () => {
    // Prepare
    const { call } = script({
      a: [transient(), transient()],
      b: [
        new UpstreamError(429, "mock is rate limiting model 'b'", {
          provider: 'mock',
          retryable: true,
          retryAfterMs: 60_000,
          code: 'upstream_rate_limited',
          upstreamMessage: 'org-Xy12 used 29950 of 30000 TPM',
        }),
      ],
    });

    // Act
    const error = (await runWithFallback(options(), call).catch((caught: unknown) => caught)) as UpstreamError;

    // Assess
    expect(error.toJSON().error.message).toBe("All attempts failed (a, b); last: mock is rate limiting model 'b'");
    expect(error.upstreamMessage).toBe('org-Xy12 used 29950 of 30000 TPM');
    expect(error.message).toContain('org-Xy12');
  });

  test('open circuits are skipped; if all are open, 503 circuit_open', async () => {
    const breakers = new CircuitBreakers({ failureThreshold: 1, coolDownMs: 60_000 });
    breakers.recordFailure('a');
    breakers.recordFailure('b');
    const { call, calls } = script({});
    const error = await runWithFallback(options({ breakers }), call).catch((caught: unknown) => caught);
    expect(calls).toEqual([]);
    expect(error).toMatchObject({ statusCode: 503, code: 'circuit_open' });
  });

  test('the deadline aborts a hanging attempt with 504 deadline_exceeded, and nothing is tried after it', async () => {
    const calls: string[] = [];
    const error = await runWithFallback(options({ deadlineMs: 30 }), (target, signal) => {
      calls.push(target.id);
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 504, code: 'deadline_exceeded' });
    expect(calls).toEqual(['a']);
  });

  test('a client abort stops the run with the client reason and releases the probe', async () => {
    const client = new AbortController();
    const reason = new Error('client gone');
    const pending = runWithFallback(
      options({ signal: client.signal }),
      (_target, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    client.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  test('a half-open probe cut by the deadline releases the probe: the model is probed again later', async () => {
    // Prepare: a's circuit is open and its cool-down over, so the next call is its probe.
    let now = 0;
    const breakers = new CircuitBreakers({ failureThreshold: 1, coolDownMs: 10, now: () => now });
    breakers.recordFailure('a');
    now = 20;

    // Act
    const error = await runWithFallback(
      options({ breakers, deadlineMs: 20, chain: [model('a')] }),
      (_target, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    ).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ code: 'deadline_exceeded' });
    expect(breakers.tryAcquire('a')).toBe(true);
  });
});
