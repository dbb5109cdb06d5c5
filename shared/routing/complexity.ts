import type { ScoringConfig } from '../config/routing-schema.ts';
import { scoringSchema } from '../config/routing-schema.ts';
import type { RequestFeatures } from './features.ts';

export const DEFAULT_SCORING: ScoringConfig = scoringSchema.parse(undefined);

/**
 * Maps features to a complexity score in [0, 1]: a sum of saturating signals, clamped
 * (`weight * value / (value + half)`), so no single signal decides alone and every weight is
 * visible in the config (`routing.scoring`).
 */
export const complexityScore = (features: RequestFeatures, scoring: ScoringConfig = DEFAULT_SCORING): number => {
  const signal = ({ weight, half }: { weight: number; half: number }, value: number): number =>
    value <= 0 ? 0 : (weight * value) / (value + half);
  const score =
    signal(scoring.complexIntent, features.complexIntent) +
    signal(scoring.contentIntent, features.contentIntent) +
    signal(scoring.simpleIntent, features.simpleIntent) +
    signal(scoring.taskChars, features.taskChars) +
    signal(scoring.code, features.codeBlocks) +
    signal(scoring.math, features.mathSignals) +
    signal(scoring.promptTokens, features.promptTokens) +
    signal(scoring.turns, Math.max(0, features.turns - 1)) +
    signal(scoring.outputTokens, features.requestedOutputTokens ?? 0) +
    (features.hasTools ? scoring.tools : 0) +
    (features.wantsJson ? scoring.json : 0);
  return Math.min(1, Math.max(0, Math.round(score * 1000) / 1000));
};
