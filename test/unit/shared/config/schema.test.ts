import { describe, expect, test } from 'vitest';
import { aliasSchema, configSchema, modelSchema, secretRefSchema, tierSchema } from '#shared/config/schema.ts';

describe('secretRefSchema', () => {
  test.each([
    { ref: 'env:OPENAI_API_KEY', valid: true },
    { ref: 'env:_private', valid: true },
    { ref: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-AbCdEf', valid: true },
    { ref: 'env:', valid: false },
    { ref: 'env:1ABC', valid: false },
    { ref: 'env:MY-KEY', valid: false },
    { ref: 'OPENAI_API_KEY', valid: false },
    { ref: 'sk-proj-abc123', valid: false },
    { ref: 'arn:aws:ssm:us-east-1:123456789012:parameter/key', valid: false },
  ])('$ref is valid: $valid', ({ ref, valid }) => {
    // Assess
    expect(secretRefSchema.safeParse(ref).success).toBe(valid);
  });
});

describe('modelSchema', () => {
  test('keeps explicit values over the defaults', () => {
    // Act
    const model = modelSchema.parse({
      id: 'azure-gpt-4o',
      provider: 'openai',
      upstreamModel: 'gpt-4o',
      baseUrl: 'https://example.openai.azure.com/openai/deployments/gpt-4o',
      apiKey: 'env:AZURE_KEY',
      authHeader: 'api-key',
      query: { 'api-version': '2024-10-21' },
      tier: 'complex',
      capabilities: ['tools', 'vision'],
    });

    // Assess
    expect(model).toMatchObject({
      authHeader: 'api-key',
      query: { 'api-version': '2024-10-21' },
      tier: 'complex',
      capabilities: ['tools', 'vision'],
      contextWindow: 128_000,
    });
  });

  test.each([
    { name: 'a model id of 128 characters', id: `a${'b'.repeat(127)}`, valid: true },
    { name: 'a model id of 129 characters', id: `a${'b'.repeat(128)}`, valid: false },
    { name: 'a model id with a slash and colon', id: 'meta/llama-3.1:8b', valid: true },
    { name: 'a model id starting with a dash', id: '-model', valid: false },
  ])('$name is valid: $valid', ({ id, valid }) => {
    // Assess
    expect(modelSchema.safeParse({ id, provider: 'mock' }).success).toBe(valid);
  });

  test.each([
    { name: 'a negative price', fields: { pricing: { inputPerMTok: -1, outputPerMTok: 1 } } },
    { name: 'a zero context window', fields: { contextWindow: 0 } },
    { name: 'an unknown capability', fields: { capabilities: ['audio'] } },
    { name: 'a base URL that is not a URL', fields: { baseUrl: 'not a url' } },
    { name: 'an unknown auth header style', fields: { authHeader: 'x-api-key' } },
  ])('refuses $name', ({ fields }) => {
    // Assess
    expect(modelSchema.safeParse({ id: 'm', provider: 'openai', ...fields }).success).toBe(false);
  });

  // Regression: z.url() accepts any scheme, so the common Ollama typo `localhost:11434/v1` (scheme
  // "localhost:") or an ftp:// URL passes validation and only fails on the first request.
  test.each(['localhost:11434/v1', 'ftp://example.com/v1'])('refuses the non-HTTP base URL %s', (baseUrl) => {
    // Assess
    expect(modelSchema.safeParse({ id: 'm', provider: 'openai', baseUrl }).success).toBe(false);
  });
});

describe('aliasSchema and tierSchema', () => {
  test.each([
    { alias: { strategy: 'complexity' }, valid: true },
    { alias: { strategy: 'fixed', target: 'm' }, valid: true },
    { alias: { strategy: 'random' }, valid: false },
    { alias: { strategy: 'cheapest', extra: true }, valid: false },
  ])('alias $alias is valid: $valid', ({ alias, valid }) => {
    // Assess
    expect(aliasSchema.safeParse(alias).success).toBe(valid);
  });

  test.each([
    { tier: { name: 'simple', maxScore: 0 }, valid: true },
    { tier: { name: 'simple', maxScore: 1 }, valid: true },
    { tier: { name: 'simple', maxScore: 1.1 }, valid: false },
    { tier: { name: '', maxScore: 0.5 }, valid: false },
  ])('tier $tier is valid: $valid', ({ tier, valid }) => {
    // Assess
    expect(tierSchema.safeParse(tier).success).toBe(valid);
  });
});

describe('configSchema', () => {
  test('custom tiers replace the defaults and models may use them', () => {
    // Act
    const config = configSchema.parse({
      models: [{ id: 'm', provider: 'mock', tier: 'fast' }],
      tiers: [{ name: 'fast', maxScore: 1 }],
    });

    // Assess
    expect(config.tiers).toEqual([{ name: 'fast', maxScore: 1 }]);
    expect(config.models[0]?.tier).toBe('fast');
  });

  test('a model left on the default tier needs a tier named standard', () => {
    // Act
    const result = configSchema.safeParse({ models: [{ id: 'm', provider: 'mock' }], tiers: [{ name: 'fast', maxScore: 1 }] });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['models', 0, 'tier'], 'unknown tier "standard" (tiers: fast)'],
    ]);
  });
});

describe('the embeddings capability', () => {
  test.each([
    { provider: 'openai', upstreamModel: 'text-embedding-3-small', valid: true },
    { provider: 'mock', upstreamModel: undefined, valid: true },
    { provider: 'bedrock', upstreamModel: 'amazon.titan-embed-text-v2:0', valid: true },
    { provider: 'bedrock', upstreamModel: 'cohere.embed-multilingual-v3', valid: true },
    { provider: 'bedrock', upstreamModel: 'us.cohere.embed-v4:0', valid: true },
    {
      provider: 'bedrock',
      upstreamModel: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v1',
      valid: true,
    },
    { provider: 'bedrock', upstreamModel: 'anthropic.claude-sonnet-4-5', valid: false },
    { provider: 'anthropic', upstreamModel: 'claude-sonnet-4-5', valid: false },
  ])('$provider $upstreamModel may be an embeddings model: $valid', ({ provider, upstreamModel, valid }) => {
    // Act
    const result = modelSchema.safeParse({ id: 'embed', provider, upstreamModel, capabilities: ['embeddings'] });

    // Assess
    expect(result.success).toBe(valid);
  });

  test('a Bedrock model that is not an embeddings model says which families are', () => {
    // Act
    const result = modelSchema.safeParse({
      id: 'x',
      provider: 'bedrock',
      upstreamModel: 'meta.llama3',
      capabilities: ['embeddings'],
    });

    // Assess
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['upstreamModel'],
        message:
          'a Bedrock embeddings model is a Titan Text Embeddings (amazon.titan-embed-text-*) or Cohere Embed (cohere.embed-*) model',
      }),
    ]);
  });
});
