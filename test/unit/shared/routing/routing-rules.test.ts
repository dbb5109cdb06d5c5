import { describe, expect, test } from 'vitest';
import { ruleConditionSchema } from '#shared/config/routing-schema.ts';
import type { RequestFeatures } from '#shared/routing/features.ts';
import { pickWeighted, type RuleContext, ruleMatches, stableFraction } from '#shared/routing/routing-rules.ts';

const features: RequestFeatures = {
  promptTokens: 1_000,
  requestedOutputTokens: undefined,
  turns: 1,
  codeBlocks: 0,
  mathSignals: 0,
  complexIntent: 0,
  contentIntent: 0,
  simpleIntent: 0,
  taskChars: 100,
  hasTools: true,
  hasImages: false,
  wantsJson: false,
  lastUserChars: 100,
  language: 'cjk',
};

const context: RuleContext = {
  alias: 'auto',
  tier: 'standard',
  score: 0.4,
  features,
  tenant: 'acme',
  plan: 'pro',
  keyMetadata: { team: 'search' },
  metadata: { feature: 'chat' },
  headers: { 'x-router-tier': 'premium' },
};

describe('ruleMatches', () => {
  test.each([
    { when: {}, matches: true },
    { when: { aliases: ['auto'] }, matches: true },
    { when: { aliases: ['cheapest'] }, matches: false },
    { when: { tiers: ['standard', 'complex'] }, matches: true },
    { when: { tiers: ['simple'] }, matches: false },
    { when: { minScore: 0.4, maxScore: 0.5 }, matches: true },
    { when: { minScore: 0.41 }, matches: false },
    { when: { minPromptTokens: 1_000 }, matches: true },
    { when: { maxPromptTokens: 999 }, matches: false },
    { when: { tenants: ['acme'] }, matches: true },
    { when: { tenants: ['globex'] }, matches: false },
    { when: { plans: ['pro'] }, matches: true },
    { when: { plans: ['free'] }, matches: false },
    { when: { keyMetadata: { team: 'search' } }, matches: true },
    { when: { keyMetadata: { team: 'ads' } }, matches: false },
    { when: { metadata: { feature: '*' } }, matches: true },
    { when: { metadata: { missing: '*' } }, matches: false },
    { when: { headers: { 'X-Router-Tier': 'premium' } }, matches: true },
    { when: { headers: { 'x-router-tier': 'basic' } }, matches: false },
    { when: { hasTools: true, hasImages: false }, matches: true },
    { when: { wantsJson: true }, matches: false },
    { when: { languages: ['cjk'] }, matches: true },
    { when: { languages: ['en'] }, matches: false },
    { when: { tenants: ['acme'], plans: ['free'] }, matches: false },
  ])('$when -> $matches', ({ when, matches }) => {
    expect(ruleMatches(ruleConditionSchema.parse(when), context)).toBe(matches);
  });

  test('a caller without tenant or plan never matches a tenant or plan condition', () => {
    const anonymous: RuleContext = { ...context, tenant: undefined, plan: undefined };
    expect(ruleMatches(ruleConditionSchema.parse({ tenants: ['acme'] }), anonymous)).toBe(false);
    expect(ruleMatches(ruleConditionSchema.parse({ plans: ['pro'] }), anonymous)).toBe(false);
  });
});

describe('weighted splits', () => {
  const arms = [
    { model: 'a', weight: 90 },
    { model: 'b', weight: 10 },
  ];

  test.each([
    { point: 0, model: 'a' },
    { point: 0.899, model: 'a' },
    { point: 0.9, model: 'b' },
    { point: 0.9999, model: 'b' },
  ])('point $point -> $model', ({ point, model }) => {
    expect(pickWeighted(arms, point).model).toBe(model);
  });

  test('the stable fraction is the same for the same user and spreads users over [0, 1)', () => {
    expect(stableFraction('user-42')).toBe(stableFraction('user-42'));
    const points = Array.from({ length: 1_000 }, (_, i) => stableFraction(`user-${i}`));
    expect(Math.min(...points)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...points)).toBeLessThan(1);
    const share = points.filter((point) => pickWeighted(arms, point).model === 'b').length / points.length;
    expect(share).toBeGreaterThan(0.06);
    expect(share).toBeLessThan(0.14);
  });
});
