import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { ConfigInput } from '#shared/config/schema.ts';
import { monthWindow } from '#shared/limits/windows.ts';
import { fakeBedrockVector } from '#test/fixtures/fake-bedrock.ts';
import { fakeVector } from '#test/fixtures/fake-openai.ts';
import { type Harness, refusal, startHarness } from './harness.ts';

// `POST /v1/embeddings` as a client sees it, through the official `openai` SDK: OpenAI-compatible
// upstreams, Bedrock's Titan and Cohere models and the mock; routing by the `embeddings`
// capability; inputs guarded like prompts; input tokens reserved, reconciled, metered and billed.

let harness: Harness;
let key: string;

/** Embeddings models next to the harness's chat models, on the same fake upstreams. */
const addEmbeddingModels = (config: ConfigInput): void => {
  const upstream = (id: string) => config.models.find((model) => model.id === id);
  const openaiUrl = upstream('gpt-fake')?.baseUrl;
  const bedrockUrl = upstream('bedrock-fake')?.baseUrl;
  config.models.push(
    {
      id: 'embed-fake',
      provider: 'openai',
      upstreamModel: 'text-embedding-3-small',
      baseUrl: openaiUrl,
      apiKey: 'env:FAKE_OPENAI_KEY',
      capabilities: ['embeddings'],
      contextWindow: 300_000,
      pricing: { inputPerMTok: 20, outputPerMTok: 0 },
      fallbacks: ['mock-embed'],
    },
    {
      id: 'titan-embed',
      provider: 'bedrock',
      upstreamModel: 'amazon.titan-embed-text-v2:0',
      baseUrl: bedrockUrl,
      region: 'us-east-1',
      capabilities: ['embeddings'],
      contextWindow: 8_192,
      pricing: { inputPerMTok: 20, outputPerMTok: 0 },
    },
    {
      id: 'cohere-embed',
      provider: 'bedrock',
      upstreamModel: 'cohere.embed-v4:0',
      baseUrl: bedrockUrl,
      region: 'us-east-1',
      capabilities: ['embeddings'],
      pricing: { inputPerMTok: 120, outputPerMTok: 0 },
    },
    { id: 'mock-embed', provider: 'mock', capabilities: ['embeddings'], pricing: { inputPerMTok: 10, outputPerMTok: 0 } },
  );
};

beforeAll(async () => {
  harness = await startHarness({
    lago: true,
    server: { keyCacheTtlSeconds: 0 },
    configure: (config) => {
      addEmbeddingModels(config);
      config.defaults = { limits: { rpm: 10_000, tpm: 100_000_000 } };
      config.tenants = { acme: { lagoSubscriptionId: 'sub_acme' } };
      config.guardrails = {
        policies: {
          default: { input: { pii: { email: 'redact' }, denyList: ['project nightingale'] } },
          small: { maxMessages: 2, maxMessageChars: 30 },
        },
        tenants: { small: 'small' },
      };
    },
  });
  key = (await harness.createKey({ tenant: 'acme' })).key;
});
afterAll(async () => harness.close());
afterEach(() => {
  harness.openaiUpstream.setBehavior({ kind: 'echo' });
  harness.bedrockUpstream.setBehavior({ kind: 'reply' });
});

describe('OpenAI-compatible upstreams', () => {
  test('embeddings.create gets one vector per input, in order, decoded from base64 by the SDK', async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act: without encoding_format the SDK asks for base64 and decodes it itself.
    const { data: result, response } = await harness
      .client(key)
      .embeddings.create({ model: 'embed-fake', input: ['first text', 'second text here'] })
      .withResponse();

    // Assess
    expect(result.object).toBe('list');
    expect(result.model).toBe('embed-fake');
    expect(result.data.map((item) => item.index)).toEqual([0, 1]);
    expect(result.data[0]?.embedding).toEqual(fakeVector('first text', 8));
    expect(result.data[1]?.embedding).toEqual(fakeVector('second text here', 8));
    expect(result.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    expect(response.headers.get('x-router-model')).toBe('embed-fake');
    expect(response.headers.get('x-router-provider')).toBe('openai');
    expect(response.headers.get('x-token-usage')).toBe('prompt=5; completion=0; cached=0; total=5');
    const forwarded = harness.openaiUpstream.requests[0];
    expect(forwarded?.path).toBe('/v1/embeddings');
    expect(forwarded?.body).toEqual({ model: 'text-embedding-3-small', input: ['first text', 'second text here'] });
  });

  test('float encoding, a single string and dimensions: floats as the client asked, dimensions forwarded', async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act
    const result = await harness
      .client(key)
      .embeddings.create({ model: 'embed-fake', input: 'one text', dimensions: 4, encoding_format: 'float' });

    // Assess
    expect(result.data).toEqual([{ object: 'embedding', index: 0, embedding: fakeVector('one text', 4) }]);
    expect(harness.openaiUpstream.requests[0]?.body).toMatchObject({ input: ['one text'], dimensions: 4 });
  });

  test('base64 asked explicitly is returned as base64 (little-endian float32)', async () => {
    // Act
    const result = await harness
      .client(key)
      .embeddings.create({ model: 'embed-fake', input: 'one text', encoding_format: 'base64' });

    // Assess
    const encoded = result.data[0]?.embedding as unknown as string;
    const bytes = Buffer.from(encoded, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toEqual(fakeVector('one text', 8));
  });

  test('an upstream failure falls back to the next embeddings model', async () => {
    // Prepare
    harness.openaiUpstream.setBehavior({ kind: 'error', status: 503, message: 'overloaded' });

    // Act
    const { data: result, response } = await harness
      .client(key)
      .embeddings.create({ model: 'embed-fake', input: 'x', encoding_format: 'float' })
      .withResponse();

    // Assess
    expect(result.model).toBe('mock-embed');
    expect(response.headers.get('x-router-fallback')).toBe('true');
  });
});

describe('Bedrock', () => {
  test('Titan embeds each input with its own InvokeModel call and reports its token counts', async () => {
    // Prepare
    harness.bedrockUpstream.requests.length = 0;

    // Act
    const result = await harness.client(key).embeddings.create({
      model: 'titan-embed',
      input: ['hello world', 'good night moon'],
      dimensions: 256,
      encoding_format: 'float',
    });

    // Assess
    expect(result.data.map((item) => item.embedding)).toEqual([
      fakeBedrockVector('hello world', 256),
      fakeBedrockVector('good night moon', 256),
    ]);
    expect(result.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    const calls = harness.bedrockUpstream.requests;
    expect(calls.map((call) => call.path)).toEqual([
      '/model/amazon.titan-embed-text-v2%3A0/invoke',
      '/model/amazon.titan-embed-text-v2%3A0/invoke',
    ]);
    expect(calls.map((call) => call.body)).toEqual(
      expect.arrayContaining([
        { inputText: 'hello world', dimensions: 256 },
        { inputText: 'good night moon', dimensions: 256 },
      ]),
    );
  });

  test("Bedrock's refusal of a value (Titan takes 256, 512 or 1024 dimensions) is the client's 400", async () => {
    // Act
    const error = await refusal(harness.client(key).embeddings.create({ model: 'titan-embed', input: 'x', dimensions: 100 }));

    // Assess
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/bedrock refused the request for model 'titan-embed' as invalid/);
  });

  test('Cohere gets the inputs in batches of 96, as search documents, and its usage is estimated', async () => {
    // Prepare
    harness.bedrockUpstream.requests.length = 0;
    const inputs = Array.from({ length: 100 }, (_, index) => `document number ${index}`);

    // Act
    const { data: result, response } = await harness
      .client(key)
      .embeddings.create({ model: 'cohere-embed', input: inputs, dimensions: 256 })
      .withResponse();

    // Assess
    expect(result.data).toHaveLength(100);
    expect(result.data[99]?.embedding).toEqual(fakeBedrockVector('document number 99', 256));
    const bodies = harness.bedrockUpstream.requests.map((call) => call.body as { texts: string[] });
    expect(bodies.map((body) => body.texts.length)).toEqual([96, 4]);
    expect(bodies[0]).toMatchObject({ input_type: 'search_document', embedding_types: ['float'], output_dimension: 256 });
    expect(response.headers.get('x-token-usage')).toMatch(/; estimated$/);
  });

  test("Cohere's input_type can be chosen", async () => {
    // Prepare
    harness.bedrockUpstream.requests.length = 0;

    // Act
    await harness
      .client(key)
      // @ts-expect-error input_type is Cohere's, not in OpenAI's types; the router takes it
      .embeddings.create({ model: 'cohere-embed', input: 'what is a vector?', input_type: 'search_query' });

    // Assess
    expect(harness.bedrockUpstream.requests[0]?.body).toMatchObject({ input_type: 'search_query' });
  });
});

describe('the mock', () => {
  test('gives the same unit-length vector for the same text, and similar ones for texts sharing words', async () => {
    // Act
    const result = await harness.client(key).embeddings.create({
      model: 'mock-embed',
      input: ['the cat sat on the mat', 'the cat sat on the mat', 'quarterly revenue grew'],
      encoding_format: 'float',
    });

    // Assess
    const [first, again, other] = result.data.map((item) => item.embedding);
    const dot = (a: number[] = [], b: number[] = []) => a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
    expect(first).toHaveLength(1536);
    expect(again).toEqual(first);
    expect(dot(first, first)).toBeCloseTo(1, 5);
    expect(dot(first, other)).toBeLessThan(0.5);
  });
});

describe('routing', () => {
  test('a chat model named for embeddings is a 400 saying it has no embeddings capability; no upstream is called', async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act
    const error = await refusal(harness.client(key).embeddings.create({ model: 'gpt-fake', input: 'x' }));

    // Assess
    expect(error.status).toBe(400);
    expect(error.code).toBe('model_not_supported');
    expect(error.message).toBe(
      "Model 'gpt-fake' does not create embeddings (it does not declare the 'embeddings' capability); it serves /v1/chat/completions.",
    );
    expect(harness.openaiUpstream.requests).toHaveLength(0);
  });

  test('an embeddings model named for chat is a 400 pointing to /v1/embeddings', async () => {
    // Act
    const error = await refusal(
      harness.client(key).chat.completions.create({ model: 'embed-fake', messages: [{ role: 'user', content: 'hi' }] }),
    );

    // Assess
    expect(error.status).toBe(400);
    expect(error.message).toBe("Model 'embed-fake' is an embeddings model; use /v1/embeddings.");
  });

  test('an alias serves embeddings by embeddings models only, and chat by chat models only', async () => {
    // Act: `cheapest` covers every model; the mock embeddings model is the cheapest of all.
    const embedded = await harness.client(key).embeddings.create({ model: 'cheapest', input: 'x', encoding_format: 'float' });
    const chatted = await harness
      .client(key)
      .chat.completions.create({ model: 'cheapest', messages: [{ role: 'user', content: 'hi' }] });

    // Assess
    expect(embedded.model).toBe('mock-embed');
    expect(chatted.model).toBe('mock-small');
  });

  test('an alias without embeddings models is a 400 naming what is needed', async () => {
    // Act: `auto` covers the two mock chat models.
    const error = await refusal(harness.client(key).embeddings.create({ model: 'auto', input: 'hello' }));

    // Assess
    expect(error.status).toBe(400);
    expect(error.code).toBe('no_capable_model');
    expect(error.message).toMatch(/^No configured model can serve this request \(\d+ prompt tokens, embeddings\)\.$/);
  });

  test('token arrays and empty inputs are refused with the field to fix', async () => {
    // Act
    const tokens = await refusal(harness.client(key).embeddings.create({ model: 'embed-fake', input: [[1, 2, 3]] }));
    const empty = await refusal(harness.client(key).embeddings.create({ model: 'embed-fake', input: ['ok', ''] }));

    // Assess
    expect(tokens.status).toBe(400);
    expect(tokens.message).toMatch(/input: input must be a string or an array of strings \(token arrays are not accepted/);
    expect(empty.message).toMatch(/input\[1\]: an input must not be an empty string/);
  });
});

describe('guardrails', () => {
  test('inputs are redacted like prompts before the upstream sees them', async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act
    const { response } = await harness
      .client(key)
      .embeddings.create({ model: 'embed-fake', input: ['mail jane.doe@example.com today', 'nothing here'] })
      .withResponse();

    // Assess
    expect(harness.openaiUpstream.requests[0]?.body).toMatchObject({ input: ['mail [EMAIL_1] today', 'nothing here'] });
    expect(response.headers.get('x-router-guardrails')).toBe('redact:pii.email');
  });

  test('a deny-listed input is refused before the upstream sees it', async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act
    const error = await refusal(
      harness.client(key).embeddings.create({ model: 'embed-fake', input: ['fine', 'about Project Nightingale'] }),
    );

    // Assess
    expect(error.status).toBe(400);
    expect(error.code).toBe('content_policy');
    expect(harness.openaiUpstream.requests).toHaveLength(0);
  });

  test("the policy's size limits apply per input, and their errors name the inputs as the client sent them", async () => {
    // Prepare
    const small = (await harness.createKey({ tenant: 'small' })).key;

    // Act
    const many = await refusal(harness.client(small).embeddings.create({ model: 'embed-fake', input: ['a', 'b', 'c'] }));
    const long = await refusal(
      harness.client(small).embeddings.create({ model: 'embed-fake', input: ['short', 'x'.repeat(40)] }),
    );

    // Assess
    expect(many).toMatchObject({ status: 400, code: 'too_many_messages', param: 'input' });
    expect(many.message).toBe('Too many inputs: 3; the limit is 2.');
    expect(long).toMatchObject({ status: 400, code: 'message_too_long', param: 'input[1]' });
    expect(long.message).toBe('input[1] has 40 characters; the limit is 30.');
  });
});

describe('limits, usage events and billing', () => {
  test('only the input is reserved: an embeddings request fits a monthly token quota a chat request could not', async () => {
    // Prepare
    const { id, key: limited } = await harness.createKey({ tenant: 'acme', limits: { monthlyTokens: 100 } });
    const text = 'a short text to embed';

    // Act
    const chat = await refusal(
      harness.client(limited).chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: text }] }),
    );
    const result = await harness.client(limited).embeddings.create({ model: 'embed-fake', input: text });

    // Assess: the window holds exactly what the upstream counted once the request is done.
    expect(chat.status).toBe(400);
    expect(chat.code).toBe('request_exceeds_limit');
    await vi.waitFor(async () => {
      expect(await harness.router.runtime.limits.read(`key#${id}`, monthWindow(new Date()))).toMatchObject({
        tokens: result.usage.prompt_tokens,
        spendMicros: result.usage.prompt_tokens * 20,
      });
    });
  });

  test('one usage event and one Lago event, priced as input tokens at the input price', async () => {
    // Act
    const { response } = await harness
      .client(key)
      .embeddings.create({ model: 'embed-fake', input: ['alpha beta', 'gamma'] })
      .withResponse();
    await harness.router.idle();

    // Assess
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(harness.usageEvent(requestId)).toMatchObject({
      endpoint: '/v1/embeddings',
      requestedModel: 'embed-fake',
      servedModel: 'embed-fake',
      provider: 'openai',
      usage: { promptTokens: 3, completionTokens: 0, cachedTokens: 0, estimated: false },
      costMicros: 60,
      // Savings are measured against the dearest embeddings model (Cohere, $120/MTok here), not a chat model.
      premiumCostMicros: 360,
      status: 200,
      stream: false,
    });
    expect(harness.lago?.events.get(requestId)?.properties).toMatchObject({
      model: 'embed-fake',
      input_tokens: 3,
      output_tokens: 0,
      cost_usd: '0.000060',
    });
  });
});
