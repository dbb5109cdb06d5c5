import { createOpenAI } from '@ai-sdk/openai';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, generateText, type ModelMessage, stepCountIs, streamText, tool } from 'ai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import * as z from 'zod';
import { type Harness, startHarness } from './harness.ts';

// The OpenAI Responses API (`POST /v1/responses`) as its real clients use it: the openai SDK, the
// Vercel AI SDK's default OpenAI provider and LangChain's ChatOpenAI with useResponsesApi, each
// pointed at the router by its base URL and a router key only.

// The AI SDK logs its warnings to the console; the tests assert on results instead.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

let harness: Harness;
let key: string;

beforeAll(async () => {
  harness = await startHarness({
    configure: (config) => {
      // `auto` resolves to the fake OpenAI upstream (the cheapest of the two), which tests can script
      // to call tools or answer with JSON.
      for (const model of config.models) if (model.id === 'gpt-fake') model.capabilities = ['tools', 'json', 'vision'];
      config.aliases = { auto: { strategy: 'cheapest', models: ['gpt-fake', 'mock-large'] } };
    },
  });
  key = (await harness.createKey()).key;
});
afterAll(async () => harness.close());
afterEach(() => harness.openaiUpstream.setBehavior({ kind: 'echo' }));

/** The chat request the fake OpenAI upstream received last. */
const lastUpstreamBody = () => harness.openaiUpstream.requests.at(-1)?.body as Record<string, unknown>;

const weatherParameters = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};

describe.each([
  { model: 'mock-small', expected: 'This is a mock reply from mock-small. You said: "Say hi"' },
  { model: 'gpt-fake', expected: 'echo: Say hi' },
  { model: 'claude-fake', expected: 'echo: Say hi' },
  { model: 'bedrock-fake', expected: 'You said: Say hi' },
])('the openai SDK responses API through $model', ({ model, expected }) => {
  test('responses.create answers with an output message and usage', async () => {
    // Act
    const response = await harness.client(key).responses.create({ model, input: 'Say hi' });

    // Assess
    expect(response).toMatchObject({ object: 'response', status: 'completed', model, error: null, store: false });
    expect(response.id).toMatch(/^resp_\w+$/);
    expect(response.output_text).toBe(expected);
    expect(response.output).toEqual([
      {
        id: expect.stringMatching(/^msg_/),
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: expected, annotations: [], logprobs: [] }],
      },
    ]);
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.usage?.total_tokens).toBe((response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0));
  });

  test('a stream goes created, in_progress, the message item with text deltas, then completed with usage', async () => {
    // Act
    const stream = await harness.client(key).responses.create({ model, input: 'Say hi', stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);

    // Assess
    const types = [...new Set(events.map((event) => event.type))];
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const deltas = events.filter((event) => event.type === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => event.delta).join('')).toBe(expected);
    const completed = events.at(-1);
    if (completed?.type !== 'response.completed') throw new Error('the stream did not end with response.completed');
    expect(completed.response).toMatchObject({ status: 'completed', model });
    expect(completed.response.output[0]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: expected }] });
    expect(completed.response.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
  });
});

describe('the openai SDK', () => {
  test("responses.stream's accumulated final response matches the streamed text", async () => {
    // Act
    const stream = harness.client(key).responses.stream({ model: 'gpt-fake', input: 'Say hi' });
    const final = await stream.finalResponse();

    // Assess
    expect(final.output_text).toBe('echo: Say hi');
    expect(final.status).toBe('completed');
  });

  test('instructions and message inputs reach the model as system and chat messages', async () => {
    // Act
    const response = await harness.client(key).responses.create({
      model: 'gpt-fake',
      instructions: 'Answer in one word.',
      input: [
        { role: 'developer', content: 'Be polite.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Name a colour' }] },
        {
          type: 'message',
          id: 'msg_1',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Blue.', annotations: [] }],
        },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'And this one?' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
          ],
        },
      ],
      max_output_tokens: 50,
      temperature: 0.2,
    });

    // Assess
    expect(response.instructions).toBe('Answer in one word.');
    expect(lastUpstreamBody()).toMatchObject({
      model: 'gpt-4o-mini',
      max_completion_tokens: 50,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Answer in one word.' },
        { role: 'developer', content: 'Be polite.' },
        { role: 'user', content: 'Name a colour' },
        { role: 'assistant', content: 'Blue.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And this one?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
          ],
        },
      ],
    });
  });

  test('a function call comes back as a function_call item, and its output goes back as a tool message', async () => {
    // Prepare
    const tools = [{ type: 'function' as const, name: 'get_weather', parameters: weatherParameters, strict: true }];
    harness.openaiUpstream.enqueue(
      { kind: 'tool-calls', calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { kind: 'reply', text: 'Sunny in Paris.' },
    );
    const client = harness.client(key);

    // Act
    const first = await client.responses.create({ model: 'gpt-fake', input: 'Weather in Paris?', tools });
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('no function call in the output');
    const second = await client.responses.create({
      model: 'gpt-fake',
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        call,
        { type: 'function_call_output', call_id: call.call_id, output: '{"sky":"sunny"}' },
      ],
    });

    // Assess
    expect(first.output).toEqual([
      {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        status: 'completed',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        call_id: call.call_id,
      },
    ]);
    expect(first.tools).toEqual(tools);
    expect(second.output_text).toBe('Sunny in Paris.');
    expect(lastUpstreamBody().messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: call.call_id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: call.call_id, content: '{"sky":"sunny"}' },
    ]);
    expect(lastUpstreamBody().tools).toEqual([
      { type: 'function', function: { name: 'get_weather', parameters: weatherParameters, strict: true } },
    ]);
  });

  test('a streamed function call: the item, its argument deltas, and the whole call in response.completed', async () => {
    // Prepare
    harness.openaiUpstream.enqueue({
      kind: 'tool-calls',
      text: 'Let me look.',
      calls: [
        { name: 'get_weather', arguments: '{"city":"Paris"}' },
        { name: 'get_weather', arguments: '{"city":"Rome"}' },
      ],
    });

    // Act
    const stream = await harness.client(key).responses.create({
      model: 'gpt-fake',
      input: 'Weather in Paris and Rome?',
      tools: [{ type: 'function', name: 'get_weather', parameters: weatherParameters, strict: true }],
      stream: true,
    });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);

    // Assess
    const items = events.filter((event) => event.type === 'response.output_item.added').map((event) => event.item.type);
    expect(items).toEqual(['message', 'function_call', 'function_call']);
    const argumentDeltas = events.filter((event) => event.type === 'response.function_call_arguments.delta');
    expect(
      argumentDeltas
        .filter((event) => event.output_index === 1)
        .map((event) => event.delta)
        .join(''),
    ).toBe('{"city":"Paris"}');
    const completed = events.at(-1);
    if (completed?.type !== 'response.completed') throw new Error('the stream did not end with response.completed');
    expect(completed.response.output).toMatchObject([
      { type: 'message', content: [{ text: 'Let me look.' }] },
      { type: 'function_call', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
      { type: 'function_call', name: 'get_weather', arguments: '{"city":"Rome"}', status: 'completed' },
    ]);
  });

  test('text.format with a JSON schema is the upstream response format, echoed in the response', async () => {
    // Prepare
    harness.openaiUpstream.enqueue({ kind: 'reply', text: '{"name":"Ada"}' });
    const format = {
      type: 'json_schema' as const,
      name: 'person',
      schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
      strict: true,
    };

    // Act
    const response = await harness.client(key).responses.create({ model: 'gpt-fake', input: 'Who?', text: { format } });

    // Assess
    expect(JSON.parse(response.output_text)).toEqual({ name: 'Ada' });
    expect(response.text?.format).toEqual(format);
    expect(lastUpstreamBody().response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'person', schema: format.schema, strict: true },
    });
  });

  test('an answer cut by max_output_tokens is incomplete, with the reason', async () => {
    // Act
    const response = await harness.client(key).responses.create({ model: 'mock-small', input: 'Say hi', max_output_tokens: 3 });

    // Assess
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.max_output_tokens).toBe(3);
    expect(response.usage?.output_tokens).toBeLessThanOrEqual(3);
  });

  test('previous_response_id is refused with a 400 that says to send the conversation as input', async () => {
    // Act
    const refused = harness
      .client(key)
      .responses.create({ model: 'gpt-fake', input: 'And then?', previous_response_id: 'resp_1' });

    // Assess
    await expect(refused).rejects.toMatchObject({
      status: 400,
      param: 'previous_response_id',
      message: expect.stringMatching(/stateless.*send the whole conversation as input/),
    });
  });
});

describe('the AI SDK (default OpenAI provider, Responses API)', () => {
  const provider = () => createOpenAI({ baseURL: `${harness.router.url}/v1`, apiKey: key });

  test('generateText', async () => {
    // Act
    const result = await generateText({ model: provider()('auto'), system: 'Be brief.', prompt: 'Say hi', maxRetries: 0 });

    // Assess
    expect(result.text).toBe('echo: Say hi');
    expect(result.finishReason).toBe('stop');
    expect(result.response.modelId).toBe('gpt-fake');
    expect(result.usage.inputTokens).toBe(11);
    expect(result.usage.outputTokens).toBe(3);
    expect(lastUpstreamBody().messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hi' },
    ]);
  });

  test('streamText', async () => {
    // Act
    const result = streamText({ model: provider()('auto'), prompt: 'Say hi', maxRetries: 0 });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);

    // Assess
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('echo: Say hi');
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toMatchObject({ inputTokens: 11, outputTokens: 3 });
  });

  test('generateObject', async () => {
    // Prepare
    harness.openaiUpstream.enqueue({ kind: 'reply', text: '{"name":"Ada","born":1815}' });

    // Act
    const { object } = await generateObject({
      model: provider()('auto'),
      schema: z.object({ name: z.string(), born: z.number() }),
      prompt: 'Who wrote the first program?',
      maxRetries: 0,
    });

    // Assess
    expect(object).toEqual({ name: 'Ada', born: 1815 });
    expect(lastUpstreamBody().response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'response' } });
  });

  test('a tool call, the tool run by the SDK, and the answer to its result', async () => {
    // Prepare
    harness.openaiUpstream.enqueue(
      { kind: 'tool-calls', calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { kind: 'reply', text: 'Sunny in Paris.' },
    );

    // Act
    const result = await generateText({
      model: provider()('auto'),
      prompt: 'Weather in Paris?',
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => ({ city, sky: 'sunny' }),
        }),
      },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });

    // Assess
    expect(result.steps[0]?.toolCalls).toMatchObject([{ toolName: 'get_weather', input: { city: 'Paris' } }]);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.text).toBe('Sunny in Paris.');
    expect(lastUpstreamBody().messages).toMatchObject([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', tool_calls: [{ function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', content: '{"city":"Paris","sky":"sunny"}' },
    ]);
  });

  test('a streamed tool call', async () => {
    // Prepare
    harness.openaiUpstream.enqueue({ kind: 'tool-calls', calls: [{ name: 'get_weather', arguments: '{"city":"Rome"}' }] });

    // Act
    const result = streamText({
      model: provider()('auto'),
      prompt: 'Weather in Rome?',
      tools: { get_weather: tool({ inputSchema: z.object({ city: z.string() }) }) },
      maxRetries: 0,
    });

    // Assess
    expect(await result.toolCalls).toMatchObject([{ toolName: 'get_weather', input: { city: 'Rome' } }]);
    expect(await result.finishReason).toBe('tool-calls');
  });

  test('a conversation continued from response messages: with store false the earlier answer is sent whole', async () => {
    // Prepare
    const model = createOpenAI({ baseURL: `${harness.router.url}/v1`, apiKey: key })('auto');
    const messages: ModelMessage[] = [{ role: 'user', content: 'Say hi' }];
    const first = await generateText({ model, messages, maxRetries: 0 });
    messages.push(...first.response.messages, { role: 'user', content: 'Again' });

    // Act
    const stateless = await generateText({ model, messages, maxRetries: 0, providerOptions: { openai: { store: false } } });
    const referenced = generateText({ model, messages, maxRetries: 0 });

    // Assess
    expect(stateless.text).toBe('echo: Again');
    expect(lastUpstreamBody().messages).toEqual([
      { role: 'user', content: 'Say hi' },
      { role: 'assistant', content: 'echo: Say hi' },
      { role: 'user', content: 'Again' },
    ]);
    // By default the SDK refers to the stored answer by id, which a stateless router cannot resolve.
    await expect(referenced).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/item_reference is not supported.*store set to false/),
    });
  });
});

describe('LangChain ChatOpenAI with useResponsesApi', () => {
  const chatModel = () =>
    new ChatOpenAI({
      model: 'auto',
      apiKey: key,
      configuration: { baseURL: `${harness.router.url}/v1` },
      useResponsesApi: true,
      maxRetries: 0,
    });

  test('invoke', async () => {
    // Act
    const message = await chatModel().invoke('Say hi');

    // Assess
    expect(message.text).toBe('echo: Say hi');
    expect(message.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 3, total_tokens: 14 });
    expect(message.response_metadata).toMatchObject({ model: 'gpt-fake', status: 'completed' });
  });

  test('stream', async () => {
    // Act
    const chunks = [];
    for await (const chunk of await chatModel().stream('Say hi')) chunks.push(chunk);

    // Assess
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('echo: Say hi');
    expect(chunks.find((chunk) => chunk.usage_metadata)?.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 3 });
  });

  test('bound tools: the call, then the conversation with its result sent back', async () => {
    // Prepare
    harness.openaiUpstream.enqueue(
      { kind: 'tool-calls', calls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      { kind: 'reply', text: 'Snow in Oslo.' },
    );
    const model = chatModel().bindTools([
      { type: 'function', function: { name: 'get_weather', description: 'The weather', parameters: weatherParameters } },
    ]);
    const question = new HumanMessage('Weather in Oslo?');

    // Act
    const call = await model.invoke([question]);
    const toolCall = call.tool_calls?.[0];
    const answer = await model.invoke([question, call, new ToolMessage({ tool_call_id: toolCall?.id ?? '', content: 'snow' })]);

    // Assess
    expect(toolCall).toMatchObject({ name: 'get_weather', args: { city: 'Oslo' } });
    expect(answer.text).toBe('Snow in Oslo.');
    expect(lastUpstreamBody().messages).toMatchObject([
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', tool_calls: [{ id: toolCall?.id, function: { name: 'get_weather' } }] },
      { role: 'tool', tool_call_id: toolCall?.id, content: 'snow' },
    ]);
  });

  test('structured output with a JSON schema', async () => {
    // Prepare
    harness.openaiUpstream.enqueue({ kind: 'reply', text: '{"name":"Grace"}' });

    // Act
    const person = await chatModel()
      .withStructuredOutput(z.object({ name: z.string() }), { name: 'person', method: 'jsonSchema' })
      .invoke('Who wrote the first compiler?');

    // Assess
    expect(person).toEqual({ name: 'Grace' });
    expect(lastUpstreamBody().response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'person' } });
  });
});
