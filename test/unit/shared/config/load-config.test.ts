import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '#shared/config/load-config.ts';

/** Runs `act` and returns the ConfigError it throws, failing the test if it throws nothing or something else. */
const configErrorOf = async (act: () => unknown): Promise<ConfigError> => {
  try {
    await act();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
};

describe('parseConfig defaults', () => {
  test('a minimal model gets every default filled in', () => {
    // Act
    const config = parseConfig({ models: [{ id: 'gpt-4o', provider: 'openai' }] });

    // Assess
    expect(config.models[0]).toEqual({
      id: 'gpt-4o',
      provider: 'openai',
      authHeader: 'bearer',
      headers: {},
      query: {},
      pricing: { inputPerMTok: 0, outputPerMTok: 0 },
      contextWindow: 128_000,
      capabilities: [],
      tier: 'standard',
      timeoutMs: 120_000,
      firstByteTimeoutMs: 30_000,
      nonStreamFirstByteTimeoutMs: 45_000,
      fallbacks: [],
    });
  });

  test('the config gets the default auto alias, three tiers, limits and server settings', () => {
    // Act
    const config = parseConfig({ models: [{ id: 'm', provider: 'mock' }] });

    // Assess
    expect(config.aliases).toEqual({ auto: { strategy: 'complexity' } });
    expect(config.tiers).toEqual([{ name: 'simple' }, { name: 'standard' }, { name: 'complex' }]);
    expect(config.defaults).toEqual({ limits: { rpm: 60, tpm: 100_000 } });
    expect(config.server).toEqual({ maxBodyBytes: 4 * 1024 * 1024, keyCacheTtlSeconds: 10 });
  });

  test('the config gets a routing section with no rules, the default scoring, retries, breaker and deadline', () => {
    // Act
    const config = parseConfig({ models: [{ id: 'm', provider: 'mock' }] });

    // Assess
    expect(config.routing).toEqual({
      rules: [],
      complexity: { scorer: 'learned', model: 'models/routing/complexity-v3.json', onModelError: 'fail' },
      scoring: {
        complexIntent: { weight: 0.4, half: 1 },
        contentIntent: { weight: 0.2, half: 1 },
        simpleIntent: { weight: -0.3, half: 0.5 },
        taskChars: { weight: 0.2, half: 400 },
        code: { weight: 0.1, half: 0.5 },
        math: { weight: 0.2, half: 1 },
        promptTokens: { weight: 0.05, half: 2_000 },
        turns: { weight: 0.05, half: 4 },
        outputTokens: { weight: 0.1, half: 1_000 },
        tools: 0.03,
        json: 0.03,
      },
      retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 },
      breaker: { failureThreshold: 5, coolDownMs: 30_000 },
      deadlineMs: 150_000,
    });
  });

  test('a partial routing section keeps the defaults of the fields it omits', () => {
    // Act
    const config = parseConfig({
      models: [{ id: 'm', provider: 'mock' }],
      routing: { retry: { maxAttempts: 3 }, scoring: { tools: 0.1 }, premiumModel: 'm' },
    });

    // Assess
    expect(config.routing.retry).toEqual({ maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 });
    expect(config.routing.scoring.tools).toBe(0.1);
    expect(config.routing.scoring.complexIntent).toEqual({ weight: 0.4, half: 1 });
    expect(config.routing.breaker).toEqual({ failureThreshold: 5, coolDownMs: 30_000 });
    expect(config.routing.premiumModel).toBe('m');
  });

  test('a rule gets an empty condition, and a fastest alias is accepted', () => {
    // Act
    const config = parseConfig({
      models: [
        { id: 'a', provider: 'mock', fallbacks: ['b'], expectedLatencyMs: 300 },
        { id: 'b', provider: 'mock' },
      ],
      aliases: { fast: { strategy: 'fastest', models: ['a', 'b'] } },
      routing: { rules: [{ name: 'everything-to-b', target: { model: 'b' } }] },
    });

    // Assess
    expect(config.routing.rules).toEqual([{ name: 'everything-to-b', when: {}, target: { model: 'b' } }]);
    expect(config.aliases).toEqual({ fast: { strategy: 'fastest', models: ['a', 'b'] } });
    expect(config.models.map((model) => [model.id, model.fallbacks, model.expectedLatencyMs])).toEqual([
      ['a', ['b'], 300],
      ['b', [], undefined],
    ]);
  });

  test('a partial server section keeps the defaults of the fields it omits', () => {
    // Act
    const config = parseConfig({ models: [{ id: 'm', provider: 'mock' }], server: { keyCacheTtlSeconds: 0 } });

    // Assess
    expect(config.server).toEqual({ maxBodyBytes: 4 * 1024 * 1024, keyCacheTtlSeconds: 0 });
  });

  test('explicit aliases replace the default auto alias', () => {
    // Act
    const config = parseConfig({ models: [{ id: 'm', provider: 'mock' }], aliases: { cheap: { strategy: 'cheapest' } } });

    // Assess
    expect(config.aliases).toEqual({ cheap: { strategy: 'cheapest' } });
  });

  test('a mock model gets the mock latency defaults when it has a mock section', () => {
    // Act
    const config = parseConfig({ models: [{ id: 'm', provider: 'mock', mock: {} }] });

    // Assess
    expect(config.models[0]?.mock).toEqual({ latencyMs: 0, tokenDelayMs: 0 });
  });
});

describe('parseConfig validation', () => {
  test('a config with several problems reports every one of them with its path', async () => {
    // Prepare
    const input = {
      models: [
        { id: 'a', provider: 'openai', apiKey: 'OPENAI_API_KEY' },
        { id: 'a', provider: 'mock', apiKey: 'env:MOCK_KEY', tier: 'huge' },
      ],
      aliases: {
        pinned: { strategy: 'fixed' },
        cheap: { strategy: 'cheapest', models: ['a', 'nope'] },
        other: { strategy: 'fixed', target: 'ghost' },
      },
    };

    // Act
    const error = await configErrorOf(() => parseConfig(input, 'router.json'));

    // Assess
    expect([...error.problems].sort()).toEqual([
      'aliases.cheap.models[1]: unknown model "nope"',
      'aliases.other.target: unknown model "ghost"',
      'aliases.pinned.target: a fixed alias needs a target',
      'models[0].apiKey: must be "env:NAME" or a Secrets Manager ARN (arn:aws:secretsmanager:...)',
      'models[1].apiKey: the mock provider takes no apiKey',
      'models[1].id: duplicate model id "a"',
      'models[1].tier: unknown tier "huge" (tiers: simple, standard, complex)',
    ]);
    expect(error.message).toMatch(/^Invalid router config \(router\.json\):\n {2}- /);
    for (const problem of error.problems) expect(error.message).toContain(`  - ${problem}`);
  });

  test.each([
    { name: 'no models', input: { models: [] }, problem: 'models: define at least one model' },
    {
      name: 'an alias named like a model',
      input: { models: [{ id: 'auto', provider: 'mock' }] },
      problem: 'aliases.auto: alias "auto" has the same name as a model',
    },
    {
      name: 'an unknown provider',
      input: { models: [{ id: 'm', provider: 'azure' }] },
      problem: 'models[0].provider: Invalid option: expected one of "openai"|"anthropic"|"bedrock"|"mock"',
    },
    {
      name: 'an unknown field',
      input: { models: [{ id: 'm', provider: 'mock', colour: 'red' }] },
      problem: 'models[0]: Unrecognized key: "colour"',
    },
    {
      name: 'a model id with a space',
      input: { models: [{ id: 'my model', provider: 'mock' }] },
      problem: 'models[0].id: letters, digits and . _ : / - only, at most 128 characters',
    },
    {
      name: 'a body limit above Lambda’s 6 MB',
      input: { models: [{ id: 'm', provider: 'mock' }], server: { maxBodyBytes: 7 * 1024 * 1024 } },
      problem: 'server.maxBodyBytes: Too big: expected number to be <=6291456',
    },
    {
      name: 'an env ref without a variable name',
      input: { models: [{ id: 'm', provider: 'openai', apiKey: 'env:' }] },
      problem: 'models[0].apiKey: must be "env:NAME" or a Secrets Manager ARN (arn:aws:secretsmanager:...)',
    },
    { name: 'a root that is not an object', input: 'models', problem: '(root): Invalid input: expected object, received string' },
  ])('reports $name', async ({ input, problem }) => {
    // Act
    const error = await configErrorOf(() => parseConfig(input));

    // Assess
    expect(error.problems).toEqual([problem]);
  });

  const MODEL = { id: 'm', provider: 'mock' };

  test.each([
    {
      name: 'an unknown model in a model’s fallbacks',
      input: { models: [{ ...MODEL, fallbacks: ['m', 'ghost'] }] },
      problem: 'models[0].fallbacks[1]: unknown model "ghost"',
    },
    {
      name: 'an unknown premium model',
      input: { models: [MODEL], routing: { premiumModel: 'ghost' } },
      problem: 'routing.premiumModel: unknown model "ghost"',
    },
    {
      name: 'an unknown model as a rule’s target',
      input: { models: [MODEL], routing: { rules: [{ name: 'r', target: { model: 'ghost' } }] } },
      problem: 'routing.rules[0].target.model: unknown model "ghost"',
    },
    {
      name: 'an unknown model in a rule’s chain',
      input: { models: [MODEL], routing: { rules: [{ name: 'r', target: { chain: ['m', 'ghost'] } }] } },
      problem: 'routing.rules[0].target.chain[1]: unknown model "ghost"',
    },
    {
      name: 'an unknown model in a rule’s split',
      input: { models: [MODEL], routing: { rules: [{ name: 'r', target: { split: [{ model: 'ghost', weight: 1 }] } }] } },
      problem: 'routing.rules[0].target.split[0].model: unknown model "ghost"',
    },
    {
      name: 'an unknown tier as a rule’s target',
      input: { models: [MODEL], routing: { rules: [{ name: 'r', target: { tier: 'gold' } }] } },
      problem: 'routing.rules[0].target.tier: unknown tier "gold" (tiers: simple, standard, complex)',
    },
    {
      name: 'an unknown tier in a rule’s condition',
      input: {
        models: [MODEL],
        routing: { rules: [{ name: 'r', when: { tiers: ['standard', 'gold'] }, target: { model: 'm' } }] },
      },
      problem: 'routing.rules[0].when.tiers[1]: unknown tier "gold" (tiers: simple, standard, complex)',
    },
    {
      name: 'an unknown alias in a rule’s condition',
      input: { models: [MODEL], routing: { rules: [{ name: 'r', when: { aliases: ['fast'] }, target: { model: 'm' } }] } },
      problem: 'routing.rules[0].when.aliases[0]: unknown alias "fast"',
    },
    {
      name: 'a rule with two targets',
      input: { models: [MODEL], routing: { rules: [{ name: 'r', target: { model: 'm', tier: 'simple' } }] } },
      problem: 'routing.rules[0].target: Invalid input',
    },
    {
      name: 'a duplicate tier',
      input: {
        models: [{ ...MODEL, tier: 'simple' }],
        tiers: [
          { name: 'simple', maxScore: 0.2 },
          { name: 'simple', maxScore: 1 },
        ],
      },
      problem: 'tiers[1].name: duplicate tier "simple"',
    },
    {
      name: 'a target on a non-fixed alias',
      input: { models: [MODEL], aliases: { auto: { strategy: 'complexity', target: 'm' } } },
      problem: 'aliases.auto.target: only a fixed alias takes a target',
    },
    {
      name: 'an alias with an empty models list',
      input: { models: [MODEL], aliases: { auto: { strategy: 'fastest', models: [] } } },
      problem: 'aliases.auto.models: Too small: expected array to have >=1 items',
    },
    {
      name: 'a deadline above 14 minutes',
      input: { models: [MODEL], routing: { deadlineMs: 900_000 } },
      problem: 'routing.deadlineMs: Too big: expected number to be <=840000',
    },
    {
      name: 'a budget past a billion dollars',
      input: { models: [MODEL], defaults: { limits: { monthlyBudgetUsd: 1e308 } } },
      problem: 'defaults.limits.monthlyBudgetUsd: must be at most 1000000000 (a billion dollars)',
    },
    {
      name: 'a budget under one micro-dollar',
      input: { models: [MODEL], plans: { free: { limits: { monthlyBudgetUsd: 1e-300 } } } },
      problem: 'plans.free.limits.monthlyBudgetUsd: must be at least 0.000001 (one micro-dollar)',
    },
  ])('reports $name', async ({ input, problem }) => {
    // Act
    const error = await configErrorOf(() => parseConfig(input));

    // Assess
    expect(error.problems).toEqual([problem]);
  });

  test('a model whose default tier is not among custom tiers is reported', async () => {
    // Act
    const error = await configErrorOf(() => parseConfig({ models: [MODEL], tiers: [{ name: 'only', maxScore: 1 }] }));

    // Assess
    expect(error.problems).toEqual(['models[0].tier: unknown tier "standard" (tiers: only)']);
  });

  test.each([
    {
      name: 'premiumShare on a cheapest alias',
      input: { aliases: { c: { strategy: 'cheapest', premiumShare: 0.3 } } },
      problem: 'aliases.c.premiumShare: only a complexity alias takes premiumShare',
    },
    {
      name: 'thresholds naming an unknown tier',
      input: { aliases: { auto: { strategy: 'complexity', thresholds: { easy: 0.2 } } } },
      problem: 'aliases.auto.thresholds.easy: unknown tier "easy" (tiers: simple, standard, complex)',
    },
    {
      name: 'two tiers without bounds',
      input: { tiers: [{ name: 'low' }, { name: 'standard' }] },
      problem: 'tiers[0].maxScore: with other than three tiers, every tier but the last needs a maxScore',
    },
  ])('$name is reported', async ({ input, problem }) => {
    // Act
    const error = await configErrorOf(() => parseConfig({ models: [MODEL], ...input }));

    // Assess
    expect(error.problems).toEqual([problem]);
  });

  test('premiumShare is a share strictly between 0 and 1', async () => {
    // Act
    const error = await configErrorOf(() => parseConfig({ models: [MODEL], routing: { complexity: { premiumShare: 1 } } }));

    // Assess
    expect(error.problems).toEqual(['routing.complexity.premiumShare: Too big: expected number to be <1']);
  });

  test('a type error in the routing section does not hide the reference problems', async () => {
    // Prepare
    const input = {
      models: [{ id: 'a', provider: 'mock', contextWindow: 'big', fallbacks: ['ghost'] }],
      routing: { deadlineMs: 'soon', premiumModel: 'nope', rules: [{ name: 'r', target: { tier: 'gold' } }] },
    };

    // Act
    const error = await configErrorOf(() => parseConfig(input));

    // Assess
    expect(error.problems).toEqual([
      'models[0].contextWindow: Invalid input: expected number, received string',
      'routing.deadlineMs: Invalid input: expected number, received string',
      'models[0].fallbacks[0]: unknown model "ghost"',
      'routing.premiumModel: unknown model "nope"',
      'routing.rules[0].target.tier: unknown tier "gold" (tiers: simple, standard, complex)',
    ]);
  });

  // Regression (issue 14): timeoutMs and deadlineMs were both 120 s, so a hung model with fallbacks
  // used up the deadline and its fallbacks never ran; such a config now fails at start-up.
  describe('time left for fallbacks', () => {
    const hungModel = {
      id: 'a',
      provider: 'openai',
      timeoutMs: 120_000,
      firstByteTimeoutMs: 120_000,
      nonStreamFirstByteTimeoutMs: 120_000,
    };

    test.each([
      {
        name: 'its own fallbacks',
        input: {
          models: [
            { ...hungModel, fallbacks: ['b'] },
            { id: 'b', provider: 'mock' },
          ],
        },
      },
      {
        name: 'a rule’s chain',
        input: {
          models: [hungModel, { id: 'b', provider: 'mock' }],
          routing: { rules: [{ name: 'r', target: { chain: ['a', 'b'] } }] },
        },
      },
    ])('a model whose attempts use up the deadline is refused when followed by $name', async ({ input }) => {
      // Act
      const error = await configErrorOf(() => parseConfig({ ...input, routing: { deadlineMs: 120_000, ...input.routing } }));

      // Assess
      expect(error.problems).toEqual([
        'models[0]: a hung "a" takes 240200 ms to give up (2 attempts of 120000 ms and 200 ms of backoff), which leaves its ' +
          'fallbacks no time within routing.deadlineMs (120000 ms): lower its firstByteTimeoutMs, nonStreamFirstByteTimeoutMs ' +
          'or timeoutMs, or routing.retry.maxAttempts, or raise routing.deadlineMs',
      ]);
    });

    test('the total timeout caps an attempt, and every retry counts', async () => {
      // Prepare: attempts of 20 s (the total timeout, under both first-byte timeouts); backoff 200 ms, then 400 ms.
      const models = [
        { id: 'a', provider: 'openai', timeoutMs: 20_000, fallbacks: ['b'] },
        { id: 'b', provider: 'mock' },
      ];

      // Act
      const twoAttempts = parseConfig({ models, routing: { deadlineMs: 60_600 } });
      const error = await configErrorOf(() =>
        parseConfig({ models, routing: { deadlineMs: 60_600, retry: { maxAttempts: 3 } } }),
      );

      // Assess
      expect(twoAttempts.routing.retry.maxAttempts).toBe(2);
      expect(error.problems).toEqual([
        expect.stringMatching(
          /^models\[0\]: a hung "a" takes 60600 ms to give up \(3 attempts of 20000 ms and 600 ms of backoff\)/,
        ),
      ]);
    });

    test('a model nothing falls back from may take as long as it likes', () => {
      // Act
      const config = parseConfig({ models: [hungModel], routing: { deadlineMs: 120_000 } });

      // Assess
      expect(config.models[0]?.timeoutMs).toBe(120_000);
    });

    test('with the default timeouts a hung model gives up in time for a full attempt of its fallback', () => {
      // Prepare
      const config = parseConfig({
        models: [
          { id: 'a', provider: 'openai', fallbacks: ['b'] },
          { id: 'b', provider: 'openai' },
        ],
      });
      const [a, b] = config.models;
      const { retry, deadlineMs } = config.routing;

      // Act: the hung model's attempts and backoff, then one attempt of the fallback.
      const attempt = (model: typeof a) => Math.max(model?.firstByteTimeoutMs ?? 0, model?.nonStreamFirstByteTimeoutMs ?? 0);
      const used = retry.maxAttempts * attempt(a) + retry.baseDelayMs + attempt(b);

      // Assess
      expect(used).toBeLessThanOrEqual(deadlineMs);
    });
  });

  test.each(['env:OPENAI_API_KEY', 'env:_x1', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:openai-AbCdEf'])(
    'accepts the secret reference %s',
    (apiKey) => {
      // Act
      const config = parseConfig({ models: [{ id: 'm', provider: 'openai', apiKey }] });

      // Assess
      expect(config.models[0]?.apiKey).toBe(apiKey);
    },
  );

  // Regression: one type error (here a string contextWindow) makes zod skip the whole-config checks, so the
  // duplicate id and the bad alias are only reported after the operator fixes the first problem,
  // although ConfigError promises "every problem of the config" in one pass.
  test('a type error does not hide the duplicate-id and alias problems', async () => {
    // Prepare
    const input = {
      models: [
        { id: 'a', provider: 'openai', contextWindow: 'big' },
        { id: 'a', provider: 'mock' },
      ],
      aliases: { pinned: { strategy: 'fixed' } },
    };

    // Act
    const error = await configErrorOf(() => parseConfig(input));

    // Assess
    expect(error.problems).toEqual([
      'models[0].contextWindow: Invalid input: expected number, received string',
      'models[1].id: duplicate model id "a"',
      'aliases.pinned.target: a fixed alias needs a target',
    ]);
  });
});

describe('loadConfig', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'router-config-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads and validates a config file, naming it as the source', async () => {
    // Prepare
    const path = join(dir, 'router.json');
    await writeFile(path, JSON.stringify({ models: [{ id: 'gpt-4o-mini', provider: 'openai', apiKey: 'env:OPENAI_API_KEY' }] }));

    // Act
    const loaded = await loadConfig(path, { explicit: true });

    // Assess
    expect(loaded.source).toBe(path);
    expect(loaded.config.models.map((model) => model.id)).toEqual(['gpt-4o-mini']);
    expect(loaded.config.aliases).toEqual({ auto: { strategy: 'complexity' } });
  });

  test('a missing file at the default path serves the built-in mock models', async () => {
    // Act
    const loaded = await loadConfig(join(dir, 'router.json'), { explicit: false });

    // Assess
    expect(loaded.source).toBe('builtin');
    expect(loaded.config.models.map((model) => [model.id, model.provider, model.tier])).toEqual([
      ['mock-small', 'mock', 'simple'],
      ['mock-large', 'mock', 'complex'],
    ]);
    expect(loaded.config.aliases).toEqual({ auto: { strategy: 'complexity' }, cheapest: { strategy: 'cheapest' } });
  });

  test('a missing file at an explicit path is an error naming the path', async () => {
    // Prepare
    const path = join(dir, 'typo.json');

    // Act
    const error = await configErrorOf(() => loadConfig(path, { explicit: true }));

    // Assess
    expect(error.message).toContain(`(${path})`);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^cannot read the file: ENOENT/);
  });

  test('a path that is a directory is an error even at the default path', async () => {
    // Prepare
    const path = join(dir, 'router.json');
    await mkdir(path);

    // Act
    const error = await configErrorOf(() => loadConfig(path, { explicit: false }));

    // Assess
    expect(error.message).toContain(`(${path})`);
    expect(error.problems[0]).toMatch(/^cannot read the file: EISDIR/);
  });

  test('a file that is not JSON is an error naming the file', async () => {
    // Prepare
    const path = join(dir, 'router.json');
    await writeFile(path, '{ "models": [ }');

    // Act
    const error = await configErrorOf(() => loadConfig(path, { explicit: false }));

    // Assess
    expect(error.message).toContain(`Invalid router config (${path})`);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^not valid JSON: /);
  });

  test('schema problems in a file are reported with the file as the source', async () => {
    // Prepare
    const path = join(dir, 'router.json');
    await writeFile(path, JSON.stringify({ models: [{ id: 'm', provider: 'mock', tier: 'gold' }] }));

    // Act
    const error = await configErrorOf(() => loadConfig(path, { explicit: true }));

    // Assess
    expect(error.message).toContain(`(${path})`);
    expect(error.problems).toEqual(['models[0].tier: unknown tier "gold" (tiers: simple, standard, complex)']);
  });
});
