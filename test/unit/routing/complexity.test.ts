import { describe, expect, test } from 'vitest';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { parseConfig } from '#shared/config/load-config.ts';
import { complexityScore, tierForScore } from '#shared/routing/complexity.ts';
import { extractFeatures, type RequestFeatures } from '#shared/routing/features.ts';

const NO_FEATURES: RequestFeatures = {
  promptTokens: 0,
  requestedOutputTokens: undefined,
  turns: 1,
  codeBlocks: 0,
  mathSignals: 0,
  reasoningSignals: 0,
  hasTools: false,
  hasImages: false,
  wantsJson: false,
  lastUserChars: 0,
  language: 'en',
};

const DEFAULT_TIERS = parseConfig({ models: [{ id: 'm', provider: 'mock' }] }).tiers;

describe('complexityScore', () => {
  test('a request with no signals scores 0', () => {
    // Assess
    expect(complexityScore(NO_FEATURES)).toBe(0);
  });

  test('each signal at its half-saturation point adds half its weight', () => {
    // Prepare
    const features: RequestFeatures = {
      ...NO_FEATURES,
      promptTokens: 2_000,
      reasoningSignals: 1.5,
      codeBlocks: 1,
      mathSignals: 1.5,
      turns: 5,
      requestedOutputTokens: 2_000,
      hasTools: true,
    };

    // Act
    const score = complexityScore(features);

    // Assess: 0.15 + 0.1 + 0.075 + 0.075 + 0.05 + 0.025 + 0.05
    expect(score).toBe(0.525);
  });

  test('the score saturates below 1 and is rounded to three decimals', () => {
    // Prepare
    const features: RequestFeatures = {
      ...NO_FEATURES,
      promptTokens: 1e9,
      reasoningSignals: 1e9,
      codeBlocks: 1e9,
      mathSignals: 1e9,
      turns: 1e9,
      requestedOutputTokens: 1e9,
      hasTools: true,
    };

    // Act
    const score = complexityScore(features);

    // Assess
    expect(score).toBe(1);
  });

  test('a greeting scores lower than a long analytical prompt with code and maths', () => {
    // Prepare
    const greeting = chatRequestSchema.parse({ model: 'auto', messages: [{ role: 'user', content: 'Hi there!' }] });
    const analysis = chatRequestSchema.parse({
      model: 'auto',
      messages: [
        {
          role: 'user',
          content: `Analyze the trade-offs of this design step by step and prove the bound x^2 * 3 / 4.
\`\`\`ts
function f(x: number) {
  const y = x * 2;
  return y;
}
\`\`\`
${'Evaluate the architecture in depth and compare the probability of collision. '.repeat(30)}`,
        },
      ],
    });

    // Act
    const low = complexityScore(extractFeatures(greeting));
    const high = complexityScore(extractFeatures(analysis));

    // Assess
    expect(low).toBe(0.001);
    expect(tierForScore(low, DEFAULT_TIERS)).toBe('simple');
    expect(high).toBeGreaterThan(0.45);
    expect(tierForScore(high, DEFAULT_TIERS)).toBe('complex');
  });
});

describe('tierForScore', () => {
  test.each([
    { score: 0, tier: 'simple' },
    { score: 0.25, tier: 'simple' },
    { score: 0.251, tier: 'standard' },
    { score: 0.45, tier: 'standard' },
    { score: 0.451, tier: 'complex' },
    { score: 1, tier: 'complex' },
  ])('with the default tiers, $score -> $tier', ({ score, tier }) => {
    // Assess
    expect(tierForScore(score, DEFAULT_TIERS)).toBe(tier);
  });

  test('tiers are considered in ascending maxScore order, whatever the config order', () => {
    // Prepare
    const tiers = [
      { name: 'big', maxScore: 1 },
      { name: 'tiny', maxScore: 0.1 },
      { name: 'mid', maxScore: 0.5 },
    ];

    // Assess
    expect([0.05, 0.3, 0.9].map((score) => tierForScore(score, tiers))).toEqual(['tiny', 'mid', 'big']);
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
