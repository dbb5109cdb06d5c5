import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

// The promise of the product: the official `openai` SDK works against the router by changing
// only `baseURL` and the key, for every provider, JSON and streaming alike.

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness();
  key = (await harness.createKey()).key;
});
afterAll(async () => harness.close());

const collect = async (stream: AsyncIterable<{ choices: Array<{ delta: { content?: string | null } }>; usage?: unknown }>) => {
  let text = '';
  let usage: unknown;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks += 1;
    for (const choice of chunk.choices) text += choice.delta.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  return { text, usage, chunks };
};

describe.each([
  { model: 'mock-small', expected: 'This is a mock reply from mock-small. You said: "Say hi"' },
  { model: 'gpt-fake', expected: 'echo: Say hi' },
  { model: 'claude-fake', expected: 'echo: Say hi' },
  { model: 'bedrock-fake', expected: 'You said: Say hi' },
])('the openai SDK through $model', ({ model, expected }) => {
  test('gets a completion with usage', async () => {
    // Act
    const completion = await harness
      .client(key)
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hi' }] });

    // Assess
    expect(completion.model).toBe(model);
    expect(completion.choices[0]?.message.content).toBe(expected);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  test('gets a stream token by token, with the usage chunk when asked for', async () => {
    // Act
    const stream = await harness.client(key).chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Say hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, usage, chunks } = await collect(stream);

    // Assess
    expect(text).toBe(expected);
    expect(chunks).toBeGreaterThan(3);
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
  });
});

test('a stream without include_usage carries no usage chunk', async () => {
  // Act
  const stream = await harness
    .client(key)
    .chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }], stream: true });
  const { usage } = await collect(stream);

  // Assess
  expect(usage).toBeUndefined();
});

test('the OpenAI upstream receives the upstream model name, unknown fields, and a usage request on streams', async () => {
  // Prepare
  harness.openaiUpstream.requests.length = 0;

  // Act
  const stream = await harness.client(key).chat.completions.create({
    model: 'gpt-fake',
    messages: [{ role: 'user', content: 'x' }],
    stream: true,
    metadata: { team: 'search' },
    // @ts-expect-error an extension field the SDK does not know; it must pass through
    vendor_extension: { keep: true },
  });
  await collect(stream);

  // Assess
  const forwarded = harness.openaiUpstream.requests[0]?.body;
  expect(forwarded).toMatchObject({
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    vendor_extension: { keep: true },
  });
  expect(forwarded).not.toHaveProperty('metadata');
});

test('lists the models and aliases a key may use, and retrieves one', async () => {
  // Prepare
  const restricted = await harness.createKey({ models: ['mock-small', 'auto'] });

  // Act
  const all = await harness.client(key).models.list();
  const some = await harness.client(restricted.key).models.list();
  const one = await harness.client(key).models.retrieve('claude-fake');

  // Assess
  expect(all.data.map((model) => model.id)).toEqual([
    'mock-small',
    'mock-large',
    'gpt-fake',
    'claude-fake',
    'bedrock-fake',
    'auto',
    'cheapest',
  ]);
  expect(some.data.map((model) => model.id)).toEqual(['mock-small', 'auto']);
  expect(one).toMatchObject({ id: 'claude-fake', object: 'model', owned_by: 'anthropic' });
  await expect(harness.client(restricted.key).models.retrieve('claude-fake')).rejects.toMatchObject({ status: 404 });
});

test('auto routes a simple prompt to the simple tier and a hard one to the complex tier', async () => {
  // Act
  const simple = await harness
    .client(key)
    .chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Say hi.' }] })
    .withResponse();
  const hard = await harness
    .client(key)
    .chat.completions.create({
      model: 'auto',
      messages: [
        {
          role: 'user',
          content:
            'Analyze and compare the trade-offs of these two designs step by step, prove the complexity bound, and explain why:\n```ts\nfunction a(x) { return x * 2; }\n```\n' +
            'Consider the integral of x^2 and the eigenvalues of the matrix. '.repeat(40),
        },
      ],
    })
    .withResponse();

  // Assess
  expect(simple.response.headers.get('x-router-model')).toBe('mock-small');
  expect(simple.response.headers.get('x-router-tier')).toBe('simple');
  expect(hard.response.headers.get('x-router-model')).toBe('mock-large');
  expect(hard.response.headers.get('x-router-reason')).toMatch(/complexity-v3 [\d.]+ -> complex/);
});

test('tool calls round-trip through the mock model', async () => {
  // Act
  const completion = await harness.client(key).chat.completions.create({
    model: 'mock-small',
    messages: [{ role: 'user', content: 'weather in Paris' }],
    tools: [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { query: { type: 'string' } } } },
      },
    ],
    tool_choice: 'required',
  });

  // Assess
  const call = completion.choices[0]?.message.tool_calls?.[0];
  expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
  expect(JSON.parse(call?.type === 'function' ? call.function.arguments : '{}')).toEqual({ query: 'weather in Paris' });
});

test('POST /route-inference answers the simple API through the same engine', async () => {
  // Act
  const response = await harness.fetch('/route-inference', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'Say hello in one short sentence.' }),
  });

  // Assess
  expect(response.status).toBe(200);
  expect(response.headers.get('x-router-reason')).toMatch(/^alias auto/);
  expect(await response.json()).toMatchObject({
    response: 'This is a mock reply from mock-small. You said: "Say hello in one short sentence."',
    model: 'mock-small',
    provider: 'mock',
  });
});
