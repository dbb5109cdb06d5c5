import { describe, expect, test } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { parseConfig } from '#shared/config/load-config.ts';
import { scoringSchema } from '#shared/config/routing-schema.ts';
import { complexityScore, DEFAULT_SCORING } from '#shared/routing/complexity.ts';
import { heuristicScorer } from '#shared/routing/complexity-scorer.ts';
import { extractFeatures, type RequestFeatures } from '#shared/routing/features.ts';
import { resolveTierBounds, tierForScore } from '#shared/routing/tier-bounds.ts';

const NO_FEATURES: RequestFeatures = {
  promptTokens: 0,
  requestedOutputTokens: undefined,
  turns: 1,
  codeBlocks: 0,
  mathSignals: 0,
  complexIntent: 0,
  contentIntent: 0,
  simpleIntent: 0,
  taskChars: 0,
  hasTools: false,
  hasImages: false,
  wantsJson: false,
  lastUserChars: 0,
  language: 'en',
};

const DEFAULT_TIERS = resolveTierBounds(
  parseConfig({ models: [{ id: 'm', provider: 'mock' }] }),
  heuristicScorer(DEFAULT_SCORING),
);

const scoreOf = (content: string): number =>
  complexityScore(extractFeatures(chatRequestSchema.parse({ model: 'auto', messages: [{ role: 'user', content }] })));

describe('complexityScore', () => {
  test('a request with no signals scores 0', () => {
    // Assess
    expect(complexityScore(NO_FEATURES)).toBe(0);
  });

  test('the default scoring is the schema’s default', () => {
    // Assess
    expect(DEFAULT_SCORING).toEqual(parseConfig({ models: [{ id: 'm', provider: 'mock' }] }).routing.scoring);
    expect(DEFAULT_SCORING.simpleIntent).toEqual({ weight: -0.3, half: 0.5 });
  });

  // Every signal at its half-saturation point adds half its weight; tools and JSON add a flat amount.
  test.each([
    { name: 'complexIntent', fields: { complexIntent: 1 }, score: 0.2 },
    { name: 'contentIntent', fields: { contentIntent: 1 }, score: 0.1 },
    { name: 'taskChars', fields: { taskChars: 400 }, score: 0.1 },
    { name: 'codeBlocks', fields: { codeBlocks: 0.5 }, score: 0.05 },
    { name: 'mathSignals', fields: { mathSignals: 1 }, score: 0.1 },
    { name: 'promptTokens', fields: { promptTokens: 2_000 }, score: 0.025 },
    { name: 'turns (beyond the first)', fields: { turns: 5 }, score: 0.025 },
    { name: 'requestedOutputTokens', fields: { requestedOutputTokens: 1_000 }, score: 0.05 },
    { name: 'hasTools', fields: { hasTools: true }, score: 0.03 },
    { name: 'wantsJson', fields: { wantsJson: true }, score: 0.03 },
    { name: 'hasImages', fields: { hasImages: true }, score: 0 },
    { name: 'lastUserChars', fields: { lastUserChars: 10_000 }, score: 0 },
  ])('$name alone scores $score', ({ fields, score }) => {
    // Assess
    expect(complexityScore({ ...NO_FEATURES, ...fields })).toBe(score);
  });

  test('the signals add up', () => {
    // Prepare
    const features: RequestFeatures = {
      ...NO_FEATURES,
      complexIntent: 1,
      contentIntent: 1,
      taskChars: 400,
      codeBlocks: 0.5,
      mathSignals: 1,
      promptTokens: 2_000,
      turns: 5,
      requestedOutputTokens: 1_000,
      hasTools: true,
    };

    // Act
    const score = complexityScore(features);

    // Assess: 0.2 + 0.1 + 0.1 + 0.05 + 0.1 + 0.025 + 0.025 + 0.05 + 0.03
    expect(score).toBe(0.68);
  });

  test('simple-task words subtract', () => {
    // Prepare: three complex words, 0.4 * 3 / 4, and one simple word, -0.3 * 1 / 1.5.
    const features: RequestFeatures = { ...NO_FEATURES, complexIntent: 3, simpleIntent: 1 };

    // Act
    const score = complexityScore(features);

    // Assess
    expect(score).toBe(0.1);
  });

  test('a score below zero is clamped to 0', () => {
    // Assess: 0.1 * 0.5 / 1 for the code block, -0.3 * 2 / 2.5 for the simple words.
    expect(complexityScore({ ...NO_FEATURES, codeBlocks: 0.5, simpleIntent: 2 })).toBe(0);
  });

  test('the score is clamped to 1 when every signal saturates', () => {
    // Prepare: the positive weights sum to 1.36.
    const features: RequestFeatures = {
      ...NO_FEATURES,
      complexIntent: 1e9,
      contentIntent: 1e9,
      taskChars: 1e9,
      promptTokens: 1e9,
      codeBlocks: 1e9,
      mathSignals: 1e9,
      turns: 1e9,
      requestedOutputTokens: 1e9,
      hasTools: true,
      wantsJson: true,
    };

    // Act
    const score = complexityScore(features);

    // Assess
    expect(score).toBe(1);
  });

  test('the score is rounded to three decimals', () => {
    // Assess: 0.4 * 2 / 3 = 0.2666...
    expect(complexityScore({ ...NO_FEATURES, complexIntent: 2 })).toBe(0.267);
  });

  test('the weights come from the scoring config when given', () => {
    // Prepare
    const scoring = scoringSchema.parse({ complexIntent: { weight: 1, half: 3 }, tools: 0.5 });
    const features: RequestFeatures = { ...NO_FEATURES, complexIntent: 1, hasTools: true, mathSignals: 1 };

    // Act
    const score = complexityScore(features, scoring);

    // Assess: 1 * 1 / 4 + 0.5, and the default maths weight 0.2 * 1 / 2.
    expect(score).toBe(0.85);
  });

  test.each([
    { prompt: 'hi', score: 0, tier: 'simple' },
    { prompt: 'Translate this to French: good morning', score: 0, tier: 'simple' },
    { prompt: 'Write a short email to my team about the new office hours', score: 0.159, tier: 'standard' },
    {
      prompt:
        "Prove there are infinitely many primes p ≡ 3 mod 4 and derive the algorithm's complexity, explaining the trade-offs",
      score: 0.516,
      tier: 'complex',
    },
  ])('"$prompt" scores $score, in the $tier tier', ({ prompt, score, tier }) => {
    // Act
    const result = scoreOf(prompt);

    // Assess
    expect(result).toBe(score);
    expect(tierForScore(result, DEFAULT_TIERS)).toBe(tier);
  });

  test('the complex prompt’s score is its task words, maths and length', () => {
    // Prepare
    const features = extractFeatures(
      chatRequestSchema.parse({
        model: 'auto',
        messages: [
          {
            role: 'user',
            content:
              "Prove there are infinitely many primes p ≡ 3 mod 4 and derive the algorithm's complexity, explaining the trade-offs",
          },
        ],
      }),
    );

    // Act
    const score = complexityScore(features);

    // Assess: prove, derive, algorithm, trade-offs (0.4 * 4 / 5); prove, ≡, mod 4 (0.2 * 3 / 4);
    // 115 task characters (0.2 * 115 / 515); 34 prompt tokens (0.05 * 34 / 2034): 0.32 + 0.15 + 0.0447 + 0.0008.
    expect([features.complexIntent, features.mathSignals, features.taskChars, features.promptTokens]).toEqual([4, 3, 115, 35]);
    expect(score).toBe(0.516);
  });
});
