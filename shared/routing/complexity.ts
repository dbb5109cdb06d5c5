import type { RouterConfig } from '../config/schema.ts';
import type { RequestFeatures } from './features.ts';

/**
 * Maps features to a complexity score in [0, 1]: a saturating sum of signals, so no single
 * signal decides alone except overwhelming length. Weights are deliberately simple and visible.
 */
export const complexityScore = (features: RequestFeatures): number => {
  const saturate = (value: number, half: number): number => value / (value + half);
  let score = 0;
  score += 0.3 * saturate(features.promptTokens, 2_000);
  score += 0.2 * saturate(features.reasoningSignals, 1.5);
  score += 0.15 * saturate(features.codeBlocks, 1);
  score += 0.15 * saturate(features.mathSignals, 1.5);
  score += 0.1 * saturate(Math.max(0, features.turns - 1), 4);
  score += 0.05 * saturate(features.requestedOutputTokens ?? 0, 2_000);
  score += features.hasTools ? 0.05 : 0;
  return Math.min(1, Math.round(score * 1000) / 1000);
};

/** The first tier (by ascending `maxScore`) whose bound the score does not exceed. */
export const tierForScore = (score: number, tiers: RouterConfig['tiers']): string => {
  const sorted = [...tiers].sort((a, b) => a.maxScore - b.maxScore);
  for (const tier of sorted) if (score <= tier.maxScore) return tier.name;
  return sorted.at(-1)?.name ?? 'standard';
};
