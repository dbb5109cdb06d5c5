import type { Usage } from '../api/chat-response.ts';
import type { ModelConfig } from '../config/schema.ts';

const MICROS_PER_USD = 1_000_000;

/** Dollars (as configured) to integer micro-dollars (as counted). */
export const usdToMicros = (usd: number): number => Math.round(usd * MICROS_PER_USD);

/** Micro-dollars back to dollars, for reports and messages. */
export const microsToUsd = (micros: number): number => micros / MICROS_PER_USD;

/**
 * Cost in micro-dollars (integers: billing never adds floats). A price per million tokens times
 * a token count is exactly micro-dollars, so the only rounding is the final one.
 */
export const costMicros = (
  pricing: ModelConfig['pricing'],
  usage: Pick<Usage, 'promptTokens' | 'completionTokens' | 'cachedTokens'>,
): number => {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const uncached = usage.promptTokens - cached;
  return Math.round(
    uncached * pricing.inputPerMTok +
      cached * (pricing.cachedInputPerMTok ?? pricing.inputPerMTok) +
      usage.completionTokens * pricing.outputPerMTok,
  );
};
