import { describe, expect, test } from 'vitest';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { parseConfig } from '#shared/config/load-config.ts';
import { RouterError } from '#shared/errors.ts';
import { createModelRouter, type ModelRouter, type RoutingInput } from '#shared/routing/model-router.ts';

const ALL_CAPS = ['tools', 'vision', 'json'];

/** Three tiers of models, cheapest first: the usual shape of a router config. */
const router = (aliases: Record<string, unknown> = { auto: { strategy: 'complexity' }, cheapest: { strategy: 'cheapest' } }) =>
  createModelRouter(
    parseConfig({
      models: [
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
      ],
      aliases,
    }),
  );

const chat = (fields: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...fields });

/** The routing input for a chat request built from `fields`. */
const request = (fields: Record<string, unknown> = {}): RoutingInput => ({ request: chat(fields) });

const errorOf = (models: ModelRouter, request: ChatRequest): RouterError => {
  try {
    models.decide({ request });
  } catch (error) {
    expect(error).toBeInstanceOf(RouterError);
    return error as RouterError;
  }
  throw new Error('expected the router to refuse the request');
};

const HARD_PROMPT = `Analyze the trade-offs of this design step by step and prove the bound x^2 * 3 / 4.
\`\`\`ts
function f(x: number) {
  const y = x * 2;
  return y;
}
\`\`\`
${'Evaluate the architecture in depth and compare the probability of collision. '.repeat(30)}`;

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

  describe('cheapest', () => {
    test('picks the lowest expected cost, with the others as fallbacks by cost', () => {
      // Act
      const decision = router().decide(request({ model: 'cheapest' }));

      // Assess
      expect(decision.model.id).toBe('small');
      expect(decision.fallbacks.map((model) => model.id)).toEqual(['medium', 'large']);
      expect(decision).toMatchObject({
        requested: 'cheapest',
        tier: 'simple',
        score: null,
        reason: 'alias cheapest: cheapest capable',
      });
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
      expect(decision.model.id).toBe('medium');
      expect(decision.fallbacks.map((model) => model.id)).toEqual(['large']);
    });

    test.each([
      { name: 'tools', fields: { tools: [{ type: 'function', function: { name: 'lookup' } }] }, expected: ['medium', 'large'] },
      {
        name: 'vision',
        fields: {
          messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }] }],
        },
        expected: ['large'],
      },
      { name: 'JSON', fields: { response_format: { type: 'json_object' } }, expected: ['small', 'medium', 'large'] },
      { name: 'a context window', fields: { max_tokens: 993 }, expected: ['medium', 'large'] },
    ])('models without $name are excluded', ({ fields, expected }) => {
      // Act
      const decision = router().decide(request({ model: 'cheapest', ...fields }));

      // Assess
      expect([decision.model, ...decision.fallbacks].map((model) => model.id)).toEqual(expected);
    });

    test('a request that exactly fills the context window still fits', () => {
      // Act: 8 prompt tokens + 992 output tokens = the small model's 1,000.
      const decision = router().decide(request({ model: 'cheapest', max_tokens: 992 }));

      // Assess
      expect(decision.model.id).toBe('small');
    });

    test('no capable model is a 400 no_capable_model naming what is needed', () => {
      // Prepare
      const request = chat({
        model: 'pair',
        tools: [{ type: 'function', function: { name: 'lookup' } }],
        response_format: { type: 'json_object' },
      });

      // Act
      const error = errorOf(router({ pair: { strategy: 'cheapest', models: ['small'] } }), request);

      // Assess
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('no_capable_model');
      expect(error.param).toBe('model');
      expect(error.message).toMatch(/^No configured model can serve this request \(\d+ prompt tokens, tools, json\)\.$/);
    });
  });

  describe('fixed', () => {
    test('serves the target model, whatever the request', () => {
      // Act
      const decision = router({ pinned: { strategy: 'fixed', target: 'large' } }).decide(request({ model: 'pinned' }));

      // Assess
      expect(decision).toMatchObject({
        requested: 'pinned',
        fallbacks: [],
        tier: 'complex',
        score: null,
        reason: 'alias pinned: fixed',
      });
      expect(decision.model.id).toBe('large');
    });
  });

  describe('complexity', () => {
    test('a greeting goes to the simple tier', () => {
      // Act
      const decision = router().decide(request());

      // Assess
      expect(decision.model.id).toBe('small');
      expect(decision.tier).toBe('simple');
      expect(decision.score).toBe(0.001);
      expect(decision.reason).toBe('alias auto: complexity 0.001 -> simple');
      expect(decision.fallbacks.map((model) => model.id)).toEqual(['medium', 'large']);
    });

    test('a long analytical prompt with code and maths goes to the complex tier', () => {
      // Act
      const decision = router().decide(request({ messages: [{ role: 'user', content: HARD_PROMPT }] }));

      // Assess
      expect(decision.model.id).toBe('large');
      expect(decision.tier).toBe('complex');
      expect(decision.score).toBeGreaterThan(0.45);
      expect(decision.reason).toBe(`alias auto: complexity ${decision.score} -> complex`);
    });

    test('a simple request that needs tools is served by the next stronger capable tier', () => {
      // Act
      const decision = router().decide(request({ tools: [{ type: 'function', function: { name: 'lookup' } }] }));

      // Assess
      expect(decision.model.id).toBe('medium');
      expect(decision.reason).toMatch(/^alias auto: complexity [\d.]+ -> simple, served by standard$/);
      expect(decision.fallbacks.map((model) => model.id)).toEqual(['large']);
    });

    test('without the wanted tier, a stronger tier comes before a weaker one', () => {
      // Prepare
      const models = router({ auto: { strategy: 'complexity', models: ['small', 'large'] } });

      // Act
      const decision = models.decide(
        request({
          messages: [{ role: 'user', content: 'Analyze and compare the design strategy, then prove the theorem:\n```\nx\n```' }],
        }),
      );

      // Assess
      expect(decision.score).toBeGreaterThan(0.25);
      expect(decision.score).toBeLessThanOrEqual(0.45);
      expect(decision.model.id).toBe('large');
      expect(decision.fallbacks.map((model) => model.id)).toEqual(['small']);
    });

    test('a complex request with only weaker models is served by the strongest of them', () => {
      // Prepare
      const models = router({ auto: { strategy: 'complexity', models: ['small', 'medium'] } });

      // Act
      const decision = models.decide(request({ messages: [{ role: 'user', content: HARD_PROMPT }] }));

      // Assess
      expect(decision.model.id).toBe('medium');
      expect(decision.fallbacks.map((model) => model.id)).toEqual(['small']);
      expect(decision.reason).toBe(`alias auto: complexity ${decision.score} -> complex, served by standard`);
    });
  });
});
