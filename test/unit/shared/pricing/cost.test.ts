import { describe, expect, test } from 'vitest';
import { costMicros } from '#shared/pricing/cost.ts';

describe('costMicros', () => {
  test.each([
    {
      name: 'a price per million tokens times tokens is micro-dollars',
      pricing: { inputPerMTok: 3, outputPerMTok: 15 },
      usage: { promptTokens: 1_000, completionTokens: 500, cachedTokens: 0 },
      micros: 10_500,
    },
    {
      name: 'cached tokens use the cached price',
      pricing: { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
      usage: { promptTokens: 1_000, completionTokens: 0, cachedTokens: 400 },
      micros: 1_920,
    },
    {
      name: 'cached tokens without a cached price cost the input price',
      pricing: { inputPerMTok: 3, outputPerMTok: 15 },
      usage: { promptTokens: 1_000, completionTokens: 0, cachedTokens: 400 },
      micros: 3_000,
    },
    {
      name: 'cached tokens are capped at the prompt tokens',
      pricing: { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0 },
      usage: { promptTokens: 100, completionTokens: 0, cachedTokens: 500 },
      micros: 0,
    },
    {
      name: 'rounds half up to whole micro-dollars',
      pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      usage: { promptTokens: 10, completionTokens: 0, cachedTokens: 0 },
      micros: 2,
    },
    {
      name: 'rounds the total once, not each part',
      pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      usage: { promptTokens: 7, completionTokens: 3, cachedTokens: 0 },
      micros: 3,
    },
    {
      name: 'rounds a tiny total down to 0',
      pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      usage: { promptTokens: 3, completionTokens: 0, cachedTokens: 0 },
      micros: 0,
    },
    {
      name: 'a free model costs nothing',
      pricing: { inputPerMTok: 0, outputPerMTok: 0 },
      usage: { promptTokens: 1_000_000, completionTokens: 1_000_000, cachedTokens: 0 },
      micros: 0,
    },
    {
      name: 'a million tokens of each at $3/$15 is $18',
      pricing: { inputPerMTok: 3, outputPerMTok: 15 },
      usage: { promptTokens: 1_000_000, completionTokens: 1_000_000, cachedTokens: 0 },
      micros: 18_000_000,
    },
  ])('$name', ({ pricing, usage, micros }) => {
    // Act
    const cost = costMicros(pricing, usage);

    // Assess
    expect(cost).toBe(micros);
    expect(Number.isInteger(cost)).toBe(true);
  });
});
