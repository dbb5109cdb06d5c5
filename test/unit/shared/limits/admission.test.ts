import { expect, test } from 'vitest';
import { admit } from '#shared/limits/admission.ts';
import type { LimitsStore, WindowCounters } from '#shared/limits/limits-store.ts';
import type { Window } from '#shared/limits/windows.ts';

test('a store failure halfway through admission gives back what the earlier windows took', async () => {
  // Prepare: the key's minute window admits, the month window's write fails.
  const adjustments: Array<{ scope: string; window: string; delta: WindowCounters }> = [];
  const store: LimitsStore = {
    admit: async (_scope, window) => {
      if (window.kind === 'month') throw new Error('connection reset');
      return { admitted: true, counters: { requests: 1, tokens: 100, spendMicros: 0 } };
    },
    adjust: async (scope, window: Window, delta) => {
      adjustments.push({ scope, window: window.id, delta });
    },
    read: async () => ({ requests: 0, tokens: 0, spendMicros: 0 }),
  };

  // Act
  const error = await admit(
    store,
    { plan: undefined, key: { rpm: 10, monthlyTokens: 1_000 }, tenant: {}, downgradeAt: undefined },
    { keyId: 'k', tenant: 't' },
    { tokens: 100, spendMicros: 5, monthly: { tokens: 100, spendMicros: 5 } },
    Date.parse('2026-11-24T10:00:00Z'),
  ).catch((caught: unknown) => caught);

  // Assess
  expect(error).toMatchObject({ message: 'connection reset' });
  expect(adjustments).toEqual([
    { scope: 'key#k', window: 'min#2026-11-24T10:00', delta: { requests: -1, tokens: -100, spendMicros: 0 } },
  ]);
});
