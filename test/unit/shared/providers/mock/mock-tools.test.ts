import { describe, expect, test } from 'vitest';
import * as z from 'zod';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { modelSchema } from '#shared/config/schema.ts';
import { createMockProvider } from '#shared/providers/mock.ts';
import type { ModelTarget, ProviderCallOptions } from '#shared/providers/types.ts';

// When the mock model calls tools, with which arguments, and what it says once results are back.

const target: ModelTarget = { config: modelSchema.parse({ id: 'm', provider: 'mock' }) };
const options = (): ProviderCallOptions => ({ signal: new AbortController().signal, requestId: 'req-1' });
const provider = createMockProvider();

const WEATHER_PARAMETERS = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city', 'unit', 'days'],
  additionalProperties: false,
};
const WEATHER = { type: 'function', function: { name: 'get_weather', parameters: WEATHER_PARAMETERS } };
const TIME = { type: 'function', function: { name: 'getLocalTime', parameters: { type: 'object', properties: {} } } };
const SEARCH = { type: 'function', function: { name: 'search_web' } };

const request = (prompt: string, fields: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({
    model: 'm',
    messages: [{ role: 'user', content: prompt }],
    tools: [WEATHER, TIME, SEARCH],
    ...fields,
  });

const calledTools = async (chat: ChatRequest): Promise<string[]> =>
  ((await provider.complete(chat, target, options())).completion.choices[0]?.message.tool_calls ?? []).map(
    (call) => call.function.name,
  );

describe('the mock model with tools', () => {
  test.each([
    { prompt: "What's the weather in Paris?", called: ['get_weather'] },
    { prompt: 'Please call get_weather for Rome', called: ['get_weather'] },
    { prompt: 'get weather for Oslo', called: ['get_weather'] },
    { prompt: 'What is the local time in Tokyo?', called: ['getLocalTime'] },
    { prompt: 'Weather and local time in Lima, please', called: ['get_weather', 'getLocalTime'] },
    { prompt: 'Use a tool to answer this', called: ['get_weather'] },
    { prompt: 'Tell me a joke', called: [] },
    { prompt: 'Is the weatherman right?', called: [] },
  ])('auto: "$prompt" calls $called', async ({ prompt, called }) => {
    // Act
    const tools = await calledTools(request(prompt));

    // Assess
    expect(tools).toEqual(called);
  });

  test.each([
    { name: "'none' never calls", fields: { tool_choice: 'none' }, prompt: 'weather in Paris', called: [] },
    {
      name: "'required' calls the first tool when none is named",
      fields: { tool_choice: 'required' },
      prompt: 'hi',
      called: ['get_weather'],
    },
    {
      name: "'required' calls the named ones",
      fields: { tool_choice: 'required' },
      prompt: 'search web',
      called: ['search_web'],
    },
    {
      name: 'a named function is called whatever the prompt says',
      fields: { tool_choice: { type: 'function', function: { name: 'search_web' } } },
      prompt: 'weather in Paris',
      called: ['search_web'],
    },
    {
      name: 'parallel_tool_calls false keeps one call',
      fields: { parallel_tool_calls: false },
      prompt: 'Weather and local time in Lima',
      called: ['get_weather'],
    },
  ])('tool_choice: $name', async ({ fields, prompt, called }) => {
    // Act
    const tools = await calledTools(request(prompt, fields));

    // Assess
    expect(tools).toEqual(called);
  });

  test('arguments are valid for the tool schema; a tool without parameters gets {}', async () => {
    // Act
    const result = await provider.complete(request('Weather, local time and a web search for Lima'), target, options());

    // Assess
    const calls = result.completion.choices[0]?.message.tool_calls ?? [];
    expect(result.completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(calls.map((call) => [call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      ['get_weather', { city: 'Weather, local time and a web search for Lima', unit: 'celsius', days: 1 }],
      ['getLocalTime', {}],
      ['search_web', {}],
    ]);
    expect(
      z
        .fromJSONSchema(WEATHER_PARAMETERS as Parameters<typeof z.fromJSONSchema>[0])
        .safeParse(JSON.parse(calls[0]?.function.arguments ?? '')).success,
    ).toBe(true);
    expect(new Set(calls.map((call) => call.id)).size).toBe(3);
  });

  test('once the tool results are back, auto answers in text with them', async () => {
    // Prepare
    const first = await provider.complete(request("What's the weather in Paris?"), target, options());
    const call = first.completion.choices[0]?.message.tool_calls?.[0];
    const followUp = request("What's the weather in Paris?", {
      messages: [
        { role: 'user', content: "What's the weather in Paris?" },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call?.id, content: '{"temperature": 21, "sky": "clear"}' },
      ],
    });

    // Act
    const second = await provider.complete(followUp, target, options());

    // Assess
    expect(second.completion.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { content: 'This is a mock reply from m. get_weather returned: {"temperature": 21, "sky": "clear"}' },
    });
    expect(second.completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  test('call ids differ between turns of a conversation', async () => {
    // Prepare
    const turn = (messages: unknown[]) => request('', { messages, tool_choice: 'required' });
    const one = turn([{ role: 'user', content: 'weather?' }]);
    const two = turn([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: 'Which city?' },
      { role: 'user', content: 'weather?' },
    ]);

    // Act
    const a = await provider.complete(one, target, options());
    const b = await provider.complete(two, target, options());

    // Assess
    expect(a.completion.choices[0]?.message.tool_calls?.[0]?.id).not.toBe(b.completion.choices[0]?.message.tool_calls?.[0]?.id);
  });
});
