import { describe, expect, test, vi } from 'vitest';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { parseConfig } from '#shared/config/load-config.ts';
import { RouterError } from '#shared/errors.ts';
import { type RouterTask, withTask } from '#shared/routing/features.ts';
import { LatencyTracker } from '#shared/routing/latency-tracker.ts';
import { createModelRouter, type ModelRouter, type RouteDecision, type RoutingInput } from '#shared/routing/model-router.ts';

const ALL_CAPS = ['tools', 'vision', 'json'];

/** Three tiers of models, cheapest first: the usual shape of a router config. */
const MODELS = [
  {
    id: 'small',
    provider: 'mock',
    tier: 'simple',
    pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
    capabilities: ['json'],
    contextWindow: 1_000,
  },
  {
    id: 'medium',
    provider: 'mock',
    tier: 'standard',
    pricing: { inputPerMTok: 1, outputPerMTok: 4 },
    capabilities: ['tools', 'json'],
  },
  {
    id: 'large',
    provider: 'mock',
    tier: 'complex',
    pricing: { inputPerMTok: 3, outputPerMTok: 15 },
    capabilities: ALL_CAPS,
  },
];

const DEFAULT_ALIASES = { auto: { strategy: 'complexity' }, cheapest: { strategy: 'cheapest' } };

/** The three models and the default aliases, with `fields` replacing any top-level section. */
const routerWith = (fields: Record<string, unknown> = {}, latency?: LatencyTracker): ModelRouter =>
  createModelRouter(parseConfig({ models: MODELS, aliases: DEFAULT_ALIASES, ...fields }), { latency });

const router = (aliases: Record<string, unknown> = DEFAULT_ALIASES): ModelRouter => routerWith({ aliases });

/** A router whose routing section has these rules. */
const withRules = (rules: unknown[]): ModelRouter => routerWith({ routing: { rules } });

const chat = (fields: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...fields });

/** The routing input for a chat request built from `fields`. */
const request = (fields: Record<string, unknown> = {}): RoutingInput => ({ request: chat(fields) });

/** The routing input for one user message. */
const ask = (content: string, fields: Record<string, unknown> = {}): RoutingInput =>
  request({ messages: [{ role: 'user', content }], ...fields });

/** The serving model, then its fallbacks. */
const chainOf = (decision: RouteDecision): string[] => [decision.model, ...decision.fallbacks].map((model) => model.id);

const errorOf = (models: ModelRouter, request: ChatRequest): RouterError => {
  try {
    models.decide({ request });
  } catch (error) {
    expect(error).toBeInstanceOf(RouterError);
    return error as RouterError;
  }
  throw new Error('expected the router to refuse the request');
};

const TOOLS = [{ type: 'function', function: { name: 'lookup' } }];
const IMAGE_MESSAGES = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }] }];

// Prompts that sit clearly inside one tier with the default scoring (0, 0.159 and 0.516; see complexity.test.ts).
const STANDARD_PROMPT = 'Write a short email to my team about the new office hours';
const COMPLEX_PROMPT =
  "Prove there are infinitely many primes p ≡ 3 mod 4 and derive the algorithm's complexity, explaining the trade-offs";

describe('createModelRouter', () => {
  test('lists model ids, then aliases, and knows both', () => {
    // Act
    const models = router();

    // Assess
    expect(models.names).toEqual(['small', 'medium', 'large', 'auto', 'cheapest']);
    expect(models.has('medium')).toBe(true);
    expect(models.has('cheapest')).toBe(true);
    expect(models.has('gpt-4o')).toBe(false);
  });

  // Regression: `has` uses `name in config.aliases` and `decide` reads `config.aliases[name]`, so names
  // inherited from Object.prototype count as aliases: `model: "toString"` is answered (routed like
  // a complexity alias, with reason "alias toString: ...") instead of a 404 model_not_found.
  test('a name inherited from Object.prototype is not a model', () => {
    // Assess
    expect(router().has('toString')).toBe(false);
  });

  test('an explicit model is served as requested, without fallbacks', () => {
    // Act
    const decision = router().decide(request({ model: 'medium' }));

    // Assess
    expect(decision).toMatchObject({
      requested: 'medium',
      fallbacks: [],
      tier: 'standard',
      score: null,
      reason: 'requested model',
    });
    expect(decision.model.id).toBe('medium');
    expect(decision.rule).toBeUndefined();
    expect(decision.features.promptTokens).toBe(8);
  });

  test('an unknown model is a 404 model_not_found listing every name', () => {
    // Act
    const error = errorOf(router(), chat({ model: 'gpt-4o' }));

    // Assess
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('model_not_found');
    expect(error.param).toBe('model');
    expect(error.message).toBe("The model 'gpt-4o' does not exist. Available: small, medium, large, auto, cheapest.");
  });

  // Regression: see above; each of these names is routed instead of refused.
  test.each(['toString', 'constructor', '__proto__'])('the name %s is an unknown model, not an alias', (name) => {
    // Act
    const error = errorOf(router(), chat({ model: name }));

    // Assess
    expect(error.statusCode).toBe(404);
  });

  describe('a concrete model', () => {
    const withFallbacks = (fallbacks: string[]): ModelRouter =>
      routerWith({ models: MODELS.map((model) => (model.id === 'large' ? { ...model, fallbacks } : model)) });

    test('is followed by its configured fallbacks, in order', () => {
      // Act
      const decision = withFallbacks(['medium', 'small']).decide(request({ model: 'large' }));

      // Assess
      expect(chainOf(decision)).toEqual(['large', 'medium', 'small']);
      expect(decision).toMatchObject({ requested: 'large', tier: 'complex', score: null, reason: 'requested model' });
    });

    test.each([
      { name: 'tools', fields: { tools: TOOLS }, expected: ['large', 'medium'] },
      { name: 'vision', fields: { messages: IMAGE_MESSAGES }, expected: ['large'] },
    ])('drops the fallbacks that cannot serve a request needing $name', ({ fields, expected }) => {
      // Act
      const decision = withFallbacks(['medium', 'small']).decide(request({ model: 'large', ...fields }));

      // Assess
      expect(chainOf(decision)).toEqual(expected);
    });

    test('never falls back to itself, nor twice to the same model', () => {
      // Act
      const decision = withFallbacks(['large', 'medium', 'medium']).decide(request({ model: 'large' }));

      // Assess
      expect(chainOf(decision)).toEqual(['large', 'medium']);
    });

    test('bypasses the rules', () => {
      // Prepare
      const models = routerWith({ routing: { rules: [{ name: 'all-to-small', target: { model: 'small' } }] } });

      // Act
      const decision = models.decide(request({ model: 'large' }));

      // Assess
      expect(chainOf(decision)).toEqual(['large']);
      expect(decision.rule).toBeUndefined();
      expect(decision.reason).toBe('requested model');
    });
  });

  describe('cheapest', () => {
    test('picks the lowest expected cost, with the others as fallbacks by cost', () => {
      // Act
      const decision = router().decide(request({ model: 'cheapest' }));

      // Assess: the score is computed for every alias, for the rules, even when the strategy ignores it.
      expect(chainOf(decision)).toEqual(['small', 'medium', 'large']);
      expect(decision).toMatchObject({
        requested: 'cheapest',
        tier: 'simple',
        score: 0,
        reason: 'alias cheapest: cheapest',
      });
      expect(decision.rule).toBeUndefined();
    });

    test('compares prompt and expected output cost, not the input price alone', () => {
      // Prepare: cheap input but costly output, and the reverse.
      const models = createModelRouter(
        parseConfig({
          models: [
            { id: 'chatty', provider: 'mock', pricing: { inputPerMTok: 1, outputPerMTok: 10 } },
            { id: 'terse', provider: 'mock', pricing: { inputPerMTok: 5, outputPerMTok: 1 } },
          ],
          aliases: { cheapest: { strategy: 'cheapest' } },
        }),
      );

      // Act: 8 prompt tokens; 500 output tokens are assumed without a cap.
      const uncapped = models.decide(request({ model: 'cheapest' }));
      const capped = models.decide(request({ model: 'cheapest', max_tokens: 1 }));

      // Assess
      expect(uncapped.model.id).toBe('terse');
      expect(capped.model.id).toBe('chatty');
    });

    test('only considers the alias’s own models', () => {
      // Act
      const decision = router({ pair: { strategy: 'cheapest', models: ['large', 'medium'] } }).decide(request({ model: 'pair' }));

      // Assess
      expect(chainOf(decision)).toEqual(['medium', 'large']);
    });

    test.each([
      { name: 'tools', fields: { tools: TOOLS }, expected: ['medium', 'large'] },
      { name: 'vision', fields: { messages: IMAGE_MESSAGES }, expected: ['large'] },
      { name: 'JSON', fields: { response_format: { type: 'json_object' } }, expected: ['small', 'medium', 'large'] },
      { name: 'a context window', fields: { max_tokens: 993 }, expected: ['medium', 'large'] },
    ])('models without $name are excluded', ({ fields, expected }) => {
      // Act
      const decision = router().decide(request({ model: 'cheapest', ...fields }));

      // Assess
      expect(chainOf(decision)).toEqual(expected);
    });

    test('a request that exactly fills the context window still fits', () => {
      // Act: 8 prompt tokens + 992 output tokens = the small model's 1,000.
      const decision = router().decide(request({ model: 'cheapest', max_tokens: 992 }));

      // Assess
      expect(decision.model.id).toBe('small');
    });

    test('no capable model is a 400 no_capable_model naming what is needed', () => {
      // Prepare
      const request = chat({ model: 'pair', tools: TOOLS, response_format: { type: 'json_object' } });

      // Act
      const error = errorOf(router({ pair: { strategy: 'cheapest', models: ['small'] } }), request);

      // Assess
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('no_capable_model');
      expect(error.param).toBe('model');
      expect(error.message).toBe('No configured model can serve this request (25 prompt tokens, tools, json).');
    });
  });

  describe('fixed', () => {
    test('serves the target model, whatever the request, then the models nearest its tier', () => {
      // Act
      const decision = router({ pinned: { strategy: 'fixed', target: 'large' } }).decide(request({ model: 'pinned' }));

      // Assess: no silent jump from the pinned premium model to the cheapest one.
      expect(chainOf(decision)).toEqual(['large', 'medium', 'small']);
      expect(decision).toMatchObject({ requested: 'pinned', tier: 'complex', score: 0, reason: 'alias pinned: fixed' });
    });

    test('a target that cannot serve the request gives way to the next capable model', () => {
      // Act
      const decision = router({ pinned: { strategy: 'fixed', target: 'small', models: ['small', 'large'] } }).decide(
        request({ model: 'pinned', tools: TOOLS }),
      );

      // Assess
      expect(chainOf(decision)).toEqual(['large']);
    });
  });

  describe('fastest', () => {
    /** The three models with these expected latencies (none when absent). */
    const timedRouter = (latencies: Record<string, number>, latency?: LatencyTracker): ModelRouter =>
      routerWith(
        {
          models: MODELS.map((model) => ({ ...model, expectedLatencyMs: latencies[model.id] })),
          aliases: { fast: { strategy: 'fastest' } },
        },
        latency,
      );

    test('orders the models by their configured expected latency', () => {
      // Act
      const decision = timedRouter({ small: 900, medium: 300, large: 600 }, new LatencyTracker()).decide(
        request({ model: 'fast' }),
      );

      // Assess
      expect(chainOf(decision)).toEqual(['medium', 'large', 'small']);
      expect(decision.reason).toBe('alias fast: fastest');
    });

    test('measured latencies replace the configured ones, as a moving average', () => {
      // Prepare
      const latency = new LatencyTracker();
      const models = timedRouter({ small: 900, medium: 300, large: 600 }, latency);

      // Act: the first measurement replaces the expectation; the next moves the average by a fifth.
      latency.record('small', 100);
      const afterFirst = models.decide(request({ model: 'fast' }));
      latency.record('small', 2_100);
      const afterSecond = models.decide(request({ model: 'fast' }));

      // Assess: 100, then 100 + 0.2 * (2,100 - 100) = 500.
      expect(chainOf(afterFirst)).toEqual(['small', 'medium', 'large']);
      expect(latency.estimate(afterFirst.model)).toBe(500);
      expect(chainOf(afterSecond)).toEqual(['medium', 'small', 'large']);
    });

    test('a model without an expectation counts as 2 seconds, and equal latencies go cheapest first', () => {
      // Act
      const decision = timedRouter({ large: 1_000 }, new LatencyTracker()).decide(request({ model: 'fast' }));

      // Assess
      expect(chainOf(decision)).toEqual(['large', 'small', 'medium']);
    });

    test('without a latency tracker the cheapest model comes first', () => {
      // Act
      const decision = timedRouter({ small: 900, medium: 300, large: 600 }).decide(request({ model: 'fast' }));

      // Assess
      expect(chainOf(decision)).toEqual(['small', 'medium', 'large']);
    });

    test('the fastest model must still be able to serve the request', () => {
      // Act
      const decision = timedRouter({ small: 100, medium: 300, large: 600 }, new LatencyTracker()).decide(
        request({ model: 'fast', tools: TOOLS }),
      );

      // Assess
      expect(chainOf(decision)).toEqual(['medium', 'large']);
    });
  });

  describe('complexity', () => {
    test('a greeting goes to the simple tier', () => {
      // Act
      const decision = router().decide(request());

      // Assess
      expect(decision.model.id).toBe('small');
      expect(decision.tier).toBe('simple');
      expect(decision.score).toBe(0);
      expect(decision.reason).toBe('alias auto: complexity 0 -> simple');
      expect(decision.fallbacks.map((model) => model.id)).toEqual(['medium', 'large']);
    });

    test('a drafting task goes to the standard tier, then stronger, then weaker', () => {
      // Act
      const decision = router().decide(ask(STANDARD_PROMPT));

      // Assess
      expect(chainOf(decision)).toEqual(['medium', 'large', 'small']);
      expect(decision.tier).toBe('standard');
      expect(decision.reason).toBe('alias auto: complexity 0.159 -> standard');
    });

    test('a proof and derivation goes to the complex tier', () => {
      // Act
      const decision = router().decide(ask(COMPLEX_PROMPT));

      // Assess
      expect(chainOf(decision)).toEqual(['large', 'medium', 'small']);
      expect(decision.tier).toBe('complex');
      expect(decision.score).toBe(0.516);
      expect(decision.reason).toBe('alias auto: complexity 0.516 -> complex');
    });

    test('a simple request that needs tools is served by the next stronger capable tier', () => {
      // Act
      const decision = router().decide(request({ tools: TOOLS }));

      // Assess
      expect(decision.model.id).toBe('medium');
      expect(decision.reason).toBe('alias auto: complexity 0 -> simple, served by standard');
      expect(decision.fallbacks.map((model) => model.id)).toEqual(['large']);
    });

    test('without the wanted tier, a stronger tier comes before a weaker one', () => {
      // Prepare
      const models = router({ auto: { strategy: 'complexity', models: ['small', 'large'] } });

      // Act
      const decision = models.decide(ask(STANDARD_PROMPT));

      // Assess
      expect(chainOf(decision)).toEqual(['large', 'small']);
      expect(decision.reason).toBe('alias auto: complexity 0.159 -> standard, served by complex');
    });

    test('a complex request with only weaker models is served by the strongest of them', () => {
      // Prepare
      const models = router({ auto: { strategy: 'complexity', models: ['small', 'medium'] } });

      // Act
      const decision = models.decide(ask(COMPLEX_PROMPT));

      // Assess
      expect(chainOf(decision)).toEqual(['medium', 'small']);
      expect(decision.reason).toBe('alias auto: complexity 0.516 -> complex, served by standard');
    });

    test('the scoring weights come from the routing config', () => {
      // Prepare: content words weigh enough to make the drafting task complex.
      const models = routerWith({ routing: { scoring: { contentIntent: { weight: 1, half: 1 } } } });

      // Act
      const decision = models.decide(ask(STANDARD_PROMPT));

      // Assess
      expect(decision.tier).toBe('complex');
      expect(decision.score).toBe(0.692);
    });
  });

  describe('rules', () => {
    test('a model target serves that model, with the rest of the alias order as fallbacks', () => {
      // Prepare
      const models = withRules([{ name: 'pin-large', when: { aliases: ['auto'] }, target: { model: 'large' } }]);

      // Act
      const decision = models.decide(request());

      // Assess
      expect(chainOf(decision)).toEqual(['large', 'small', 'medium']);
      expect(decision).toMatchObject({
        requested: 'auto',
        tier: 'complex',
        score: 0,
        reason: 'rule pin-large',
        rule: 'pin-large',
      });
    });

    test('a rule for one alias leaves the others alone', () => {
      // Prepare
      const models = withRules([{ name: 'pin-large', when: { aliases: ['auto'] }, target: { model: 'large' } }]);

      // Act
      const decision = models.decide(request({ model: 'cheapest' }));

      // Assess
      expect(decision.model.id).toBe('small');
      expect(decision.rule).toBeUndefined();
      expect(decision.reason).toBe('alias cheapest: cheapest');
    });

    test('a chain target is tried in its own order, without the alias’s other models', () => {
      // Prepare
      const models = withRules([{ name: 'mid-then-small', target: { chain: ['medium', 'small'] } }]);

      // Act
      const decision = models.decide(ask(COMPLEX_PROMPT));

      // Assess
      expect(chainOf(decision)).toEqual(['medium', 'small']);
      expect(decision.rule).toBe('mid-then-small');
    });

    test('a chain none of whose models can serve the request is refused', () => {
      // Prepare
      const models = withRules([{ name: 'only-small', target: { chain: ['small'] } }]);

      // Act
      const error = errorOf(models, chat({ tools: TOOLS }));

      // Assess
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('no_capable_model');
    });

    test.each([
      { name: 'tools', fields: { tools: TOOLS }, expected: ['medium', 'large'] },
      { name: 'vision', fields: { messages: IMAGE_MESSAGES }, expected: ['large'] },
    ])('a target model that cannot serve a request needing $name gives way to the next capable model', ({ fields, expected }) => {
      // Prepare
      const models = withRules([{ name: 'pin-small', target: { model: 'small' } }]);

      // Act
      const decision = models.decide(request(fields));

      // Assess
      expect(chainOf(decision)).toEqual(expected);
      expect(decision.rule).toBe('pin-small');
    });

    test('a tier target routes as if the scorer had chosen that tier', () => {
      // Prepare
      const models = withRules([{ name: 'go-complex', target: { tier: 'complex' } }]);

      // Act
      const decision = models.decide(request());

      // Assess: the score stays what the scorer said; the tier is the serving model's.
      expect(chainOf(decision)).toEqual(['large', 'medium', 'small']);
      expect(decision).toMatchObject({ tier: 'complex', score: 0, rule: 'go-complex', reason: 'rule go-complex' });
    });

    test.each([
      { headers: { 'x-router-tier': 'premium' }, expected: ['large', 'medium', 'small'], rule: 'premium-header' },
      { headers: { 'x-router-tier': ' premium ' }, expected: ['large', 'medium', 'small'], rule: 'premium-header' },
      { headers: { 'x-router-tier': 'basic' }, expected: ['small', 'medium', 'large'], rule: undefined },
      { headers: {}, expected: ['small', 'medium', 'large'], rule: undefined },
      { headers: undefined, expected: ['small', 'medium', 'large'], rule: undefined },
    ])('a header rule with headers $headers -> $expected', ({ headers, expected, rule }) => {
      // Prepare: the condition's header name is case-insensitive; request headers arrive lower-cased.
      const models = withRules([
        { name: 'premium-header', when: { headers: { 'X-Router-Tier': 'premium' } }, target: { tier: 'complex' } },
      ]);

      // Act
      const decision = models.decide({ request: chat(), ...(headers ? { headers } : {}) });

      // Assess
      expect(chainOf(decision)).toEqual(expected);
      expect(decision.rule).toBe(rule);
    });

    test.each([
      { caller: { tenant: 'acme', plan: 'pro' }, model: 'large', rule: 'acme-pro' },
      { caller: { tenant: 'acme', plan: 'free' }, model: 'small', rule: undefined },
      { caller: { tenant: 'globex', plan: 'pro' }, model: 'small', rule: undefined },
      { caller: { tenant: 'acme' }, model: 'small', rule: undefined },
      { caller: undefined, model: 'small', rule: undefined },
    ])('a tenant and plan rule for caller $caller -> $model', ({ caller, model, rule }) => {
      // Prepare
      const models = withRules([{ name: 'acme-pro', when: { tenants: ['acme'], plans: ['pro'] }, target: { model: 'large' } }]);

      // Act
      const decision = models.decide({ request: chat(), ...(caller ? { caller } : {}) });

      // Assess
      expect(decision.model.id).toBe(model);
      expect(decision.rule).toBe(rule);
    });

    test('the first matching rule in config order decides', () => {
      // Prepare
      const models = withRules([
        { name: 'search-team', when: { keyMetadata: { team: 'search' } }, target: { model: 'medium' } },
        { name: 'everyone', target: { model: 'large' } },
      ]);

      // Act
      const search = models.decide({ request: chat(), caller: { metadata: { team: 'search' } } });
      const others = models.decide({ request: chat(), caller: { metadata: { team: 'ads' } } });

      // Assess
      expect([search.model.id, search.rule]).toEqual(['medium', 'search-team']);
      expect([others.model.id, others.rule]).toEqual(['large', 'everyone']);
    });

    test('rules see the scored tier and the request’s metadata', () => {
      // Prepare
      const models = withRules([
        { name: 'cheap-hard', when: { tiers: ['complex'], metadata: { budget: 'low' } }, target: { model: 'medium' } },
      ]);

      // Act
      const hardLowBudget = models.decide(ask(COMPLEX_PROMPT, { metadata: { budget: 'low' } }));
      const hard = models.decide(ask(COMPLEX_PROMPT));
      const easyLowBudget = models.decide(ask('hi', { metadata: { budget: 'low' } }));

      // Assess
      expect([hardLowBudget.model.id, hardLowBudget.rule]).toEqual(['medium', 'cheap-hard']);
      expect([hard.model.id, hard.rule]).toEqual(['large', undefined]);
      expect([easyLowBudget.model.id, easyLowBudget.rule]).toEqual(['small', undefined]);
    });

    describe('a split target', () => {
      const EVEN_SPLIT = [
        {
          name: 'ab',
          target: {
            split: [
              { model: 'small', weight: 1 },
              { model: 'large', weight: 1 },
            ],
          },
        },
      ];

      // FNV-1a puts 'erin' at 0.21 (the first half) and 'dave' at 0.81 (the second).
      test.each([
        { user: 'erin', expected: ['small', 'large'] },
        { user: 'dave', expected: ['large', 'small'] },
      ])('sends the user $user to the same arm every time, whatever the random source', ({ user, expected }) => {
        // Prepare
        const models = withRules(EVEN_SPLIT);
        const random = vi.fn(() => 0.5);

        // Act
        const chains = Array.from({ length: 20 }, () => chainOf(models.decide({ request: chat({ user }), random })));

        // Assess
        expect(chains).toEqual(Array.from({ length: 20 }, () => expected));
        expect(random).not.toHaveBeenCalled();
      });

      test.each([
        { point: 0, expected: ['small', 'large'] },
        { point: 0.49, expected: ['small', 'large'] },
        { point: 0.5, expected: ['large', 'small'] },
        { point: 0.99, expected: ['large', 'small'] },
      ])('without a user, the random source decides: $point -> $expected', ({ point, expected }) => {
        // Prepare
        const models = withRules(EVEN_SPLIT);
        const random = vi.fn(() => point);

        // Act
        const decision = models.decide({ request: chat(), random });

        // Assess
        expect(chainOf(decision)).toEqual(expected);
        expect(decision.rule).toBe('ab');
        expect(random).toHaveBeenCalledTimes(1);
      });

      test.each([
        { point: 0, expected: ['small', 'medium', 'large'] },
        { point: 0.5, expected: ['medium', 'large', 'small'] },
        { point: 0.99, expected: ['large', 'medium', 'small'] },
      ])('the other arms follow by weight, heaviest first: $point -> $expected', ({ point, expected }) => {
        // Prepare: arms of 1, 3 and 2 cover [0, 1/6), [1/6, 4/6) and [4/6, 1).
        const models = withRules([
          {
            name: 'three-way',
            target: {
              split: [
                { model: 'small', weight: 1 },
                { model: 'medium', weight: 3 },
                { model: 'large', weight: 2 },
              ],
            },
          },
        ]);

        // Act
        const decision = models.decide({ request: chat(), random: () => point });

        // Assess
        expect(chainOf(decision)).toEqual(expected);
      });

      test('an arm that cannot serve the request gives way to the next arm', () => {
        // Prepare
        const models = withRules(EVEN_SPLIT);

        // Act
        const decision = models.decide({ request: chat({ user: 'erin', tools: TOOLS }) });

        // Assess
        expect(chainOf(decision)).toEqual(['large']);
      });
    });
  });

  describe('premium', () => {
    test('defaults to the model with the highest output price, for alias and concrete requests alike', () => {
      // Act
      const models = router();

      // Assess
      expect(models.decide(request()).premium.id).toBe('large');
      expect(models.decide(request({ model: 'small' })).premium.id).toBe('large');
    });

    test('is routing.premiumModel when configured', () => {
      // Act
      const decision = routerWith({ routing: { premiumModel: 'medium' } }).decide(request());

      // Assess
      expect(decision.premium.id).toBe('medium');
    });

    test('between equal output prices, the higher input price is premium', () => {
      // Prepare
      const models = createModelRouter(
        parseConfig({
          models: [
            { id: 'a', provider: 'mock', pricing: { inputPerMTok: 1, outputPerMTok: 10 } },
            { id: 'b', provider: 'mock', pricing: { inputPerMTok: 2, outputPerMTok: 10 } },
            { id: 'c', provider: 'mock', pricing: { inputPerMTok: 5, outputPerMTok: 1 } },
          ],
        }),
      );

      // Act
      const decision = models.decide(request());

      // Assess
      expect(decision.premium.id).toBe('b');
    });
  });
});

describe('tasks: embeddings and legacy completions', () => {
  /** The three chat models, an OpenAI-compatible chat model, and two embeddings models (the mock one cheapest of all). */
  const models = () =>
    routerWith({
      models: [
        ...MODELS,
        { id: 'gpt', provider: 'openai', tier: 'standard', pricing: { inputPerMTok: 2, outputPerMTok: 8 } },
        { id: 'embed', provider: 'openai', capabilities: ['embeddings'], pricing: { inputPerMTok: 0.02, outputPerMTok: 0 } },
        { id: 'embed-mock', provider: 'mock', capabilities: ['embeddings'], pricing: { inputPerMTok: 0.01, outputPerMTok: 0 } },
      ],
      aliases: { ...DEFAULT_ALIASES, chatty: { strategy: 'cheapest', models: ['small', 'medium'] } },
    });
  const marked = (task: RouterTask, fields: Record<string, unknown> = {}) =>
    withTask(chat({ max_completion_tokens: task === 'embeddings' ? undefined : 100, ...fields }), task);

  test.each(['auto', 'cheapest'])('%s serves embeddings by embeddings models only, chat by chat models only', (alias) => {
    // Act
    const embeddings = models().decide({ request: marked('embeddings', { model: alias }) });
    const chatted = models().decide(request({ model: alias }));

    // Assess
    expect(chainOf(embeddings).sort()).toEqual(['embed', 'embed-mock']);
    expect(chainOf(chatted)).not.toContain('embed');
    expect(chainOf(chatted)).not.toContain('embed-mock');
  });

  test('legacy completions are served by OpenAI-compatible chat models only', () => {
    // Act
    const decision = models().decide({ request: marked('completions', { model: 'cheapest' }) });

    // Assess
    expect(chainOf(decision)).toEqual(['gpt']);
  });

  test('an alias with no model for the task is a 400 naming what is needed', () => {
    // Act
    const embeddings = errorOf(models(), marked('embeddings', { model: 'chatty' }));
    const completions = errorOf(models(), marked('completions', { model: 'chatty' }));

    // Assess
    expect(embeddings).toMatchObject({ statusCode: 400, code: 'no_capable_model' });
    expect(embeddings.message).toMatch(/prompt tokens, embeddings\)\.$/);
    expect(completions.message).toMatch(/prompt tokens, an OpenAI-compatible upstream \(legacy completions\)\)\.$/);
  });

  test.each([
    { task: 'embeddings', model: 'gpt', message: /^Model 'gpt' does not create embeddings/ },
    { task: undefined, model: 'embed', message: /^Model 'embed' is an embeddings model; use \/v1\/embeddings\.$/ },
    { task: 'completions', model: 'small', message: /^Model 'small' \(mock\) has no legacy completions endpoint/ },
  ] as const)('a $model asked for by name for $task is a 400 model_not_supported', ({ task, model, message }) => {
    // Act
    const error = errorOf(models(), task ? marked(task, { model }) : chat({ model }));

    // Assess
    expect(error).toMatchObject({ statusCode: 400, code: 'model_not_supported', param: 'model' });
    expect(error.message).toMatch(message);
  });

  test('savings are measured against the dearest model of the same kind: embeddings against embeddings', () => {
    // Act
    const embeddings = models().decide({ request: marked('embeddings', { model: 'embed-mock' }) });
    const chatted = models().decide(request({ model: 'small' }));

    // Assess
    expect(embeddings.premium.id).toBe('embed');
    expect(chatted.premium.id).toBe('large');
  });

  test("a model's fallbacks that cannot serve the task are left out", () => {
    // Prepare
    const withFallbacks = routerWith({
      models: [
        { id: 'embed', provider: 'openai', capabilities: ['embeddings'], fallbacks: ['small', 'embed-2'] },
        { id: 'embed-2', provider: 'mock', capabilities: ['embeddings'] },
        ...MODELS,
      ],
    });

    // Act
    const decision = withFallbacks.decide({ request: marked('embeddings', { model: 'embed' }) });

    // Assess
    expect(chainOf(decision)).toEqual(['embed', 'embed-2']);
  });
});
