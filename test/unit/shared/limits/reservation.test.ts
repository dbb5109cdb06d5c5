import { describe, expect, test } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { modelSchema } from '#shared/config/schema.ts';
import { reservationFor, reservationForCandidates } from '#shared/limits/reservation.ts';

const request = (fields: Record<string, unknown> = {}) =>
  chatRequestSchema.parse({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...fields });
const model = (id: string, outputPerMTok: number, maxOutputTokens?: number) =>
  modelSchema.parse({
    id,
    provider: 'mock',
    pricing: { inputPerMTok: 1, outputPerMTok },
    ...(maxOutputTokens ? { maxOutputTokens } : {}),
  });

describe('reservationForCandidates', () => {
  test('reserves at the dearest model that may serve the request, so a fallback cannot overrun a budget', () => {
    // Prepare
    const chat = request({ max_tokens: 1_000 });
    const cheap = model('cheap', 1);
    const dear = model('dear', 60);

    // Act
    const reservation = reservationForCandidates(chat, [cheap, dear], 100, 500);

    // Assess
    expect(reservation).toEqual(reservationFor(chat, dear, 100, 500));
    expect(reservation.monthly.spendMicros).toBeGreaterThan(reservationFor(chat, cheap, 100, 500).monthly.spendMicros);
  });

  test('takes the most of each figure across the models, not one model whole', () => {
    // Prepare: no max_tokens, so the monthly tokens come from each model's own output limit.
    const chat = request();
    const longCheap = model('long-cheap', 1, 64_000);
    const shortDear = model('short-dear', 600, 4_000);

    // Act
    const reservation = reservationForCandidates(chat, [longCheap, shortDear], 100, 500);

    // Assess
    const long = reservationFor(chat, longCheap, 100, 500);
    const short = reservationFor(chat, shortDear, 100, 500);
    expect(reservation.monthly.tokens).toBe(long.monthly.tokens);
    expect(reservation.monthly.spendMicros).toBe(short.monthly.spendMicros);
    expect(short.monthly.spendMicros).toBeGreaterThan(long.monthly.spendMicros);
  });

  test('one model alone is reserved as before', () => {
    const chat = request({ max_tokens: 10 });
    const only = model('only', 4);
    expect(reservationForCandidates(chat, [only], 100, 500)).toEqual(reservationFor(chat, only, 100, 500));
  });
});
