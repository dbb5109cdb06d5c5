import { describe, expect, test } from 'vitest';
import * as z from 'zod';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import type { ChatCompletionChunk } from '#shared/api/chat-response.ts';
import { modelSchema } from '#shared/config/schema.ts';
import { createMockProvider } from '#shared/providers/mock.ts';
import type { ModelTarget, ProviderCallOptions, StreamEvent } from '#shared/providers/types.ts';
import { estimateTextTokens } from '#shared/tokens/estimate-tokens.ts';

// Structured output and several choices, JSON and streamed, as a client reads them.

const target: ModelTarget = { config: modelSchema.parse({ id: 'm', provider: 'mock' }) };
const options = (): ProviderCallOptions => ({ signal: new AbortController().signal, requestId: 'req-1' });
const provider = createMockProvider();

const request = (fields: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'Plan a picnic' }], ...fields });

const collect = async (events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> => {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
};

/** Each choice's text and tool-call arguments, put together from the deltas as SDKs do. */
const assemble = (events: readonly StreamEvent[]) => {
  const choices = new Map<number, { content: string; args: string[]; finish: string | null }>();
  for (const event of events) {
    if (event.type !== 'chunk') continue;
    for (const choice of (event.chunk as ChatCompletionChunk).choices) {
      const entry = choices.get(choice.index) ?? { content: '', args: [], finish: null };
      entry.content += choice.delta.content ?? '';
      for (const call of choice.delta.tool_calls ?? [])
        entry.args[call.index] = (entry.args[call.index] ?? '') + (call.function?.arguments ?? '');
      entry.finish = choice.finish_reason ?? entry.finish;
      choices.set(choice.index, entry);
    }
  }
  return [...choices.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
};

const PICNIC = z.object({
  title: z.string(),
  date: z.iso.date(),
  guests: z.array(z.object({ name: z.string(), email: z.email() })).min(2),
  budget: z.number().min(10).max(100),
  weather: z.enum(['sunny', 'cloudy']),
});
const PICNIC_FORMAT = { type: 'json_schema', json_schema: { name: 'picnic', strict: true, schema: z.toJSONSchema(PICNIC) } };

describe('the mock model with response_format and n', () => {
  test('json_schema: the content is JSON valid for the schema, with the prompt in the first free-form string', async () => {
    // Act
    const result = await provider.complete(request({ response_format: PICNIC_FORMAT }), target, options());

    // Assess
    const content = JSON.parse(result.completion.choices[0]?.message.content ?? '');
    expect(PICNIC.parse(content)).toEqual({
      title: 'Plan a picnic',
      date: '2025-01-01',
      guests: [
        { name: 'name 1', email: 'user@example.com' },
        { name: 'name 2', email: 'user2@example.com' },
      ],
      budget: 10,
      weather: 'sunny',
    });
    expect(result.completion.choices[0]?.finish_reason).toBe('stop');
  });

  test('json_schema streamed: the pieces put together are the same JSON', async () => {
    // Prepare
    const chat = request({ response_format: PICNIC_FORMAT });

    // Act
    const completed = await provider.complete(chat, target, options());
    const events = await collect(provider.stream(chat, target, options()));

    // Assess
    const [streamed] = assemble(events);
    expect(streamed?.content).toBe(completed.completion.choices[0]?.message.content);
    expect(events.filter((event) => event.type === 'chunk').length).toBeGreaterThan(10);
  });

  test('n: 3 gives three labelled choices, usage counting all of them', async () => {
    // Act
    const result = await provider.complete(request({ n: 3 }), target, options());

    // Assess
    const contents = result.completion.choices.map((choice) => choice.message.content ?? '');
    expect(result.completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    expect(contents).toEqual([1, 2, 3].map((i) => `This is a mock reply from m (choice ${i} of 3). You said: "Plan a picnic"`));
    expect(result.usage.completionTokens).toBe(contents.reduce((sum, text) => sum + estimateTextTokens(text), 0));
  });

  test('n: 2 with a schema gives two valid objects that differ', async () => {
    // Act
    const result = await provider.complete(request({ n: 2, response_format: PICNIC_FORMAT }), target, options());

    // Assess
    const [a, b] = result.completion.choices.map((choice) => PICNIC.parse(JSON.parse(choice.message.content ?? '')));
    expect(a?.title).toBe('Plan a picnic (choice 1 of 2)');
    expect(b?.title).toBe('Plan a picnic (choice 2 of 2)');
  });

  test('n: 2 streamed: choices interleave and each ends with its own finish_reason; one usage event', async () => {
    // Prepare
    const chat = request({ n: 2 });

    // Act
    const completed = await provider.complete(chat, target, options());
    const events = await collect(provider.stream(chat, target, options()));

    // Assess
    expect(assemble(events)).toEqual(
      completed.completion.choices.map((choice) => ({ content: choice.message.content, args: [], finish: 'stop' })),
    );
    const order = events.flatMap((event) => (event.type === 'chunk' ? [event.chunk.choices[0]?.index] : []));
    expect(order.slice(0, 4)).toEqual([0, 1, 0, 1]);
    expect(events.filter((event) => event.type === 'usage')).toEqual([{ type: 'usage', usage: completed.usage }]);
  });

  test('n: 2 with a required tool: each choice calls it, with its own id', async () => {
    // Prepare
    const tool = {
      type: 'function',
      function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    };
    const chat = request({ n: 2, tools: [tool], tool_choice: 'required' });

    // Act
    const completed = await provider.complete(chat, target, options());
    const events = await collect(provider.stream(chat, target, options()));

    // Assess
    const calls = completed.completion.choices.map((choice) => choice.message.tool_calls?.[0]);
    expect(calls.map((call) => call?.function)).toEqual([
      { name: 'lookup', arguments: '{"q":"Plan a picnic"}' },
      { name: 'lookup', arguments: '{"q":"Plan a picnic"}' },
    ]);
    expect(calls[0]?.id).not.toBe(calls[1]?.id);
    expect(assemble(events)).toEqual([
      { content: '', args: ['{"q":"Plan a picnic"}'], finish: 'tool_calls' },
      { content: '', args: ['{"q":"Plan a picnic"}'], finish: 'tool_calls' },
    ]);
  });

  test.each([
    { name: 'json_object', format: { type: 'json_object' } },
    {
      name: 'a schema without properties',
      format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
    },
    { name: 'no schema', format: { type: 'json_schema', json_schema: { name: 'x' } } },
  ])('$name: the reply wrapped in JSON', async ({ format }) => {
    // Act
    const result = await provider.complete(request({ response_format: format }), target, options());

    // Assess
    expect(JSON.parse(result.completion.choices[0]?.message.content ?? '')).toEqual({
      reply: 'This is a mock reply from m. You said: "Plan a picnic"',
    });
  });
});
