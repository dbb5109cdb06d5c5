import { type ChatRequest, requestedMaxTokens } from '../api/chat-request.ts';
import type { ModelConfig } from '../config/schema.ts';
import { costMicros } from '../pricing/cost.ts';

/** What a request holds until it completes: its estimated tokens and spend. */
export interface Reservation {
  /** Per-minute windows (tpm): a typical request, corrected after the response. */
  tokens: number;
  spendMicros: number;
  /**
   * Monthly windows (monthly tokens and budget) are hard caps: they hold the most the request can
   * use, so concurrent requests cannot overrun them between admission and reconciliation.
   */
  monthly: { tokens: number; spendMicros: number };
}

export const NO_RESERVATION: Reservation = { tokens: 0, spendMicros: 0, monthly: { tokens: 0, spendMicros: 0 } };

/**
 * The reservation of a routed chat request. Output is what `max_tokens` allows (after the
 * guardrails' cap), else `reserveOutputTokens` per minute and, for the monthly caps, the model's
 * `maxOutputTokens` or what is left of its context window; each of `n` choices can use it all.
 */
export const reservationFor = (
  chat: ChatRequest,
  model: Pick<ModelConfig, 'pricing' | 'maxOutputTokens' | 'contextWindow'>,
  promptTokens: number,
  reserveOutputTokens: number,
): Reservation => {
  const choices = chat.n ?? 1;
  const requested = requestedMaxTokens(chat);
  const typical = (requested ?? reserveOutputTokens) * choices;
  const most = (requested ?? model.maxOutputTokens ?? Math.max(0, model.contextWindow - promptTokens)) * choices;
  const cost = (completionTokens: number) => costMicros(model.pricing, { promptTokens, completionTokens, cachedTokens: 0 });
  return {
    tokens: promptTokens + typical,
    spendMicros: cost(typical),
    monthly: { tokens: promptTokens + most, spendMicros: cost(most) },
  };
};

/**
 * The reservation of a request that any of `candidates` may serve (the routed model, then its
 * fallbacks): the most of each figure, so a dearer fallback cannot overrun a hard cap while the
 * request runs. Reconciliation then records what the serving model used.
 */
export const reservationForCandidates = (
  chat: ChatRequest,
  candidates: ReadonlyArray<Pick<ModelConfig, 'pricing' | 'maxOutputTokens' | 'contextWindow'>>,
  promptTokens: number,
  reserveOutputTokens: number,
): Reservation =>
  candidates
    .map((model) => reservationFor(chat, model, promptTokens, reserveOutputTokens))
    .reduce(
      (most, each) => ({
        tokens: Math.max(most.tokens, each.tokens),
        spendMicros: Math.max(most.spendMicros, each.spendMicros),
        monthly: {
          tokens: Math.max(most.monthly.tokens, each.monthly.tokens),
          spendMicros: Math.max(most.monthly.spendMicros, each.monthly.spendMicros),
        },
      }),
      NO_RESERVATION,
    );
