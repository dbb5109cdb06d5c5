import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chatRequestSchema } from '#shared/api/chat-request.ts';
import { parseConfig } from '#shared/config/load-config.ts';
import { createComplexityModel, type ModelFile } from '#shared/routing/classifier/complexity-model.ts';
import { type ComplexityScorer, heuristicScorer, learnedScorer } from '#shared/routing/complexity-scorer.ts';
import { createModelRouter } from '#shared/routing/model-router.ts';
import { auc } from './metrics.ts';

// The in-house regression set (test/fixtures/routing-prompts.json: prompts written for this
// project, labelled simple / standard / complex, never trained on) through the router's own
// decision code with one model per tier.

export const REGRESSION_SET = resolve(import.meta.dirname, '../../test/fixtures/routing-prompts.json');
export const TIERS = ['simple', 'standard', 'complex'] as const;
type Tier = (typeof TIERS)[number];

interface LabelledPrompt {
  id: string;
  label: Tier;
  request: Record<string, unknown>;
}

export interface RegressionReport {
  prompts: number;
  correct: number;
  twoTiersOff: number;
  /** confusion[label][routed tier] */
  confusion: Record<Tier, Record<Tier, number>>;
  /** AUC of the score for complex against simple prompts. */
  aucComplexVsSimple: number;
  misses: Array<{ id: string; label: Tier; tier: string; score: number }>;
}

/** One capable model per tier, so the routed tier is the scored tier. */
export const tierConfig = () =>
  parseConfig({
    models: TIERS.map((tier) => ({
      id: `${tier}-model`,
      provider: 'mock',
      tier,
      contextWindow: 1_000_000,
      capabilities: ['tools', 'vision', 'json'],
    })),
    aliases: { auto: { strategy: 'complexity' } },
  });

export const routeRegressionSet = (scorer: ComplexityScorer, path = REGRESSION_SET): RegressionReport => {
  const prompts = JSON.parse(readFileSync(path, 'utf8')) as LabelledPrompt[];
  const router = createModelRouter(tierConfig(), { scorer });
  const confusion = Object.fromEntries(
    TIERS.map((label) => [label, Object.fromEntries(TIERS.map((tier) => [tier, 0]))]),
  ) as Record<Tier, Record<Tier, number>>;
  const misses: RegressionReport['misses'] = [];
  const scores: number[] = [];
  const binary: (0 | 1)[] = [];
  let correct = 0;
  let twoTiersOff = 0;
  for (const prompt of prompts) {
    const decision = router.decide({ request: chatRequestSchema.parse({ ...prompt.request, model: 'auto' }) });
    const tier = decision.tier as Tier;
    confusion[prompt.label][tier] += 1;
    if (tier === prompt.label) correct += 1;
    else misses.push({ id: prompt.id, label: prompt.label, tier, score: decision.score ?? 0 });
    if (Math.abs(TIERS.indexOf(tier) - TIERS.indexOf(prompt.label)) === 2) twoTiersOff += 1;
    if (prompt.label !== 'standard') {
      scores.push(decision.score ?? 0);
      binary.push(prompt.label === 'complex' ? 1 : 0);
    }
  }
  return { prompts: prompts.length, correct, twoTiersOff, confusion, aucComplexVsSimple: auc(scores, binary), misses };
};

/** The set through a model file's scorer, or through the heuristic scorer when no file is given. */
export const evaluateRegressionSet = (file?: ModelFile): RegressionReport | undefined => {
  if (!existsSync(REGRESSION_SET)) return undefined;
  return routeRegressionSet(file ? learnedScorer(createComplexityModel(file)) : heuristicScorer(tierConfig().routing.scoring));
};
