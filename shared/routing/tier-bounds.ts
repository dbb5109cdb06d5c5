import type { AliasConfig, RouterConfig } from '../config/schema.ts';
import type { ComplexityScorer } from './complexity-scorer.ts';

/** A tier with its resolved upper bound. */
export interface TierBound {
  name: string;
  maxScore: number;
}

/**
 * The tiers of one complexity alias, cheapest first, each with the score it goes up to: the
 * config's `maxScore`, else the scorer's default for the tier's position; then the alias's own
 * `thresholds`; then `premiumShare` (the alias's, else `routing.complexity.premiumShare`) moves the
 * bound below the strongest tier to the scorer's threshold for that share, and lower bounds
 * never exceed it.
 */
export const resolveTierBounds = (
  config: Pick<RouterConfig, 'tiers' | 'routing'>,
  scorer: ComplexityScorer,
  alias?: Pick<AliasConfig, 'premiumShare' | 'thresholds'>,
): TierBound[] => {
  const count = config.tiers.length;
  const defaults = (index: number): number => {
    if (index === count - 1) return 1;
    // The cheapest tier takes the lower default, the one below the strongest the upper.
    return index === count - 2 ? scorer.defaultBounds[1] : scorer.defaultBounds[0];
  };
  const bounds = config.tiers.map((tier, index) => ({
    name: tier.name,
    maxScore:
      (alias?.thresholds && Object.hasOwn(alias.thresholds, tier.name) ? alias.thresholds[tier.name] : undefined) ??
      tier.maxScore ??
      defaults(index),
  }));
  const share = alias?.premiumShare ?? config.routing.complexity.premiumShare;
  if (share !== undefined && scorer.thresholdForShare && bounds.length > 1) {
    const threshold = scorer.thresholdForShare(share);
    const sorted = [...bounds].sort((a, b) => a.maxScore - b.maxScore);
    const belowTop = sorted[sorted.length - 2] as TierBound;
    belowTop.maxScore = threshold;
    for (const bound of sorted.slice(0, -2)) bound.maxScore = Math.min(bound.maxScore, threshold);
  }
  return bounds.sort((a, b) => a.maxScore - b.maxScore);
};

/** The first tier (cheapest first) whose bound the score does not exceed. */
export const tierForScore = (score: number, bounds: readonly TierBound[]): string => {
  for (const bound of bounds) if (score <= bound.maxScore) return bound.name;
  return bounds.at(-1)?.name ?? 'standard';
};
