import type { ChatRequest } from '../api/chat-request.ts';
import type { RoutingRule } from '../config/routing-schema.ts';
import type { AliasConfig, ModelConfig, RouterConfig } from '../config/schema.ts';
import { InvalidRequestError, NotFoundError, PermissionError, ServiceUnavailableError } from '../errors.ts';
import { costMicros } from '../pricing/cost.ts';
import { type ComplexityScorer, heuristicScorer } from './complexity-scorer.ts';
import {
  extractFeatures,
  type RequestFeatures,
  requiredCapabilities,
  requirementLabels,
  servesTask,
  taskRefusal,
} from './features.ts';
import type { LatencyTracker } from './latency-tracker.ts';
import { findRule, pickWeighted, type RuleContext, stableFraction } from './routing-rules.ts';
import { resolveTierBounds, type TierBound, tierForScore } from './tier-bounds.ts';

/** Which model serves a request, and why. Travels to response headers and the usage event. */
export interface RouteDecision {
  /** What the client asked for: a model id or an alias. */
  requested: string;
  model: ModelConfig;
  /** Other capable models in the order they are tried after `model`. */
  fallbacks: ModelConfig[];
  tier: string;
  score: number | null;
  /** Human-readable: the rule or strategy that decided. */
  reason: string;
  /** The matching rule's name, if a rule decided. */
  rule?: string;
  /** What produced `score`: the learned model's version or `heuristic` (alias decisions only). */
  scorer?: string;
  features: RequestFeatures;
  /** The model savings are measured against. */
  premium: ModelConfig;
}

/** Who asks, for rules on tenants, plans and metadata. */
export interface RoutingCaller {
  tenant?: string | undefined;
  plan?: string | undefined;
  metadata?: Readonly<Record<string, string>> | undefined;
}

export interface RoutingInput {
  request: ChatRequest;
  headers?: Readonly<Record<string, string | undefined>>;
  caller?: RoutingCaller;
  /** Decides weighted splits for requests without a `user`; injectable for tests. */
  random?: () => number;
  /** Fraction of the monthly budget used, when past the plan's downgrade point: route to the cheapest capable model. */
  budgetUsed?: number;
  /**
   * The models the caller may be served by (its key's, tenant's and plan's lists): aliases,
   * rules, splits and fallbacks choose among these only. All models when absent.
   */
  allowed?: ReadonlySet<string>;
}

/** The router's 404 for a name that is neither a model nor an alias, listing the names there are. */
export const unknownModelError = (name: string, names: readonly string[]): NotFoundError =>
  new NotFoundError(`The model '${name}' does not exist. Available: ${names.join(', ')}.`, {
    code: 'model_not_found',
    param: 'model',
  });

/** Output tokens assumed for price comparisons when the client sets no cap. */
const TYPICAL_OUTPUT_TOKENS = 500;

export interface ModelRouter {
  /** Model ids and alias names, in config order. */
  readonly names: readonly string[];
  readonly aliases: Readonly<Record<string, AliasConfig>>;
  has(name: string): boolean;
  decide(input: RoutingInput): RouteDecision;
}

export interface ModelRouterOptions {
  /** Measured latencies, for the `fastest` strategy. */
  latency?: LatencyTracker | undefined;
  /** The `complexity` strategy's scorer; the heuristic when absent. */
  scorer?: ComplexityScorer;
  /** Models that cannot serve now (their API key is missing): never chosen, a 503 when asked for by id. */
  unavailable?: ReadonlyMap<string, string>;
}

export const createModelRouter = (config: RouterConfig, options: ModelRouterOptions = {}): ModelRouter => {
  const { latency } = options;
  const scorer = options.scorer ?? heuristicScorer(config.routing.scoring);
  const unavailable = options.unavailable ?? new Map<string, string>();
  const models = new Map(config.models.map((model) => [model.id, model]));
  const byId = (id: string): ModelConfig => models.get(id) as ModelConfig;
  const defaultBounds = resolveTierBounds(config, scorer);
  const tierOrder = defaultBounds.map((tier) => tier.name);
  // Per alias, worked out once: an alias may move the bounds (premiumShare, thresholds).
  const aliasBounds = new Map<string, TierBound[]>(
    Object.entries(config.aliases).map(([name, alias]) => [
      name,
      alias.premiumShare !== undefined || alias.thresholds !== undefined
        ? resolveTierBounds(config, scorer, alias)
        : defaultBounds,
    ]),
  );
  const names = [...models.keys(), ...Object.keys(config.aliases)];
  const { rules } = config.routing;
  // The learned model names its version in reasons; the heuristic keeps the plain form.
  const scoreLabel = scorer.name === 'heuristic' ? 'complexity' : scorer.name;
  const isEmbeddings = (model: ModelConfig): boolean => model.capabilities.includes('embeddings');
  const chatPremium =
    (config.routing.premiumModel ? models.get(config.routing.premiumModel) : undefined) ??
    [...models.values()]
      .filter((model) => !isEmbeddings(model))
      .sort((a, b) => b.pricing.outputPerMTok - a.pricing.outputPerMTok || b.pricing.inputPerMTok - a.pricing.inputPerMTok)[0] ??
    byId(config.models[0]?.id ?? '');
  // Embeddings are measured against the dearest embeddings model: a chat model's prices say nothing about them.
  const embeddingsPremium = [...models.values()]
    .filter(isEmbeddings)
    .sort((a, b) => b.pricing.inputPerMTok - a.pricing.inputPerMTok)[0];
  const premiumFor = (features: RequestFeatures): ModelConfig =>
    (features.task === 'embeddings' ? embeddingsPremium : undefined) ?? chatPremium;

  const canServe = (model: ModelConfig, features: RequestFeatures): boolean =>
    requiredCapabilities(features).every((capability) => model.capabilities.includes(capability)) &&
    servesTask(model, features) &&
    features.promptTokens + (features.requestedOutputTokens ?? 0) <= model.contextWindow;

  const expectedCost = (model: ModelConfig, features: RequestFeatures): number =>
    costMicros(model.pricing, {
      promptTokens: features.promptTokens,
      completionTokens: features.requestedOutputTokens ?? TYPICAL_OUTPUT_TOKENS,
      cachedTokens: 0,
    });

  const byCost = (features: RequestFeatures) => (a: ModelConfig, b: ModelConfig) =>
    expectedCost(a, features) - expectedCost(b, features);

  const noCapableModel = (features: RequestFeatures): InvalidRequestError =>
    new InvalidRequestError(
      `No configured model can serve this request (${[`${features.promptTokens} prompt tokens`, ...requirementLabels(features)].join(', ')}).`,
      { code: 'no_capable_model', param: 'model' },
    );

  /** Keeps the models the caller may use that can serve the request, in order, without duplicates. */
  const capable = (candidates: readonly ModelConfig[], features: RequestFeatures, input: RoutingInput): ModelConfig[] => {
    const seen = new Set<string>();
    return candidates.filter((model) => {
      if (
        seen.has(model.id) ||
        unavailable.has(model.id) ||
        (input.allowed && !input.allowed.has(model.id)) ||
        !canServe(model, features)
      )
        return false;
      seen.add(model.id);
      return true;
    });
  };

  /** Nothing left to serve: because of the caller's model list (403), or because no model can (400). */
  const nothingToServe = (candidates: readonly ModelConfig[], features: RequestFeatures, input: RoutingInput) => {
    const allowed = input.allowed;
    const waiting = candidates.filter((model) => unavailable.has(model.id) && canServe(model, features));
    if (waiting.length > 0 && waiting.length === candidates.filter((model) => canServe(model, features)).length) {
      return new ServiceUnavailableError(
        `No model can serve this request right now: ${waiting.map((model) => `${model.id} (${unavailable.get(model.id)})`).join(', ')}.`,
        { code: 'model_unavailable', param: 'model' },
      );
    }
    if (allowed && candidates.some((model) => canServe(model, features))) {
      return new PermissionError(
        `None of the models this key may use can serve this request (${[`${features.promptTokens} prompt tokens`, ...requirementLabels(features)].join(', ')}). Allowed: ${[...allowed].join(', ') || '(none)'}.`,
        { code: 'no_allowed_model', param: 'model' },
      );
    }
    return noCapableModel(features);
  };

  /** Prefer the wanted tier, then stronger tiers (never silently downgrade), then weaker; cheapest first within each. */
  const orderForTier = (candidates: readonly ModelConfig[], wanted: string, features: RequestFeatures): ModelConfig[] => {
    const wantedRank = tierOrder.indexOf(wanted);
    const distance = (model: ModelConfig): number => {
      const rank = tierOrder.indexOf(model.tier);
      return rank >= wantedRank ? rank - wantedRank : tierOrder.length + (wantedRank - rank);
    };
    const cost = byCost(features);
    return [...candidates].sort((a, b) => distance(a) - distance(b) || cost(a, b));
  };

  /** The alias's own ordering of its candidates: what serves when no rule decides, and the fallbacks after a rule's pick. */
  const strategyOrder = (
    alias: AliasConfig,
    candidates: readonly ModelConfig[],
    tier: string,
    features: RequestFeatures,
  ): ModelConfig[] => {
    switch (alias.strategy) {
      case 'fixed': {
        // The pinned model first, then the others nearest its tier (no silent jump to the cheapest).
        const target = byId(alias.target ?? '');
        return [
          target,
          ...orderForTier(
            candidates.filter((model) => model.id !== target.id),
            target.tier,
            features,
          ),
        ];
      }
      case 'cheapest':
        return [...candidates].sort(byCost(features));
      case 'fastest': {
        const cost = byCost(features);
        return latency
          ? [...candidates].sort((a, b) => latency.estimate(a) - latency.estimate(b) || cost(a, b))
          : [...candidates].sort(cost);
      }
      case 'complexity':
        return orderForTier(candidates, tier, features);
    }
  };

  const ruleChain = (
    rule: RoutingRule,
    defaultOrder: readonly ModelConfig[],
    input: RoutingInput,
    features: RequestFeatures,
  ): ModelConfig[] => {
    const target = rule.target;
    if ('model' in target) return [byId(target.model), ...defaultOrder];
    if ('chain' in target) return target.chain.map(byId);
    if ('tier' in target) return orderForTier(defaultOrder, target.tier, features);
    // A request with a `user` always lands on the same arm, so an A/B test sees consistent users.
    const point = input.request.user ? stableFraction(input.request.user) : (input.random ?? Math.random)();
    const chosen = pickWeighted(target.split, point);
    const others = [...target.split].filter((arm) => arm !== chosen).sort((a, b) => b.weight - a.weight);
    return [chosen, ...others].map((arm) => byId(arm.model));
  };

  const decideAlias = (name: string, alias: AliasConfig, input: RoutingInput, features: RequestFeatures): RouteDecision => {
    const pool = alias.models ? alias.models.map(byId) : [...models.values()];
    const premium = premiumFor(features);
    const score = scorer.score(input.request, features);
    const scoredTier = tierForScore(score, aliasBounds.get(name) ?? defaultBounds);
    const defaultOrder = capable(strategyOrder(alias, pool, scoredTier, features), features, input);
    const context: RuleContext = {
      alias: name,
      tier: scoredTier,
      score,
      features,
      tenant: input.caller?.tenant,
      plan: input.caller?.plan,
      keyMetadata: input.caller?.metadata,
      metadata: input.request.metadata,
      headers: input.headers ?? {},
    };
    if (input.budgetUsed !== undefined) {
      const [model, ...fallbacks] = capable([...pool].sort(byCost(features)), features, input);
      if (model === undefined) throw nothingToServe(pool, features, input);
      const reason = `alias ${name}: budget ${Math.floor(input.budgetUsed * 100)}% used -> cheapest`;
      return { requested: name, model, fallbacks, tier: model.tier, score, scorer: scorer.name, reason, features, premium };
    }
    const rule = findRule(rules, context);
    const chain = rule ? capable(ruleChain(rule, defaultOrder, input, features), features, input) : defaultOrder;
    const [model, ...fallbacks] = chain;
    if (model === undefined) throw nothingToServe(rule ? ruleChain(rule, pool, input, features) : pool, features, input);
    const strategy = alias.strategy === 'complexity' ? `${scoreLabel} ${score} -> ${scoredTier}` : alias.strategy;
    const served = model.tier === scoredTier || alias.strategy !== 'complexity' ? '' : `, served by ${model.tier}`;
    return {
      requested: name,
      model,
      fallbacks,
      tier: model.tier,
      score,
      scorer: scorer.name,
      reason: rule ? `rule ${rule.name}` : `alias ${name}: ${strategy}${served}`,
      ...(rule ? { rule: rule.name } : {}),
      features,
      premium,
    };
  };

  return {
    names,
    aliases: config.aliases,
    has: (name) => models.has(name) || Object.hasOwn(config.aliases, name),
    decide(input) {
      const { request } = input;
      // Own properties only: `toString` or `__proto__` must not resolve to an alias.
      const alias = Object.hasOwn(config.aliases, request.model) ? config.aliases[request.model] : undefined;
      if (alias) return decideAlias(request.model, alias, input, extractFeatures(request));
      const model = models.get(request.model);
      if (!model) throw unknownModelError(request.model, names);
      const features = extractFeatures(request);
      const premium = premiumFor(features);
      // A model of another API (an embeddings model asked to chat, or the reverse) is the client's
      // mistake, told before any permission or availability question.
      const refusal = taskRefusal(model, features);
      if (refusal !== undefined) throw new InvalidRequestError(refusal, { code: 'model_not_supported', param: 'model' });
      // A concrete model bypasses scoring and rules; only its configured fallbacks follow it.
      if (input.allowed && !input.allowed.has(model.id)) throw nothingToServe([model], features, input);
      const fallbacks = capable(model.fallbacks.map(byId), features, input).filter((fallback) => fallback.id !== model.id);
      const missing = unavailable.get(model.id);
      if (missing !== undefined) {
        // Like an open circuit breaker: its fallbacks serve, or the client learns why nothing can.
        const [first, ...rest] = fallbacks;
        if (first === undefined)
          throw new ServiceUnavailableError(`Model '${model.id}' is not available: ${missing}.`, {
            code: 'model_unavailable',
            param: 'model',
          });
        return {
          requested: request.model,
          model: first,
          fallbacks: rest,
          tier: first.tier,
          score: null,
          reason: `requested model unavailable (${missing}) -> fallback`,
          features,
          premium,
        };
      }
      return {
        requested: request.model,
        model,
        fallbacks,
        tier: model.tier,
        score: null,
        reason: 'requested model',
        features,
        premium,
      };
    },
  };
};
