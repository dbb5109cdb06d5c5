import type { ChatRequest } from '../api/chat-request.ts';
import type { AliasConfig, ModelConfig, RouterConfig } from '../config/schema.ts';
import { InvalidRequestError, NotFoundError } from '../errors.ts';
import { costMicros } from '../usage/cost.ts';
import { complexityScore, tierForScore } from './complexity.ts';
import { extractFeatures, type RequestFeatures, requiredCapabilities } from './features.ts';

/** Which model serves a request, and why. Travels to response headers and the usage event. */
export interface RouteDecision {
  /** What the client asked for: a model id or an alias. */
  requested: string;
  model: ModelConfig;
  /** Other capable models in the order they would be tried after `model`. */
  fallbacks: ModelConfig[];
  tier: string;
  score: number | null;
  reason: string;
  features: RequestFeatures;
}

/** Output tokens assumed for price comparisons when the client sets no cap. */
const TYPICAL_OUTPUT_TOKENS = 500;

export interface ModelRouter {
  /** Model ids and alias names, in config order. */
  readonly names: readonly string[];
  readonly aliases: Readonly<Record<string, AliasConfig>>;
  has(name: string): boolean;
  decide(request: ChatRequest): RouteDecision;
}

export const createModelRouter = (config: RouterConfig): ModelRouter => {
  const models = new Map(config.models.map((model) => [model.id, model]));
  const tierOrder = [...config.tiers].sort((a, b) => a.maxScore - b.maxScore).map((tier) => tier.name);
  const names = [...models.keys(), ...Object.keys(config.aliases)];

  const canServe = (model: ModelConfig, features: RequestFeatures): boolean =>
    requiredCapabilities(features).every((capability) => model.capabilities.includes(capability)) &&
    features.promptTokens + (features.requestedOutputTokens ?? 0) <= model.contextWindow;

  const expectedCost = (model: ModelConfig, features: RequestFeatures): number =>
    costMicros(model.pricing, {
      promptTokens: features.promptTokens,
      completionTokens: features.requestedOutputTokens ?? TYPICAL_OUTPUT_TOKENS,
      cachedTokens: 0,
    });

  const byCost = (features: RequestFeatures) => (a: ModelConfig, b: ModelConfig) =>
    expectedCost(a, features) - expectedCost(b, features);

  const capableCandidates = (alias: AliasConfig, features: RequestFeatures): ModelConfig[] => {
    const pool = alias.models ? alias.models.flatMap((id) => models.get(id) ?? []) : [...models.values()];
    const capable = pool.filter((model) => canServe(model, features));
    if (capable.length === 0) {
      const needs = requiredCapabilities(features);
      throw new InvalidRequestError(
        `No configured model can serve this request (${[`${features.promptTokens} prompt tokens`, ...needs].join(', ')}).`,
        { code: 'no_capable_model', param: 'model' },
      );
    }
    return capable;
  };

  const decideAlias = (name: string, alias: AliasConfig, features: RequestFeatures): RouteDecision => {
    if (alias.strategy === 'fixed') {
      const model = models.get(alias.target ?? '') as ModelConfig;
      return { requested: name, model, fallbacks: [], tier: model.tier, score: null, reason: `alias ${name}: fixed`, features };
    }
    const candidates = capableCandidates(alias, features).sort(byCost(features));
    if (alias.strategy === 'cheapest') {
      const [model, ...fallbacks] = candidates as [ModelConfig, ...ModelConfig[]];
      return {
        requested: name,
        model,
        fallbacks,
        tier: model.tier,
        score: null,
        reason: `alias ${name}: cheapest capable`,
        features,
      };
    }
    const score = complexityScore(features);
    const wanted = tierForScore(score, config.tiers);
    const wantedRank = tierOrder.indexOf(wanted);
    // Prefer the wanted tier, then stronger tiers (never silently downgrade), then weaker ones.
    const distance = (model: ModelConfig): number => {
      const rank = tierOrder.indexOf(model.tier);
      return rank >= wantedRank ? rank - wantedRank : tierOrder.length + (wantedRank - rank);
    };
    const ordered = [...candidates].sort(
      (a, b) => distance(a) - distance(b) || expectedCost(a, features) - expectedCost(b, features),
    );
    const [model, ...fallbacks] = ordered as [ModelConfig, ...ModelConfig[]];
    const reason =
      model.tier === wanted
        ? `alias ${name}: complexity ${score} -> ${wanted}`
        : `alias ${name}: complexity ${score} -> ${wanted}, served by ${model.tier}`;
    return { requested: name, model, fallbacks, tier: model.tier, score, reason, features };
  };

  return {
    names,
    aliases: config.aliases,
    has: (name) => models.has(name) || Object.hasOwn(config.aliases, name),
    decide(request) {
      const features = extractFeatures(request);
      // Own properties only: `toString` or `__proto__` must not resolve to an alias.
      const alias = Object.hasOwn(config.aliases, request.model) ? config.aliases[request.model] : undefined;
      if (alias) return decideAlias(request.model, alias, features);
      const model = models.get(request.model);
      if (!model) {
        throw new NotFoundError(`The model '${request.model}' does not exist. Available: ${names.join(', ')}.`, {
          code: 'model_not_found',
          param: 'model',
        });
      }
      return {
        requested: request.model,
        model,
        fallbacks: [],
        tier: model.tier,
        score: null,
        reason: 'requested model',
        features,
      };
    },
  };
};
