import { describe, expect, test } from 'vitest';
import { type BreakerTransition, CircuitBreakers } from '#shared/resilience/circuit-breaker.ts';

const setup = (failureThreshold = 3, coolDownMs = 1_000) => {
  const clock = { now: 0 };
  const transitions: BreakerTransition[] = [];
  const breakers = new CircuitBreakers({
    failureThreshold,
    coolDownMs,
    now: () => clock.now,
    onTransition: (t) => transitions.push(t),
  });
  return { breakers, clock, transitions };
};

describe('CircuitBreakers', () => {
  test('opens after the threshold of consecutive failures, and only then', () => {
    // Prepare
    const { breakers, transitions } = setup(3);

    // Act
    breakers.recordFailure('m');
    breakers.recordFailure('m');
    const beforeThreshold = breakers.tryAcquire('m');
    breakers.recordFailure('m');

    // Assess
    expect(beforeThreshold).toBe(true);
    expect(breakers.state('m')).toBe('open');
    expect(breakers.tryAcquire('m')).toBe(false);
    expect(transitions).toEqual([{ model: 'm', from: 'closed', to: 'open', failures: 3 }]);
  });

  test('a success resets the count of consecutive failures', () => {
    const { breakers } = setup(2);
    breakers.recordFailure('m');
    breakers.recordSuccess('m');
    breakers.recordFailure('m');
    expect(breakers.state('m')).toBe('closed');
  });

  test('after the cool-down exactly one probe goes through; its success closes the circuit', () => {
    // Prepare
    const { breakers, clock, transitions } = setup(1, 1_000);
    breakers.recordFailure('m');
    clock.now = 999;
    expect(breakers.tryAcquire('m')).toBe(false);

    // Act
    clock.now = 1_000;
    const probe = breakers.tryAcquire('m');
    const concurrent = breakers.tryAcquire('m');
    breakers.recordSuccess('m');

    // Assess
    expect([probe, concurrent]).toEqual([true, false]);
    expect(breakers.state('m')).toBe('closed');
    expect(transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  test('a failed probe opens the circuit again for a new cool-down', () => {
    const { breakers, clock } = setup(5, 1_000);
    for (let i = 0; i < 5; i++) breakers.recordFailure('m');
    clock.now = 1_000;
    expect(breakers.tryAcquire('m')).toBe(true);
    breakers.recordFailure('m');
    expect(breakers.state('m')).toBe('open');
    clock.now = 1_999;
    expect(breakers.tryAcquire('m')).toBe(false);
    clock.now = 2_000;
    expect(breakers.tryAcquire('m')).toBe(true);
  });

  test('a released probe lets the next request probe instead', () => {
    const { breakers, clock } = setup(1, 10);
    breakers.recordFailure('m');
    clock.now = 10;
    expect(breakers.tryAcquire('m')).toBe(true);
    breakers.release('m');
    expect(breakers.tryAcquire('m')).toBe(true);
  });

  test('models have independent circuits', () => {
    const { breakers } = setup(1);
    breakers.recordFailure('a');
    expect(breakers.tryAcquire('a')).toBe(false);
    expect(breakers.tryAcquire('b')).toBe(true);
  });
});
