import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { modelSchema } from '#shared/config/schema.ts';
import { UpstreamError } from '#shared/errors.ts';
import type { ModelTarget } from '#shared/providers/types.ts';
import { startUpstreamDeadline } from '#shared/providers/upstream-deadline.ts';

const target = (overrides: Record<string, unknown> = {}): ModelTarget => ({
  config: modelSchema.parse({
    id: 'gpt',
    provider: 'openai',
    timeoutMs: 10_000,
    firstByteTimeoutMs: 1_000,
    nonStreamFirstByteTimeoutMs: 3_000,
    ...overrides,
  }),
});
const callOptions = () => ({ signal: new AbortController().signal, requestId: 'req-1' });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startUpstreamDeadline', () => {
  // Regression (issue 14): a non-streamed call had only the total timeout, as long as the router's
  // deadline by default, so a hung upstream never left time for a fallback.
  test.each([
    { kind: 'a stream', stream: true, ms: 1_000 },
    { kind: 'a non-streamed call', stream: false, ms: 3_000 },
  ])('$kind with no first byte is aborted after $ms ms with a retryable first-byte timeout', ({ stream, ms }) => {
    // Prepare
    const deadline = startUpstreamDeadline(target(), callOptions(), stream);

    // Act
    vi.advanceTimersByTime(ms - 1);
    const before = deadline.signal.aborted;
    vi.advanceTimersByTime(1);

    // Assess
    expect(before).toBe(false);
    expect(deadline.signal.reason).toBeInstanceOf(UpstreamError);
    expect(deadline.signal.reason).toMatchObject({ statusCode: 504, code: 'upstream_timeout', retryable: true });
    expect((deadline.signal.reason as Error).message).toContain(`within ${ms} ms (first byte timeout)`);
    deadline.close();
  });

  test('once the first byte is in, only the total timeout applies', () => {
    // Prepare
    const deadline = startUpstreamDeadline(target(), callOptions(), false);

    // Act
    vi.advanceTimersByTime(500);
    deadline.firstByteReceived();
    vi.advanceTimersByTime(9_000);
    const afterFirstByteLimit = deadline.signal.aborted;
    vi.advanceTimersByTime(500);

    // Assess
    expect(afterFirstByteLimit).toBe(false);
    expect((deadline.signal.reason as Error).message).toContain('(total timeout)');
    deadline.close();
  });

  test('the total timeout still wins when it is the shorter one', () => {
    // Prepare
    const deadline = startUpstreamDeadline(target({ timeoutMs: 2_000 }), callOptions(), false);

    // Act
    vi.advanceTimersByTime(2_000);

    // Assess
    expect((deadline.signal.reason as Error).message).toContain('within 2000 ms (total timeout)');
    deadline.close();
  });
});
