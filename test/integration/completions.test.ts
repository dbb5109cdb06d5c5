import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { monthWindow } from '#shared/limits/windows.ts';
import { type Harness, refusal, startHarness } from './harness.ts';

// `POST /v1/completions` (legacy) as a client sees it, through the official `openai` SDK: forwarded
// to an OpenAI-compatible upstream's own /completions, JSON and SSE, guarded and billed like chat;
// refused with a 400 naming /v1/chat/completions for models whose upstream has no such endpoint.

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness({
    lago: true,
    configure: (config) => {
      config.defaults = { limits: { rpm: 10_000, tpm: 100_000_000 } };
      config.tenants = { acme: { lagoSubscriptionId: 'sub_acme' } };
      config.guardrails = { policies: { default: { input: { pii: { email: 'redact' } } } } };
      config.models.push({
        id: 'instruct-fake',
        provider: 'openai',
        upstreamModel: 'gpt-3.5-turbo-instruct',
        baseUrl: config.models.find((model) => model.id === 'gpt-fake')?.baseUrl,
        apiKey: 'env:FAKE_OPENAI_KEY',
        tier: 'simple',
        pricing: { inputPerMTok: 1_000, outputPerMTok: 2_000 },
        fallbacks: ['gpt-fake'],
      });
    },
  });
  key = (await harness.createKey({ tenant: 'acme' })).key;
});
afterAll(async () => harness.close());
afterEach(() => harness.openaiUpstream.setBehavior({ kind: 'echo' }));

describe('OpenAI-compatible upstreams', () => {
  test("completions.create gets a text_completion from the upstream's own /completions", async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act
    const { data: completion, response } = await harness
      .client(key)
      .completions.create({ model: 'instruct-fake', prompt: 'Say hi', max_tokens: 20 })
      .withResponse();

    // Assess
    expect(completion).toMatchObject({
      object: 'text_completion',
      model: 'instruct-fake',
      choices: [{ text: 'echo: Say hi', index: 0, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
    expect(response.headers.get('x-router-model')).toBe('instruct-fake');
    expect(response.headers.get('x-token-usage')).toBe('prompt=2; completion=3; cached=0; total=5');
    const forwarded = harness.openaiUpstream.requests[0];
    expect(forwarded?.path).toBe('/v1/completions');
    expect(forwarded?.body).toEqual({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi', max_tokens: 20 });
  });

  test('the legacy fields pass through: several prompts, n, echo, logprobs, suffix, unknown fields', async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act
    const completion = await harness.client(key).completions.create({
      model: 'instruct-fake',
      prompt: ['one', 'two'],
      n: 2,
      echo: true,
      logprobs: 1,
      suffix: ' end',
      stop: ['\n'],
      // @ts-expect-error a vendor field the SDK does not know; it must pass through
      top_k: 5,
      // Withheld: a dearer tier than the configured prices bill, and storage in the operator's account.
      service_tier: 'priority',
      store: true,
    });

    // Assess
    expect(completion.choices.map((choice) => [choice.index, choice.text])).toEqual([
      [0, 'oneecho: one'],
      [1, 'oneecho: one'],
      [2, 'twoecho: two'],
      [3, 'twoecho: two'],
    ]);
    expect(completion.choices[0]?.logprobs).toMatchObject({ tokens: ['oneecho: ', 'one'], token_logprobs: [-0.5, -0.5] });
    expect(harness.openaiUpstream.requests[0]?.body).toEqual({
      model: 'gpt-3.5-turbo-instruct',
      prompt: ['one', 'two'],
      n: 2,
      echo: true,
      logprobs: 1,
      suffix: ' end',
      stop: ['\n'],
      top_k: 5,
    });
  });

  test('a stream arrives piece by piece in text_completion chunks, with the usage chunk when asked for', async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act
    const stream = await harness.client(key).completions.create({
      model: 'instruct-fake',
      prompt: 'Say hello there',
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: unknown;
    for await (const chunk of stream) {
      chunks += 1;
      expect(chunk.object).toBe('text_completion');
      text += chunk.choices[0]?.text ?? '';
      if (chunk.usage) usage = chunk.usage;
    }

    // Assess
    expect(text).toBe('echo: Say hello there');
    expect(chunks).toBeGreaterThan(3);
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(harness.openaiUpstream.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  test('a stream without include_usage carries no usage chunk, though the upstream is asked for it', async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act
    const stream = await harness.client(key).completions.create({ model: 'instruct-fake', prompt: 'x', stream: true });
    const usages: unknown[] = [];
    for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage);

    // Assess
    expect(usages).toEqual([]);
    expect(harness.openaiUpstream.requests[0]?.body).toMatchObject({ stream_options: { include_usage: true } });
  });

  test('an upstream failure falls back to the next OpenAI-compatible model', async () => {
    // Prepare: the first model's try and its retry fail.
    harness.openaiUpstream.enqueue(
      { kind: 'error', status: 503, message: 'overloaded' },
      { kind: 'error', status: 503, message: 'overloaded' },
    );

    // Act
    const { data: completion, response } = await harness
      .client(key)
      .completions.create({ model: 'instruct-fake', prompt: 'x' })
      .withResponse();

    // Assess
    expect(completion.model).toBe('gpt-fake');
    expect(response.headers.get('x-router-fallback')).toBe('true');
    expect(harness.openaiUpstream.requests.at(-1)).toMatchObject({ path: '/v1/completions', body: { model: 'gpt-4o-mini' } });
  });
});

describe('models without legacy completions', () => {
  test.each(['claude-fake', 'bedrock-fake', 'mock-small'])('%s is a 400 naming /v1/chat/completions', async (model) => {
    // Act
    const error = await refusal(harness.client(key).completions.create({ model, prompt: 'x' }));

    // Assess
    expect(error.status).toBe(400);
    expect(error.code).toBe('model_not_supported');
    expect(error.message).toMatch(/has no legacy completions endpoint; use \/v1\/chat\/completions\.$/);
  });

  test('an alias serves legacy completions by OpenAI-compatible models only', async () => {
    // Act: `cheapest` covers every model; the mock models are cheaper but have no /completions.
    const completion = await harness.client(key).completions.create({ model: 'cheapest', prompt: 'x' });
    const refused = await refusal(harness.client(key).completions.create({ model: 'auto', prompt: 'x' }));

    // Assess
    expect(completion.model).toBe('gpt-fake');
    expect(refused).toMatchObject({ status: 400, code: 'no_capable_model' });
    expect(refused.message).toMatch(/\(\d+ prompt tokens, an OpenAI-compatible upstream \(legacy completions\)\)\.$/);
  });

  test('token arrays are refused with the field to fix', async () => {
    // Act
    const error = await refusal(harness.client(key).completions.create({ model: 'instruct-fake', prompt: [1, 2, 3] }));

    // Assess
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/prompt: prompt must be a string or an array of strings \(token arrays are not accepted/);
  });
});

describe('guardrails, limits and billing', () => {
  test('prompts are redacted before the upstream sees them and restored in the answer', async () => {
    // Prepare
    harness.openaiUpstream.requests.length = 0;

    // Act
    const { data: completion, response } = await harness
      .client(key)
      .completions.create({ model: 'instruct-fake', prompt: 'Write to jane.doe@example.com' })
      .withResponse();

    // Assess
    expect(harness.openaiUpstream.requests[0]?.body).toMatchObject({ prompt: 'Write to [EMAIL_1]' });
    expect(completion.choices[0]?.text).toBe('echo: Write to jane.doe@example.com');
    expect(response.headers.get('x-router-guardrails')).toBe('redact:pii.email');
  });

  test('every answer of a batch is reserved: n answers per prompt count against a monthly quota', async () => {
    // Prepare
    const { id, key: limited } = await harness.createKey({ tenant: 'acme', limits: { monthlyTokens: 250 } });

    // Act: 1 prompt x 2 answers x 100 tokens fits; 2 prompts x 2 answers x 100 tokens does not.
    const fits = await harness.client(limited).completions.create({ model: 'instruct-fake', prompt: 'a', n: 2, max_tokens: 100 });
    const refused = await refusal(
      harness.client(limited).completions.create({ model: 'instruct-fake', prompt: ['a', 'b'], n: 2, max_tokens: 100 }),
    );

    // Assess: the reservation was reconciled to what the upstream counted.
    expect(refused).toMatchObject({ status: 400, code: 'request_exceeds_limit' });
    await vi.waitFor(async () => {
      expect(await harness.router.runtime.limits.read(`key#${id}`, monthWindow(new Date()))).toMatchObject({
        tokens: fits.usage?.total_tokens,
      });
    });
  });

  test('the suffix is prompt: it is reserved against a monthly quota like the prompt is', async () => {
    // Prepare: a suffix of some 10,000 tokens, and a key whose whole month is 5,000.
    harness.openaiUpstream.requests.length = 0;
    const { key: limited } = await harness.createKey({ tenant: 'acme', limits: { monthlyTokens: 5_000 } });

    // Act
    const error = await refusal(
      harness.client(limited).completions.create({
        model: 'instruct-fake',
        prompt: 'def f(',
        suffix: 'routers and models '.repeat(2_000),
        max_tokens: 10,
      }),
    );

    // Assess
    expect(error).toMatchObject({ status: 400, code: 'request_exceeds_limit' });
    expect(harness.openaiUpstream.requests).toHaveLength(0);
  });

  test("max_completion_tokens (chat's field, which /completions ignores) is refused: it cannot shrink the reservation or the billed output", async () => {
    // Prepare: an upstream that generates up to max_tokens and never reads max_completion_tokens.
    harness.openaiUpstream.requests.length = 0;
    harness.openaiUpstream.setBehavior({ kind: 'reply', text: 'long', usage: { prompt_tokens: 2, completion_tokens: 400 } });

    // Act
    const response = await harness.fetch('/v1/completions', {
      key,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'instruct-fake', prompt: 'x', max_tokens: 500, max_completion_tokens: 1 }),
    });

    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('max_completion_tokens');
    expect(harness.openaiUpstream.requests).toHaveLength(0);
  });

  test('one usage event and one Lago event with the real usage and cost', async () => {
    // Act
    const { data: completion, response } = await harness
      .client(key)
      .completions.create({ model: 'instruct-fake', prompt: 'bill me' })
      .withResponse();
    await harness.router.idle();

    // Assess: 2 prompt tokens at $1,000/MTok and 3 completion tokens at $2,000/MTok.
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(completion.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3 });
    expect(harness.usageEvent(requestId)).toMatchObject({
      endpoint: '/v1/completions',
      servedModel: 'instruct-fake',
      usage: { promptTokens: 2, completionTokens: 3, estimated: false },
      costMicros: 8_000,
      status: 200,
    });
    expect(harness.lago?.events.get(requestId)?.properties).toMatchObject({
      input_tokens: 2,
      output_tokens: 3,
      cost_usd: '0.008000',
    });
  });
});
