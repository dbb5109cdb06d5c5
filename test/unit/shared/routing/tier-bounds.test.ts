import { describe, expect, test } from 'vitest';
import { parseConfig } from '#shared/config/load-config.ts';
import type { ConfigInput } from '#shared/config/schema.ts';
import { DEFAULT_SCORING } from '#shared/routing/complexity.ts';
import { type ComplexityScorer, heuristicScorer } from '#shared/routing/complexity-scorer.ts';

const LEARNED_BOUNDS = [0.25, 0.6] as const;

import { resolveTierBounds, tierForScore } from '#shared/routing/tier-bounds.ts';

const config = (overrides: Partial<ConfigInput> = {}) => parseConfig({ models: [{ id: 'm', provider: 'mock' }], ...overrides });

/** A learned-like scorer whose score distribution is uniform: the threshold for share s is 1 - s. */
const uniformScorer: ComplexityScorer = {
  name: 'test-model',
  score: () => 0,
  defaultBounds: LEARNED_BOUNDS,
  thresholdForShare: (share) => 1 - share,
};

describe('resolveTierBounds', () => {
  test('the default tiers take the heuristic scorer’s bounds: simple up to 0.12, standard up to 0.3, complex above', () => {
    // Assess
    expect(resolveTierBounds(config(), heuristicScorer(DEFAULT_SCORING))).toEqual([
      { name: 'simple', maxScore: 0.12 },
      { name: 'standard', maxScore: 0.3 },
      { name: 'complex', maxScore: 1 },
    ]);
  });

  test('the default tiers take the learned scorer’s bounds on its probability', () => {
    // Assess
    expect(resolveTierBounds(config(), uniformScorer)).toEqual([
      { name: 'simple', maxScore: LEARNED_BOUNDS[0] },
      { name: 'standard', maxScore: LEARNED_BOUNDS[1] },
      { name: 'complex', maxScore: 1 },
    ]);
  });

  test('explicit bounds win, and tiers are sorted by them whatever the config order', () => {
    // Act
    const bounds = resolveTierBounds(
      config({
        tiers: [
          { name: 'big', maxScore: 1 },
          { name: 'tiny', maxScore: 0.1 },
          { name: 'mid', maxScore: 0.5 },
        ],
        models: [{ id: 'm', provider: 'mock', tier: 'mid' }],
      }),
      uniformScorer,
    );

    // Assess
    expect(bounds.map((bound) => bound.name)).toEqual(['tiny', 'mid', 'big']);
    expect([0.05, 0.3, 0.9].map((score) => tierForScore(score, bounds))).toEqual(['tiny', 'mid', 'big']);
  });

  test('an alias’s thresholds override the tiers for that alias', () => {
    // Act
    const bounds = resolveTierBounds(config(), uniformScorer, { thresholds: { simple: 0.05 } });

    // Assess
    expect(bounds[0]).toEqual({ name: 'simple', maxScore: 0.05 });
    expect(bounds[1]).toEqual({ name: 'standard', maxScore: LEARNED_BOUNDS[1] });
  });

  test('premiumShare moves the bound below the strongest tier to the scorer’s threshold for that share', () => {
    // Act
    const narrow = resolveTierBounds(config(), uniformScorer, { premiumShare: 0.1 });
    const wide = resolveTierBounds(config(), uniformScorer, { premiumShare: 0.9 });

    // Assess: 10 % premium -> complex above 0.9; 90 % premium -> the simple bound cannot exceed 0.1.
    expect(narrow.map((bound) => bound.maxScore)).toEqual([LEARNED_BOUNDS[0], 0.9, 1]);
    expect(wide[0]?.maxScore).toBeCloseTo(0.1);
    expect(wide[1]?.maxScore).toBeCloseTo(0.1);
  });

  test('the global premiumShare applies when the alias sets none; the heuristic has no distribution and ignores it', () => {
    // Prepare
    const withShare = config({ routing: { complexity: { premiumShare: 0.2 } } });

    // Act
    const learned = resolveTierBounds(withShare, uniformScorer);
    const heuristic = resolveTierBounds(withShare, heuristicScorer(DEFAULT_SCORING));

    // Assess
    expect(learned[1]?.maxScore).toBeCloseTo(0.8);
    expect(heuristic[1]?.maxScore).toBe(0.3);
  });
});

describe('tierForScore', () => {
  test.each([
    { score: 0, tier: 'simple' },
    { score: 0.12, tier: 'simple' },
    { score: 0.121, tier: 'standard' },
    { score: 0.3, tier: 'standard' },
    { score: 0.301, tier: 'complex' },
    { score: 1, tier: 'complex' },
  ])('with the heuristic’s default tiers, $score -> $tier', ({ score, tier }) => {
    // Assess
    expect(tierForScore(score, resolveTierBounds(config(), heuristicScorer(DEFAULT_SCORING)))).toBe(tier);
  });

  test('a score above every bound goes to the strongest tier', () => {
    // Assess
    expect(
      tierForScore(0.9, [
        { name: 'low', maxScore: 0.2 },
        { name: 'high', maxScore: 0.6 },
      ]),
    ).toBe('high');
  });

  test('no tiers at all means standard', () => {
    // Assess
    expect(tierForScore(0.5, [])).toBe('standard');
  });
});
